"""
models/MODEL_CARD.md from the card JSON that evaluate.py wrote (and, when it describes the same ONNX file, the test
report of `npm run eval`), plus the speed comparison in onnxruntime-web. Only numbers measured by these scripts appear;
each table says which data it comes from and whether those sources were used for any choice.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from training.sources import SOURCES, sources_in  # the single record of every source and its split


def bench(onnx: str, paper_onnx: str) -> dict | None:
    """Patches/s of our model and the paper architecture (untrained weights: speed only) in one run of bench_ort.mjs."""
    if not Path(paper_onnx).is_file():
        subprocess.run(["/usr/bin/python3", "-m", "training.export_onnx", "--arch", "paper", "--untrained", "--out", paper_onnx],
                       check=True, capture_output=True, timeout=600)
    out = subprocess.run(["node", "training/bench_ort.mjs", onnx, paper_onnx, "--runs", "5"], capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        print(f"speed measurement failed: {out.stderr.strip()[-400:]}")
        return None
    r = json.loads(out.stdout.strip().splitlines()[-1])
    ours, paper = r[onnx], r[paper_onnx]
    return {"runtime": "onnxruntime-web (Node, wasm, 1 thread)", "batch": ours["batch"], "ours": ours, "paperArchitecture": paper,
            "speedup": round(ours["patchesPerSecond"] / max(paper["patchesPerSecond"], 1), 1),
            "paperOnnxBytes": Path(paper_onnx).stat().st_size}


def baseline_images(path: str, val: dict) -> str:
    """What the 1.1.0 baseline was measured on, said truthfully: the same images only when its sources and conditions
    are this run's (validation gained sources and conditions after that baseline was measured)."""
    try:
        base = json.loads(Path(path).read_text())["summary"]
    except (OSError, ValueError, KeyError):
        return "an earlier validation run"
    if sorted(base["sources"]) == sorted(val["sources"]) and sorted(base["conditions"]) == sorted(val["conditions"]):
        return "the same validation images (same fields, conditions and noise seed)"
    return (f"the validation images of its own run ({len(base['sources'])} of these sources, {len(base['conditions'])} of "
            "these conditions, same fields per source and noise seed)")


def pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def real_table(rows: list[dict]) -> list[str]:
    """Real images measured as they are: one row each, a wrong verdict marked."""
    return ["| file | truth | level | score | certainty | verdict |", "|---|---|---|---|---|---|"] + [
        f"| {r['file']} | {r['truth']} | {r['level']} | {r['score']:.2f} | {r['certainty']:.3f} | {r['verdict']}"
        f"{'' if r['right'] else ' **(wrong)**'} |" for r in rows]


def rates_table(summary: dict, title: str) -> list[str]:
    """Rows of blocks {n, within1, spearman, confidentWrong, uncertain} (Python and TypeScript summaries alike)."""
    lines = [f"| {title} | images | within ±1 | Spearman | confident wrong in/out | uncertain |", "|---|---|---|---|---|---|"]
    for name, b in summary.items():
        lines.append(f"| {name} | {b['n']} | {pct(b['within1'])} | {b['spearman']:.3f} | {pct(b['confidentWrong'])} | {pct(b['uncertain'])} |")
    return lines


def ingredient_steps(ingredient: dict) -> str:
    """A soup ingredient's length: its steps, or — for an ingredient that is an average itself, which has none — that."""
    return f"{ingredient['steps']} steps" if ingredient.get("steps") else "itself a weight average"


