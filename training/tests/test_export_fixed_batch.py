"""export_onnx --fixed_batch: the copy for onnxruntime-web's WebGL backend has the batch fixed on every input, output
and intermediate shape, keeps the weights and metadata, and gets its own card; wrong use is refused by name."""
import contextlib
import io
import json
import shutil
import tempfile
import unittest
from pathlib import Path

import onnx
from onnx import TensorProto, helper

from training import export_onnx
from training.card import sha256

CKPT = Path("training/checkpoints/focus-quality.ckpt.npz")


class FixedBatchTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="fq-fixed-"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_main(self, *argv) -> int:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return export_onnx.main(list(argv))

    def test_export_with_a_checkpoint_writes_both_models_and_cards(self):
        out = self.tmp / "m.onnx"
        self.assertEqual(self.run_main("--ckpt", str(CKPT), "--out", str(out), "--fixed_batch", "64", "--version", "9.9.9"), 0)
        fixed = onnx.load(str(self.tmp / "m.b64.onnx"))
        dims = lambda v: [d.dim_value if d.HasField("dim_value") else d.dim_param for d in v.type.tensor_type.shape.dim]
        self.assertEqual(dims(fixed.graph.input[0]), [64, 1, 84, 84])
        self.assertEqual(dims(fixed.graph.output[0]), [64, 11])
        self.assertTrue(fixed.graph.value_info, "intermediate shapes are inferred again")
        for value in fixed.graph.value_info:
            self.assertFalse(any(d.dim_param for d in value.type.tensor_type.shape.dim), f"{value.name} keeps a symbolic dimension")
        dynamic = onnx.load(str(out))
        self.assertEqual({p.key: p.value for p in fixed.metadata_props}, {p.key: p.value for p in dynamic.metadata_props})
        self.assertEqual([i.raw_data for i in fixed.graph.initializer], [i.raw_data for i in dynamic.graph.initializer])
        card = json.loads((self.tmp / "m.b64.card.json").read_text())
        self.assertEqual((card["file"], card["sha256"], card["version"]), ("m.b64.onnx", sha256(self.tmp / "m.b64.onnx"), "9.9.9"))
        self.assertEqual(card["input"]["shape"], [64, 1, 84, 84])
        self.assertEqual(card["fixedBatchOf"], {"file": "m.onnx", "sha256": sha256(out)})

    def test_without_a_checkpoint_the_existing_onnx_file_is_copied_and_a_missing_one_is_refused(self):
        self.assertEqual(self.run_main("--ckpt", str(CKPT), "--out", str(self.tmp / "m.onnx")), 0)
        self.assertEqual(self.run_main("--out", str(self.tmp / "m.onnx"), "--fixed_batch", "8"), 0)
        self.assertTrue((self.tmp / "m.b8.onnx").is_file() and (self.tmp / "m.b8.card.json").is_file())
        self.assertEqual(self.run_main("--out", str(self.tmp / "absent.onnx"), "--fixed_batch", "8"), 2)

    def test_a_batch_that_is_not_positive_or_already_fixed_differently_is_refused(self):
        graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                                  [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        with self.assertRaisesRegex(ValueError, "positive"):
            export_onnx.fix_batch(model, 0)
        fixed = export_onnx.fix_batch(model, 4)
        self.assertEqual(fixed.graph.input[0].type.tensor_type.shape.dim[0].dim_value, 4)
        self.assertEqual(model.graph.input[0].type.tensor_type.shape.dim[0].dim_param, "N", "the original is left as it was")
        with self.assertRaisesRegex(ValueError, "'x' already has a fixed batch of 4"):
            export_onnx.fix_batch(fixed, 8)


if __name__ == "__main__":
    unittest.main()
