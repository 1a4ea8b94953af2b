"""
Export a checkpoint to ONNX (opset 17, dynamic batch, softmax inside) and write its model card.
Every Clip gets constant min and max initializers (`explicit_clip_bounds`), which onnxruntime-web's WebGL backend needs.

    /usr/bin/python3 -m training.export_onnx --ckpt training/runs/default/compact.ckpt.npz     # → models/
    /usr/bin/python3 -m training.export_onnx --arch paper --untrained                        # → build/models/paper-arch.onnx
    /usr/bin/python3 -m training.export_onnx --fixed_batch 64     # models/focus-quality.onnx → models/focus-quality.b64.onnx

`--fixed_batch N` writes a copy of the model with the batch dimension fixed to N, plus its own card (same metadata,
shapes [N,1,84,84] → [N,11]): onnxruntime-web's WebGL backend cannot run a symbolic batch. With `--ckpt` the copy is made
of the model just exported, without it of the ONNX file at `--out` (default models/focus-quality.onnx) as it is, so the
weights are the shipped ones bit for bit.

The ONNX file carries patch size, levels, in-focus threshold, scaling and version in metadata_props, so a loader can
check it against the card. Input "patches" float32 [N,1,84,84] = raw value / full scale; output "probabilities" [N,11].
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from training.card import SCALINGS, make_card, sha256, write_card
from training.model import WithSoftmax, build_model, count_parameters, load_checkpoint

PATCH = 84
IN_FOCUS_MAX = 2  # levels 0–2 count as in focus (Yang et al. 2018)
OPSET = 17


def explicit_clip_bounds(model: onnx.ModelProto) -> int:
    """Gives every Clip constant min and max inputs as initializers; returns how many bounds it filled in.

    PyTorch exports clamp(min=0) as Clip(x, min, "") with the min from a Constant node. onnxruntime-web's WebGL backend
    rejects the empty optional input ("unrecognized input ''") and takes bounds only from initializers. A missing
    bound becomes ONNX's own default for it (float32 lowest / max, as finite numbers: the WebGL shader needs a
    literal), so the numbers the graph computes do not change.
    """
    graph = model.graph
    constants = {n.output[0]: n for n in graph.node if n.op_type == "Constant" and len(n.output) == 1}
    names = {i.name for i in graph.initializer}
    filled = 0
    for node in graph.node:
        if node.op_type != "Clip":
            continue
        while len(node.input) < 3:
            node.input.append("")
        for slot, default in ((1, np.finfo(np.float32).min), (2, np.finfo(np.float32).max)):
            source = node.input[slot]
            if source in names:
                continue
            if source in constants:
                value = numpy_helper.to_array(constants[source].attribute[0].t).astype(np.float32)
            elif source == "":
                value = np.array(default, dtype=np.float32)
            else:
                raise ValueError(f"Clip {node.name!r}: bound {source!r} is computed at run time, WebGL needs a constant")
            name = f"{node.name or 'Clip'}/{'min' if slot == 1 else 'max'}"
            graph.initializer.append(numpy_helper.from_array(value.reshape(()), name))
            names.add(name)
            node.input[slot] = name
            filled += 1
    # Constants that fed only the bounds now feed nothing.
    used = {i for n in graph.node for i in n.input} | {o.name for o in graph.output}
    for out, node in constants.items():
        if out not in used:
            graph.node.remove(node)
    return filled


def fix_batch(model: onnx.ModelProto, batch: int) -> onnx.ModelProto:
    """A copy of `model` whose symbolic batch dimension (of every graph input and output) is the integer `batch`.

    Intermediate shapes recorded in value_info still name the symbolic dimension; they are dropped and inferred again
    from the fixed input, so no part of the graph keeps a symbolic batch (WebGL checks them).
    """
    if batch < 1:
        raise ValueError(f"fixed batch must be a positive integer, got {batch}")
    fixed = onnx.ModelProto()
    fixed.CopyFrom(model)
    for value in list(fixed.graph.input) + list(fixed.graph.output):
        dims = value.type.tensor_type.shape.dim
        if not dims:
            raise ValueError(f"{value.name!r} has no shape to fix")
        if dims[0].HasField("dim_value") and dims[0].dim_value != batch:
            raise ValueError(f"{value.name!r} already has a fixed batch of {dims[0].dim_value}")
        dims[0].Clear()
        dims[0].dim_value = batch
    del fixed.graph.value_info[:]
    fixed = onnx.shape_inference.infer_shapes(fixed, strict_mode=True)
    onnx.checker.check_model(fixed)
    return fixed


def fixed_batch_name(path: Path, batch: int) -> Path:
    """models/focus-quality.onnx → models/focus-quality.b64.onnx for batch 64."""
    return path.with_name(path.name.replace(".onnx", f".b{batch}.onnx"))


def write_fixed_batch(onnx_path: Path, batch: int, card_path: Path | None) -> Path:
    """Writes the fixed-batch copy of `onnx_path` and, when the dynamic model has a card at `card_path`, the copy's
    card: the same card with its own file name, sha256 and shapes. Returns the copy's path."""
    out = fixed_batch_name(onnx_path, batch)
    onnx.save(fix_batch(onnx.load(str(onnx_path)), batch), str(out))
    if card_path is not None and card_path.is_file():
        card = json.loads(card_path.read_text())
        card["file"] = out.name
        card["sha256"] = sha256(out)
        card["input"]["shape"] = [batch, *card["input"]["shape"][1:]]
        card["output"]["shape"] = [batch, *card["output"]["shape"][1:]]
        card["fixedBatchOf"] = {"file": onnx_path.name, "sha256": sha256(onnx_path)}
        write_card(out.with_name(out.name.replace(".onnx", ".card.json")), card)
    return out


