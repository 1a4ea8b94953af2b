"""Writes tiny hand-made ONNX models whose outputs the TypeScript tests can compute exactly.

logits_k = W_k * mean(patch) + B_k ; probabilities = softmax(logits), with W_k = 40 - 8 k and B_k = 2 k
(so a bright patch leans to level 0 and a dark one to level 10). Usage: tiny_model.py OUT_DIR
Writes affine.onnx (+ .card.json, dynamic batch), affine-b4.onnx (fixed batch of 4), wrong-names.onnx and wrong-size.onnx.
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LEVELS, P = 11, 84
W = np.array([[40.0 - 8.0 * k for k in range(LEVELS)]], dtype=np.float32)
B = np.array([2.0 * k for k in range(LEVELS)], dtype=np.float32)


def build(batch, input_name="patches", output_name="probabilities", side=P):
    inp = helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [batch, 1, side, side])
    out = helper.make_tensor_value_info(output_name, TensorProto.FLOAT, [batch, LEVELS])
    nodes = [
        helper.make_node("ReduceMean", [input_name], ["m4"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Reshape", ["m4", "shape"], ["m"]),
        helper.make_node("MatMul", ["m", "W"], ["wx"]),
        helper.make_node("Add", ["wx", "B"], ["logits"]),
        helper.make_node("Softmax", ["logits"], [output_name], axis=-1),
    ]
    inits = [numpy_helper.from_array(np.array([-1, 1], dtype=np.int64), "shape"), numpy_helper.from_array(W, "W"), numpy_helper.from_array(B, "B")]
    graph = helper.make_graph(nodes, "affine", [inp], [out], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def card(file, batch):
    return {
        "schema": "focus-quality-model-card/1", "name": "affine-test", "version": "0", "file": file,
        "input": {"name": "patches", "shape": [batch, 1, P, P], "dtype": "float32"},
        "output": {"name": "probabilities", "shape": [batch, LEVELS], "dtype": "float32"},
        "patchSize": P, "levels": LEVELS, "inFocusMaxLevel": 2,
    }


def main(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, batch in (("affine", "N"), ("affine-b4", 4)):
        onnx.save(build(batch), out / f"{name}.onnx")
        (out / f"{name}.card.json").write_text(json.dumps(card(f"{name}.onnx", batch)))
    onnx.save(build("N", input_name="x", output_name="y"), out / "wrong-names.onnx")
    (out / "wrong-names.card.json").write_text(json.dumps(card("wrong-names.onnx", "N")))
    onnx.save(build("N", side=64), out / "wrong-size.onnx")  # a 64x64 model behind a card that says 84
    (out / "wrong-size.card.json").write_text(json.dumps(card("wrong-size.onnx", "N")))


if __name__ == "__main__":
    main(sys.argv[1])
