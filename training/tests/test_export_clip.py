"""export_onnx.explicit_clip_bounds: every Clip leaves the export with constant min and max initializers (what
onnxruntime-web's WebGL backend needs), with the values ONNX itself would use, so the graph computes the same."""
import contextlib
import io
import shutil
import tempfile
import unittest
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from training import export_onnx

CKPT = Path("training/checkpoints/focus-quality.ckpt.npz")
F32 = np.finfo(np.float32)


def clip_model(*clips: list[str], extra_nodes=()) -> onnx.ModelProto:
    """x → Clip(x, …) chained, with Constant nodes for the bound names that start with "c_"."""
    nodes, current = list(extra_nodes), "x"
    for i, (lo, hi) in enumerate(clips):
        for name, value in ((lo, 0.0), (hi, 6.0)):
            if name.startswith("c_") and not any(name in n.output for n in nodes):
                nodes.append(helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.array(value, np.float32))))
        out = "y" if i == len(clips) - 1 else f"t{i}"
        nodes.append(helper.make_node("Clip", [current, lo, hi], [out], name=f"clip{i}"))
        current = out
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def bounds(model: onnx.ModelProto) -> list[tuple[float, float]]:
    inits = {i.name: float(numpy_helper.to_array(i)) for i in model.graph.initializer if not i.dims}
    out = []
    for n in model.graph.node:
        if n.op_type == "Clip":
            assert len(n.input) == 3 and n.input[1] in inits and n.input[2] in inits, f"{n.name}: {list(n.input)}"
            out.append((inits[n.input[1]], inits[n.input[2]]))
    return out


class ExplicitClipBoundsTest(unittest.TestCase):
    def test_constant_and_missing_bounds_become_initializers_with_the_onnx_defaults(self):
        # clamp(min=0) as PyTorch writes it, ReLU6 from Constants, and a bare Clip with neither bound.
        m = clip_model(("c_lo", ""), ("c_lo", "c_hi"), ("", ""))
        self.assertEqual(export_onnx.explicit_clip_bounds(m), 6)
        onnx.checker.check_model(m)
        self.assertEqual(bounds(m), [(0.0, float(F32.max)), (0.0, 6.0), (float(F32.min), float(F32.max))])
        self.assertEqual([n.op_type for n in m.graph.node], ["Clip"] * 3, "Constants that fed only bounds are gone")

    def test_a_clip_with_trailing_bounds_left_out_gets_both(self):
        m = clip_model(("c_lo", ""), ("", ""))
        del m.graph.node[-2].input[2:]  # Clip(x, lo)
        del m.graph.node[-1].input[1:]  # Clip(x)
        export_onnx.explicit_clip_bounds(m)
        onnx.checker.check_model(m)
        self.assertEqual(bounds(m), [(0.0, float(F32.max)), (float(F32.min), float(F32.max))])

    def test_a_bound_computed_at_run_time_is_refused_by_name(self):
        m = clip_model(("lo_run", ""), extra_nodes=[helper.make_node("ReduceMin", ["x"], ["lo_run"], keepdims=0)])
        with self.assertRaisesRegex(ValueError, "clip0.*lo_run"):
            export_onnx.explicit_clip_bounds(m)

    def test_the_exported_focus_model_has_only_initializer_bounds(self):
        from training.model import load_checkpoint
        rule = load_checkpoint(CKPT)[1]["config"].get("rule", "full-scale")
        tmp = Path(tempfile.mkdtemp(prefix="fq-clip-"))
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                rc = export_onnx.main(["--ckpt", str(CKPT), "--out", str(tmp / "m.onnx"), "--card", "none"])
            self.assertEqual(rc, 0)
            m = onnx.load(str(tmp / "m.onnx"))
            # Models ≤ 1.1 (counts in) clamp at zero before their Anscombe layer; the percentile-rule model has no Clip.
            self.assertEqual(bounds(m), [(0.0, float(F32.max))] if rule == "full-scale" else [])
            self.assertFalse(any("" in n.input for n in m.graph.node), "no empty optional input is left")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