def export(net: torch.nn.Module, path: Path, levels: int, version: str, extra_meta: dict | None = None, rule: str = "full-scale") -> None:
    """Writes `net` (logits) as an ONNX graph with softmax, dynamic batch and metadata."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wrapped = WithSoftmax(net).eval()
    dummy = torch.zeros(2, 1, PATCH, PATCH)
    torch.onnx.export(wrapped, dummy, str(path), opset_version=OPSET, input_names=["patches"],
                      output_names=["probabilities"], dynamic_axes={"patches": {0: "N"}, "probabilities": {0: "N"}},
                      do_constant_folding=True)
    model = onnx.load(str(path))
    explicit_clip_bounds(model)
    meta = {"patchSize": str(PATCH), "levels": str(levels), "inFocusMaxLevel": str(IN_FOCUS_MAX),
            "scaling": json.dumps(SCALINGS[rule]), "version": version, **{k: str(v) for k, v in (extra_meta or {}).items()}}
    del model.metadata_props[:]
    for key, value in meta.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    model.producer_name = "focus-quality training/export_onnx.py"
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", default="", help="checkpoint written by train.py")
    p.add_argument("--out", default="", help="ONNX path (default models/focus-quality.onnx, or build/models/paper-arch.onnx with --untrained)")
    p.add_argument("--card", default="", help="card path (default: next to the ONNX file, .card.json; 'none' to skip)")
    p.add_argument("--arch", default="compact", choices=["compact", "paper"], help="architecture for --untrained")
    p.add_argument("--untrained", action="store_true", help="export a randomly initialised net (speed benchmarks only)")
    p.add_argument("--version", default="0.1.0", help="model version written to the card and metadata")
    p.add_argument("--name", default="focus-quality", help="model name in the card")
    p.add_argument("--notes", default="", help="how the checkpoint was made, for the card's training.notes")
    p.add_argument("--fixed_batch", type=int, default=0, help="also write a copy with this fixed batch (e.g. 64, for WebGL): NAME.bN.onnx + card")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.untrained:
        torch.manual_seed(0)
        net, meta = build_model(args.arch).eval(), {"config": {"arch": args.arch, "levels": 11}}
        out = Path(args.out or f"build/models/{'paper-arch' if args.arch == 'paper' else 'compact-arch'}.onnx")
        export(net, out, 11, args.version, {"untrained": "true", "arch": args.arch})
        print(f"wrote {out} ({out.stat().st_size:,} bytes, {count_parameters(net):,} parameters, untrained)")
        return 0
    if not args.ckpt and args.fixed_batch:
        out = Path(args.out or "models/focus-quality.onnx")
        if not out.is_file():
            print(f"error: {out}: no such ONNX file to give a fixed batch", file=sys.stderr)
            return 2
        card_path = None if args.card == "none" else Path(args.card) if args.card else out.with_name(out.name.replace(".onnx", ".card.json"))
        fixed = write_fixed_batch(out, args.fixed_batch, card_path)
        print(f"wrote {fixed} ({fixed.stat().st_size:,} bytes, batch {args.fixed_batch}) and its card")
        return 0
    if not args.ckpt:
        print("error: give --ckpt (a checkpoint from train.py), --untrained or --fixed_batch", file=sys.stderr)
        return 2
    try:
        net, meta = load_checkpoint(args.ckpt)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    cfg = meta["config"]
    out = Path(args.out or "models/focus-quality.onnx")
    rule = cfg.get("rule", "full-scale")
    export(net, out, cfg["levels"], args.version, {"arch": cfg["arch"]}, rule)
    print(f"wrote {out} ({out.stat().st_size:,} bytes, {count_parameters(net):,} parameters)")
    if args.card != "none":
        card_path = Path(args.card) if args.card else out.with_name(out.name.replace(".onnx", ".card.json"))
        training = {"arch": cfg["arch"], "parameters": count_parameters(net), "steps": meta.get("steps"),
                    "trainSeconds": meta.get("train_seconds_last_call"), "device": meta.get("device"), "sources": meta.get("sources"), "fields": len(meta.get("fields") or []),
                    "heldOut": ["BBBC006_a05", "BBBC006_a06"], "config": cfg}
        if meta.get("soup"):  # a weight average (soup.py): its ingredients, each with its own steps and time
            training["soup"] = meta["soup"]
        if args.notes:
            training["notes"] = args.notes
        write_card(card_path, make_card(out, args.name, args.version, PATCH, cfg["levels"], IN_FOCUS_MAX, training, rule=rule))
        print(f"wrote {card_path}")
    if args.fixed_batch:
        fixed = write_fixed_batch(out, args.fixed_batch, None if args.card == "none" else card_path)
        print(f"wrote {fixed} (batch {args.fixed_batch})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
