"""The evaluation protocol's split (issue 10, item 1): every source sits in exactly one split, in training/sources.py
and in training/DATA.md alike; no image file appears in two splits; the shipped weights learn only from clearly
licensed sources; the training data loader hands out training sources only."""
import json
import re
import tempfile
import unittest
from pathlib import Path

import numpy as np
import tifffile

from training import sources
from training.data import load_fields

DOC = Path("training/DATA.md")


def table(text: str, heading: str) -> list[dict]:
    """The rows of the markdown table under `## heading`, as dicts keyed by the header cells."""
    block = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = [l for l in block.splitlines() if l.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append(dict(zip(header, cells)))
    return rows


class SplitTest(unittest.TestCase):
    def setUp(self):
        self.text = DOC.read_text()
        self.images = table(self.text, "Images")
        self.sources = table(self.text, "Sources")

    def test_every_source_of_sources_py_has_one_known_split_and_a_unique_id(self):
        ids = [s.id for s in sources.SOURCES]
        self.assertEqual(len(ids), len(set(ids)))
        for s in sources.SOURCES:
            self.assertIn(s.split, sources.SPLITS, s.id)
        for split in sources.SPLITS:
            self.assertGreaterEqual(len(sources.sources_in(split)), 3, f"{split}: too few sources for a per-source report")

    def test_no_source_is_in_two_splits_in_data_md(self):
        splits: dict[str, set] = {}
        for row in self.images:
            splits.setdefault(row["source"], set()).add(row["split"])
        self.assertTrue(splits, "DATA.md lists no images")
        for source, seen in splits.items():
            self.assertEqual(len(seen), 1, f"{source} appears in splits {sorted(seen)}")
            self.assertEqual(seen, {sources.split_of(source)}, f"{source}: DATA.md and sources.py disagree")
        for row in self.sources:
            self.assertEqual(row["split"], sources.split_of(row["source"]), row["source"])
        self.assertEqual({r["source"] for r in self.sources}, set(splits), "the two tables name the same sources")

    def test_no_image_file_is_in_two_splits_or_listed_twice(self):
        by_hash: dict[str, set] = {}
        for row in self.images:
            self.assertRegex(row["sha256 of the file"], r"^`[0-9a-f]{64}`$")
            by_hash.setdefault((row["sha256 of the file"], row["channel"]), set()).add((row["split"], row["source"]))
        for key, where in by_hash.items():
            self.assertEqual(len(where), 1, f"one file in {sorted(where)}")

    def test_every_test_and_validation_source_has_images_and_the_bbbc006_plate_is_training(self):
        listed = {r["source"] for r in self.images}
        for s in sources.SOURCES:
            self.assertIn(s.id, listed, f"{s.id} has no image in DATA.md (rerun fetch_data --doc)")
        self.assertEqual(sources.split_of("bbbc006-u2os"), "train")

    def test_the_shipped_weights_learn_only_from_licensed_sources(self):
        for s in sources.sources_in("train"):
            self.assertNotIn("no licence", s.licence, s.id)
            self.assertRegex(s.licence, r"BSD|CC0|CC-BY|Apache", s.id)


class LoaderTest(unittest.TestCase):
    def test_load_fields_returns_only_the_requested_split(self):
        tmp = Path(tempfile.mkdtemp(prefix="fq-fields-"))
        rows = []
        for s in list(sources.SOURCES[:1]) + sources.sources_in("val")[:1] + sources.sources_in("test")[:1]:
            f = tmp / s.id / "x.tif"
            f.parent.mkdir(parents=True)
            tifffile.imwrite(f, np.full((100, 120), 7.0, np.float32))
            rows.append({"source": s.id, "split": s.split, "field": "x", "file": str(f)})
        (tmp / "index.json").write_text(json.dumps(rows))
        got = load_fields(tmp, "train")
        self.assertEqual([(src, name) for src, name, _ in got], [(sources.SOURCES[0].id, "x")])
        self.assertEqual(got[0][2].shape, (100, 120))
        self.assertEqual([src for src, _, _ in load_fields(tmp, "test")], [sources.sources_in("test")[0].id])

    def test_train_sources_option_keeps_only_the_named_training_sources_and_refuses_others(self):
        from types import SimpleNamespace
        from training.data import DataError
        from training.train import training_fields

        tmp = Path(tempfile.mkdtemp(prefix="fq-fields-"))
        rows = []
        for s in sources.sources_in("train")[:3] + sources.sources_in("val")[:1]:
            f = tmp / s.id / "x.tif"
            f.parent.mkdir(parents=True)
            tifffile.imwrite(f, np.full((100, 120), 7.0, np.float32))
            rows.append({"source": s.id, "split": s.split, "field": "x", "file": str(f)})
        (tmp / "index.json").write_text(json.dumps(rows))
        first, second = sources.sources_in("train")[0].id, sources.sources_in("train")[1].id
        args = SimpleNamespace(data_dir="", fields=str(tmp), sources=f"{first},{second}")
        train, watch = training_fields(args)
        self.assertEqual(sorted({src for src, _, _ in train}), sorted([first, second]))
        self.assertEqual([src for src, _, _ in watch], [sources.sources_in("val")[0].id])
        val_id = sources.sources_in("val")[0].id
        with self.assertRaisesRegex(DataError, re.escape(val_id)):
            training_fields(SimpleNamespace(data_dir="", fields=str(tmp), sources=val_id))

    def test_a_row_whose_split_disagrees_with_sources_py_is_refused(self):
        tmp = Path(tempfile.mkdtemp(prefix="fq-fields-"))
        test_source = sources.sources_in("test")[0].id
        (tmp / "index.json").write_text(json.dumps([{"source": test_source, "split": "train", "field": "x", "file": "x.tif"}]))
        with self.assertRaisesRegex(Exception, re.escape(test_source)):
            load_fields(tmp, "train")


if __name__ == "__main__":
    unittest.main()