def markdown(card: dict, test: dict | None) -> str:
    m = card["metrics"]
    t = card["training"]
    cfg = t.get("config", {})
    v = card.get("verdict", {})
    val = m["validation"]["summary"]
    n_sources, test_sources = len(SOURCES), [x.id for x in sources_in("test")]
    lines = [
        f"# Model card: {card['name']} {card['version']}", "",
        "A compact CNN that rates an 84×84 patch of a grayscale fluorescence image on 11 ordered defocus levels "
        "(0 = in focus … 10 = 20 µm defocused at NA 0.5; levels 0–2 count as in focus), after Yang et al. 2018 "
        "(BMC Bioinformatics 19:77), with an explicit \"uncertain\" verdict. Every number below was measured by this "
        "repository's scripts; none is copied from the paper.", "",
        "## Interface", "",
        f"- File `{card['file']}` (sha256 `{card['sha256'][:16]}…`), ONNX opset 17, dynamic batch, softmax in the graph; "
        "`focus-quality.b64.onnx` is the same model with the batch fixed to 64 (for WebGL).",
        f"- Input `patches` float32 [N,1,84,84]: the card's intensity rule `{card['scaling']['rule']}` — {card['scaling'].get('text', '')}.",
        f"- Native pixel size {card.get('pixelSizeUm', '–')} µm: images whose pixel size is known are resampled to it first.",
        "- Output `probabilities` float32 [N,11]. Certainty = 1 − H(p)/ln 11. Whole image = certainty-weighted mean of the "
        f"patch distributions, read as its **{card['aggregation']}** (card `aggregation`, chosen on validation sources).",
        f"- Verdict: `uncertain` when the image certainty is below {v.get('minCertainty')} or the score lies within "
        f"{v.get('minMargin')}{' + ' + str(v['certaintyMargin']) + ' / certainty' if v.get('certaintyMargin') else ''} "
        "level of the in/out boundary (2.5); else `in` (level ≤ 2) or `out` (card `verdict`, chosen on validation sources).",
        f"- Licence {card['licence']}.", "",
        "## Data and protocol", "",
        f"In-focus fields of {n_sources} public sources (one source = one lab × microscope × cell type), split by source: "
        f"{len(t.get('sources') or [])} training sources ({', '.join(t.get('sources') or [])}), "
        f"{len(m['validation']['sources'])} validation sources ({', '.join(m['validation']['sources'])}) for every choice, and "
        f"{len(test_sources)} test sources{' (' + ', '.join(test_sources) + ')' if test_sources else ''} measured once by "
        "`npm run eval`. Every image, with repository, commit, licence and sha256: [training/DATA.md](../training/DATA.md).",
        "Each field is defocused with the Born–Wolf PSF (λ 500 nm, NA 0.5, n 1.0, 0.65 µm pixels, 2 µm per level) and seen "
        "through a simulated camera (training/acquisition.py: 20–20,000 photons at the brightest pixel, 1–10 e⁻ read noise, "
        "gain, offset, clipping, uneven illumination, 8/12/16-bit ADCs, 8-bit files and ImageJ 8-bit conversions).", "",
        "## Training", "",
        f"- Architecture `{t.get('arch')}`, {t.get('parameters'):,} parameters, {m['size']['onnxBytes'] / 1024:.0f} KiB ONNX.",
        *([f"- The uniform weight average (training/soup.py) of {len(t['soup'])} fine-tunes of one model: "
           + ", ".join(f"`{Path(i['ckpt']).name}` ({ingredient_steps(i)})" for i in t["soup"])
           + "; the settings below are those of the first run in the first one (each stage: the notes)."] if t.get("soup") else []),
        f"- {t.get('steps') or cfg.get('max_steps')} steps of {cfg.get('batch_size')} patches, AdamW lr {cfg.get('lr')} → {cfg.get('min_lr')} (warm-up "
        f"{cfg.get('warmup')}, cosine over the steps), ranked-probability-score loss, seed {cfg.get('seed')}, "
        f"{cfg.get('threads')} CPU thread(s)"
        + (f", {t['trainSeconds'] / 60:.0f} minutes on a 2-core machine shared with other work" if t.get("trainSeconds") else "")
        + ". Sources drawn evenly; flips/rotations; half of the crops the busier of two.",
        *([f"- {t['notes']}"] if t.get("notes") else []), "",
    ]
    if test:
        s = test["summary"]
        typical = s.get("typical", s["all"])
        lines += ["## Never-seen sources (test, measured once by `npm run eval` through the TypeScript)", "",
                  f"Test sources: {', '.join(s['sources'])}. {s['all']['n']} images (fields × 11 levels × conditions); "
                  "details in [reports/evaluation.md](../reports/evaluation.md).", "",
                  f"- **Whole-image level within ±1: {pct(typical['within1'])}** with a typical camera, "
                  f"{pct(s['all']['within1'])} over all conditions; worst source {pct(s['worstSource']['within1'])}; "
                  f"Spearman {s['all']['spearman']:.3f}.",
                  f"- Confident wrong in/out calls {pct(s['all']['confidentWrong'])}, uncertain {pct(s['all']['uncertain'])} (all conditions)."]
        if test.get("compare"):
            c = test["compare"]["summary"]
            worst = max(b["confidentWrong"] for b in c["byCondition"].values())
            lines += [f"- Model {test['compare']['model']['version']} on the same images: within ±1 {pct(c.get('typical', c['all'])['within1'])} "
                      f"typical camera, {pct(c['all']['within1'])} all conditions, worst source {pct(c['worstSource']['within1'])}, "
                      f"Spearman {c['all']['spearman']:.3f}, confident wrong up to {pct(worst)} in one condition"
                      + ("." if test["compare"]["model"].get("verdict") else " (it has no verdict rule).")]
        lines += [""]
        lines += rates_table(s["bySource"], "test source (all conditions)") + [""]
        lines += rates_table(s["byCondition"], "condition (test sources)") + [""]
        if test.get("plls"):
            lines += [f"- PLLS on the same test images (typical camera), Spearman with the true level over all test sources: "
                      f"{test['plls']['spearmanTypical']:.3f} (ours {test['plls']['oursSpearmanTypical']:.3f}).", ""]
        other = (test.get("realOther") or {}).get("rows") or []
        if other:
            right = sum(1 for r in other if r["right"])
            clear = sum(1 for r in other if r["right"] and r.get("clear"))
            lines += [f"Real images of other labs whose focus their makers documented (never used for any choice; training/DATA.md): "
                      f"{right}/{len(other)} right, {clear}/{len(other)} with the score at least 0.5 level from the in/out boundary.", ""]
            lines += real_table(other) + [""]
        stacks = (test.get("realStacks") or {}).get("rows") or []
        if stacks:
            lines += ["Real z-stacks of other labs whose in-focus plane their makers document (never used for any choice; "
                      "test/fixtures/images/README.md): the sharpest plane by score against theirs (issue 10.6: within ±1 plane).", "",
                      "| stack | planes | step | documented in-focus plane | picked | off by |", "|---|---|---|---|---|---|"]
            lines += [f"| {r['id']} | {r['planes']} | {r['stepUm']} µm | {r['focalOrder']} | {r['pickedOrder']} | {r['offsetPlanes']:+d} |" for r in stacks] + [""]
    else:
        lines += ["## Never-seen sources", "", "Not measured for this file yet: run `npm run eval`, then `training/evaluate.py` again.", ""]
    lines += ["## Validation sources (used for the choices above)", "",
              f"{val['all']['n']} images; within ±1 {pct(val['all']['within1'])}, worst source {pct(val['worstSource']['within1'])}, "
              f"Spearman {val['all']['spearman']:.3f}; with the chosen verdict: confident wrong {pct(val['all']['confidentWrong'])}, "
              f"uncertain {pct(val['all']['uncertain'])}.", ""]
    if m["validation"].get("baseline110"):
        b = m["validation"]["baseline110"]
        lines += [f"Model 1.1.0 on {baseline_images(b['source'], val)}: within ±1 {pct(b['within1'])}, "
                  f"worst source {pct(b['worstSource'])}, Spearman {b['spearman']:.3f} ({b['source']}).", ""]
    lines += rates_table(val["conditions"], "condition (validation)") + [""]
    lines += rates_table(val["sources"], "validation source") + ["", "![per condition](conditions.png) ![confusion](confusion-validation.png)", ""]
    ind = m["inDistribution"]["summary"]
    real = m["realImages"]
    lines += ["## In distribution (the training plate; not a headline)", "",
              f"- BBBC006 a05/a06 (never trained on, same plate as training fields), all conditions: within ±1 {pct(ind['all']['within1'])}, "
              f"typical camera {pct(ind.get('typical', ind['all'])['within1'])}.",
              f"- The 22 real BBBC006 images (7 in focus — 4 of them training fields — and 15 strongly defocused): "
              f"{real['right']}/{real['total']} right.", ""]
    lines += real_table(real["rows"])
    lines += ["", "## Size and speed", ""]
    if m.get("speed"):
        sp = m["speed"]
        lines.append(f"- {sp['runtime']}, batches of {sp['batch']} patches, both models in one process with runs alternating: ours "
                     f"{sp['ours']['patchesPerSecond']:,} patches/s, the paper's architecture ({sp['paperOnnxBytes'] / 1e6:.0f} MB) "
                     f"{sp['paperArchitecture']['patchesPerSecond']:,} patches/s: **{sp['speedup']}×**. The machine was shared, so absolute "
                     "numbers vary between runs; the ratio is what this run measured.")
    lines += ["", "## Limitations", "",
              "- Levels are defined by a simulated widefield PSF at NA 0.5 and 0.65 µm pixels; real optics differ, and without a known "
              "pixel size an image is read as if it had 0.65 µm pixels.",
              "- Test sources are few fields each; per-source figures of small sources are noisy.",
              "- Background-only patches carry no focus information; their certainty is low and the aggregate discounts them.",
              "- A few objects far brighter than the cells (mitotic nuclei, debris, a saturated cell) set the image's contrast, so "
              "in-focus cells look dim and are rated too defocused (the `bright-objects` condition above); cropping them out, or "
              "measuring the patches away from them, helps.",
              "- Broad out-of-focus glow under in-focus cells (light from cells or debris far from the focal plane) can still be read "
              "as defocus, calling in-focus fields out of focus (the `haze` condition above); models from 2.5.0 on are trained "
              "with such glow (training/README.md, \"Out-of-focus glow\").",
              "- Fluorescence only: on brightfield through-focus frames (training/DATA.md, sephace) it calls frames 10 µm from focus "
              "in focus; it does not detect that an image is brightfield.", ""]
    return "\n".join(lines)
