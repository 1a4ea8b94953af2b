"""End-to-end smoke run of the real pipeline on tiny settings, and the scripts' answers to bad input."""
import contextlib
import io
import json
import shutil
import tempfile
import unittest
from pathlib import Path

import numpy as np
import onnx
import tifffile
import torch

from training import bn_recalibrate, evaluate, export_onnx, sources_eval, train
from training.data import read_image
from training.inputs import PERCENTILE
from training.model import load_checkpoint

DATA = Path("test/fixtures/images")  # committed real images: the suite needs nothing outside the repository
IN_FOCUS = DATA / "bbbc006-in-focus"


def run(main, argv) -> tuple[int, str]:
    """Calls a script's main() in-process (importing torch once is what costs time) and returns (status, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = main(argv)
    return rc, err.getvalue()


class SmokePipelineTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(2)
        cls.tmp = Path(tempfile.mkdtemp(prefix="fq-smoke-"))
        cls.train_rc, _ = run(train.main, ["--data_dir", str(IN_FOCUS), "--max_steps", "6", "--batch_size", "8",
                                           "--val_patches", "32", "--log_interval", "3", "--eval_interval", "3", "--ckpt_interval", "3",
                                           "--cache", "", "--out_dir", str(cls.tmp), "--name", "smoke"])
        cls.export_rc, _ = run(export_onnx.main, ["--ckpt", str(cls.tmp / "smoke.ckpt.npz"), "--out", str(cls.tmp / "smoke.onnx")])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_training_writes_a_checkpoint_that_carries_its_config_and_log(self):
        self.assertEqual(self.train_rc, 0)
        model, meta = load_checkpoint(self.tmp / "smoke.ckpt.npz")
        self.assertEqual(meta["config"]["max_steps"], 6)
        self.assertEqual(meta["config"]["rule"], "percentile")
        self.assertEqual(meta["steps"], 6)
        self.assertEqual(meta["fields"], ["folder/BBBC006_a01_s1_w1_z10", "folder/BBBC006_a02_s1_w1_z10"])  # a05/a06 watched, never trained on
        lines = [json.loads(l) for l in (self.tmp / "smoke.log.jsonl").read_text().splitlines()]
        self.assertTrue(lines[-1]["final"])
        self.assertIn("val_within1", lines[-1])

    def test_the_schedule_counts_steps_and_a_resumed_run_ends_where_an_uninterrupted_one_does(self):
        # Same seed and config: 6 steps in one go vs 3 steps, stop, --resume to 6. Weights must match exactly.
        once = self.tmp / "once"
        args = ["--data_dir", str(IN_FOCUS), "--batch_size", "4", "--val_patches", "0", "--log_interval", "1",
                "--ckpt_interval", "3", "--cache", "", "--name", "r", "--seed", "5"]
        self.assertEqual(run(train.main, args + ["--max_steps", "6", "--out_dir", str(once)])[0], 0)
        twice = self.tmp / "twice"
        self.assertEqual(run(train.main, args + ["--max_steps", "6", "--stop_after", "3", "--out_dir", str(twice)])[0], 0)
        self.assertEqual(load_checkpoint(twice / "r.ckpt.npz")[1]["steps"], 3)
        self.assertEqual(run(train.main, ["--resume", "--out_dir", str(twice), "--name", "r"])[0], 0)
        a, _ = load_checkpoint(once / "r.ckpt.npz")
        b, meta = load_checkpoint(twice / "r.ckpt.npz")
        self.assertEqual(meta["steps"], 6)
        for (k, va), vb in zip(a.state_dict().items(), b.state_dict().values()):
            self.assertTrue(torch.allclose(va, vb, atol=1e-6), k)
        self.assertAlmostEqual(train.learning_rate(0, train.parse_args(["--warmup", "10", "--lr", "1e-3"])), 1e-4)
        self.assertEqual(run(train.main, ["--resume", "--out_dir", str(self.tmp / "nothing"), "--name", "r"])[0], 2)

    def test_init_fine_tunes_from_a_checkpoint_keeping_its_architecture(self):
        self.assertEqual(self.train_rc, 0)
        out = self.tmp / "tuned"
        rc, _ = run(train.main, ["--data_dir", str(IN_FOCUS), "--max_steps", "2", "--batch_size", "8", "--val_patches", "0",
                                 "--width", "8", "--cache", "", "--init", str(self.tmp / "smoke.ckpt.npz"), "--out_dir", str(out), "--name", "tuned"])
        self.assertEqual(rc, 0)
        start, _ = load_checkpoint(self.tmp / "smoke.ckpt.npz")
        tuned, meta = load_checkpoint(out / "tuned.ckpt.npz")
        self.assertEqual(meta["config"]["width"], 16)  # the checkpoint's width, not --width
        self.assertEqual(meta["config"]["init"], str(self.tmp / "smoke.ckpt.npz"))
        first = next(iter(start.state_dict()))
        self.assertEqual(start.state_dict()[first].shape, tuned.state_dict()[first].shape)
        self.assertFalse(torch.equal(start.state_dict()[first], tuned.state_dict()[first]))  # trained further

    def test_bn_recalibration_replaces_the_running_statistics_and_keeps_every_weight(self):
        self.assertEqual(self.train_rc, 0)
        out = self.tmp / "bn.ckpt.npz"
        rc, _ = run(bn_recalibrate.main, ["--ckpt", str(self.tmp / "smoke.ckpt.npz"), "--out", str(out), "--batches", "2", "--batch_size", "16", "--threads", "1"])
        self.assertEqual(rc, 0)
        before, _ = load_checkpoint(self.tmp / "smoke.ckpt.npz")
        after, meta = load_checkpoint(out)
        self.assertEqual(meta["config"], load_checkpoint(self.tmp / "smoke.ckpt.npz")[1]["config"])
        changed = []
        for name, value in before.state_dict().items():
            if name.endswith(("running_mean", "running_var")):
                changed.append(not torch.allclose(value, after.state_dict()[name]))
            elif value.is_floating_point():
                self.assertTrue(torch.equal(value, after.state_dict()[name]), name)
        self.assertTrue(changed and all(changed), "every batch-norm layer gets new statistics")
        rc, err = run(bn_recalibrate.main, ["--ckpt", str(self.tmp / "missing.ckpt.npz"), "--out", str(out)])
        self.assertEqual(rc, 2)
        self.assertIn("missing.ckpt.npz: no such checkpoint", err)

    def test_export_is_opset_17_with_dynamic_batch_softmax_and_metadata(self):
        self.assertEqual(self.export_rc, 0)
        m = onnx.load(str(self.tmp / "smoke.onnx"))
        self.assertEqual(m.opset_import[0].version, 17)
        self.assertEqual(m.graph.input[0].name, "patches")
        self.assertEqual(m.graph.output[0].name, "probabilities")
        dims = m.graph.input[0].type.tensor_type.shape.dim
        self.assertEqual(dims[0].dim_param, "N")
        self.assertEqual([d.dim_value for d in dims[1:]], [1, 84, 84])
        self.assertEqual(m.graph.node[-1].op_type, "Softmax")
        meta = {p.key: p.value for p in m.metadata_props}
        self.assertEqual((meta["patchSize"], meta["levels"], meta["inFocusMaxLevel"]), ("84", "11", "2"))
        self.assertEqual(json.loads(meta["scaling"])["rule"], "percentile")
        self.assertLess((self.tmp / "smoke.onnx").stat().st_size, 1_000_000)

    def test_card_follows_the_schema_the_typescript_reads(self):
        card = json.loads((self.tmp / "smoke.card.json").read_text())
        self.assertEqual(card["schema"], "focus-quality-model-card/1")
        self.assertEqual(card["file"], "smoke.onnx")
        self.assertEqual(card["input"], {"name": "patches", "shape": ["N", 1, 84, 84], "dtype": "float32"})
        self.assertEqual(card["output"], {"name": "probabilities", "shape": ["N", 11], "dtype": "float32"})
        self.assertEqual((card["patchSize"], card["levels"], card["inFocusMaxLevel"], card["licence"]), (84, 11, 2, "Apache-2.0"))
        import hashlib
        self.assertEqual(card["sha256"], hashlib.sha256((self.tmp / "smoke.onnx").read_bytes()).hexdigest())

    def test_source_evaluation_measures_every_level_and_condition_and_summarises_the_verdicts(self):
        model, _ = load_checkpoint(self.tmp / "smoke.ckpt.npz")
        img = read_image(IN_FOCUS / "BBBC006_a05_s1_w1_z10.tif")[:200, :300]
        recs = sources_eval.records_for([("folder", "a05", img)], sources_eval.predictor(model), PERCENTILE,
                                        ["typical", "8-bit-file", "pixel-2x"], seed=1, cache=None)
        self.assertEqual(len(recs), 11 * 3)
        self.assertEqual(sorted({r["truth"] for r in recs}), list(range(11)))
        s = sources_eval.summarise(recs, {"minCertainty": 1.01})
        self.assertEqual(s["all"]["uncertain"], 1.0, "a certainty threshold above 1 makes every call uncertain")
        self.assertEqual(s["all"]["confidentWrong"], 0.0)
        self.assertEqual(set(s["conditions"]), {"typical", "8-bit-file", "pixel-2x"})
        rule, summary = evaluate.choose_verdict(recs, "median")
        self.assertIn(rule["minCertainty"], evaluate.CERTAINTY_GRID)
        self.assertIn(rule["minMargin"], evaluate.MARGIN_GRID)
        self.assertIn(rule.get("certaintyMargin", 0.0), evaluate.CERTAINTY_MARGIN_GRID)


class ShippedModelTest(unittest.TestCase):
    def test_card_describes_the_shipped_onnx_file_and_its_metadata(self):
        import hashlib
        card = json.loads(Path("models/focus-quality.card.json").read_text())
        path = Path("models") / card["file"]
        self.assertEqual(card["sha256"], hashlib.sha256(path.read_bytes()).hexdigest(), "card and ONNX file are out of step")
        self.assertLessEqual(path.stat().st_size, 1_000_000)
        meta = {p.key: p.value for p in onnx.load(str(path)).metadata_props}
        self.assertEqual((int(meta["patchSize"]), int(meta["levels"]), int(meta["inFocusMaxLevel"])),
                         (card["patchSize"], card["levels"], card["inFocusMaxLevel"]))
        self.assertEqual(meta["version"], card["version"])
        self.assertIn(card["aggregation"], ("median", "argmax"))


class BadInputTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="fq-bad-"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def folder_with(self, name: str, content) -> Path:
        d = self.tmp / "imgs"
        d.mkdir(exist_ok=True)
        shutil.copy(IN_FOCUS / "BBBC006_a02_s1_w1_z10.tif", d)
        if isinstance(content, bytes):
            (d / name).write_bytes(content)
        else:
            tifffile.imwrite(d / name, content)
        return d

    def test_train_names_a_missing_folder(self):
        rc, err = run(train.main, ["--data_dir", str(self.tmp / "nope"), "--out_dir", str(self.tmp)])
        self.assertEqual(rc, 2)
        self.assertIn("nope", err)
        self.assertIn("no such folder", err)

    def test_train_names_an_unreadable_image(self):
        d = self.folder_with("broken.tif", b"II*\x00 this is not really a TIFF")
        rc, err = run(train.main, ["--data_dir", str(d), "--out_dir", str(self.tmp)])
        self.assertEqual(rc, 2)
        self.assertIn("broken.tif", err)
        self.assertIn("unreadable", err)

    def test_train_names_an_image_smaller_than_a_patch(self):
        d = self.folder_with("tiny.tif", np.full((60, 90), 500, dtype=np.uint16))
        rc, err = run(train.main, ["--data_dir", str(d), "--out_dir", str(self.tmp)])
        self.assertEqual(rc, 2)
        self.assertIn("tiny.tif", err)
        self.assertIn("smaller than one 84×84 patch", err)

    def test_evaluate_and_export_name_what_is_missing(self):
        ckpt = str(Path("training/checkpoints/focus-quality.ckpt.npz"))
        rc, err = run(evaluate.main, ["--ckpt", ckpt, "--fields", str(self.tmp / "gone")])
        self.assertEqual((rc, "gone" in err), (2, True), err)
        rc, err = run(evaluate.main, ["--ckpt", str(self.tmp / "none.ckpt.npz")])
        self.assertEqual(rc, 2)
        self.assertIn("none.ckpt.npz", err)
        rc, err = run(export_onnx.main, ["--ckpt", str(self.tmp / "none.ckpt.npz")])
        self.assertEqual(rc, 2)
        self.assertIn("none.ckpt.npz", err)


if __name__ == "__main__":
    unittest.main()
