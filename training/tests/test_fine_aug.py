"""Finer-than-native copies (fetch_data.fine_copies, train.py --fine_aug): made only where the file's known pixel size
leaves the copy sharp at its grid, only for training rows, weighing as their originals, with clear errors."""
import json
import tempfile
import unittest
from pathlib import Path

import numpy as np
import tifffile

from training.data import DataError, load_fine_fields
from training.fetch_data import FINE_HEADROOM, MIN_SIDE, fine_copies
from training.sources import NATIVE_PIXEL_UM
from training.train import fine_factors, main, with_fine


def field(h, w, seed):
    return np.random.default_rng(seed).uniform(0, 1000, size=(h, w))


class FineCopiesTest(unittest.TestCase):
    def test_known_fine_pixels_give_both_copies_at_the_right_size(self):
        img = field(600, 450, 1)
        out = fine_copies(img, 0.166)
        self.assertEqual(sorted(out), [0.5, 0.7])
        for f, copy in out.items():
            ratio = 0.166 / (NATIVE_PIXEL_UM * f)
            self.assertAlmostEqual(copy.shape[0] / 600, ratio, delta=0.01)
            self.assertAlmostEqual(copy.shape[1] / 450, ratio, delta=0.01)
            self.assertAlmostEqual(copy.mean() / img.mean(), 1.0, delta=0.01)

    def test_headroom_decides_which_factors_a_pixel_size_allows(self):
        img = field(600, 600, 2)
        # 0.25 µm: 1.5 × 0.25 = 0.375 fits under 0.455 (f 0.7), not under 0.325 (f 0.5)
        self.assertEqual(sorted(fine_copies(img, 0.25)), [0.7])
        self.assertEqual(fine_copies(img, 0.454), {})  # about its own pixel: nothing finer is still sharp
        self.assertEqual(fine_copies(img, None), {})  # unknown pixel size: never
        edge = NATIVE_PIXEL_UM * 0.5 / FINE_HEADROOM
        self.assertIn(0.5, fine_copies(img, edge))

    def test_copies_smaller_than_a_patch_are_left_out(self):
        img = field(2 * MIN_SIDE, 2 * MIN_SIDE, 3)
        # 0.2 µm to 0.455 µm shrinks 168 px to ~74: under a patch
        self.assertNotIn(0.7, fine_copies(img, 0.2))


class FineAugTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        root = Path(self.tmp.name)
        rows = []
        for source, split, name, fine in (("neubias-plk1", "train", "f1", True),
                                          ("cp-fly-kc167", "train", "f2", False),
                                          ("neubias-nup", "val", "v1", True)):
            (root / source).mkdir()
            main_file = root / source / f"{name}.tif"
            tifffile.imwrite(main_file, field(120, 100, len(rows)).astype(np.float32))
            extra = {}
            if fine:
                extra["0.5"] = str(root / source / f"{name}@fine0.5.tif")
                tifffile.imwrite(extra["0.5"], field(240, 200, 9).astype(np.float32))
            rows.append({"source": source, "split": split, "field": name, "file": str(main_file),
                         "native_shape": [120, 100], "fine": extra})
        (root / "index.json").write_text(json.dumps(rows))
        self.root = root

    def tearDown(self):
        self.tmp.cleanup()

    def test_factor_list(self):
        self.assertEqual(fine_factors(""), [])
        self.assertEqual(fine_factors("0.5, 0.7"), [0.5, 0.7])
        for bad, message in (("1.5", "between 0 and 1"), ("0", "between 0 and 1"), ("half", "comma list")):
            with self.subTest(bad=bad), self.assertRaisesRegex(DataError, message):
                fine_factors(bad)

    def test_only_training_rows_with_copies_are_loaded(self):
        out = load_fine_fields(self.root, [0.5])
        self.assertEqual([(s, n) for s, n, _, _ in out], [("neubias-plk1", "f1@fine0.5")])
        self.assertEqual(out[0][2].shape, (240, 200))
        self.assertEqual(out[0][3], 12000.0)  # the original's area, so the copy is drawn as often
        with self.assertRaisesRegex(DataError, "no finer-than-native copies"):
            load_fine_fields(self.root, [0.7])

    def test_copies_join_only_their_own_sources(self):
        class Args:
            fine_aug, fields, data_dir = "0.5", str(self.root), ""
        fields = [("neubias-plk1", "f1", field(120, 100, 0)), ("cp-fly-kc167", "f2", field(120, 100, 1))]
        out, areas = with_fine(fields, [12000.0, 12000.0], Args)
        self.assertEqual([n for _, n, _ in out], ["f1", "f2", "f1@fine0.5"])
        self.assertEqual(areas, [12000.0, 12000.0, 12000.0])
        out, _ = with_fine(fields[1:], [12000.0], Args)  # --sources without plk1: no plk1 copy sneaks in
        self.assertEqual([n for _, n, _ in out], ["f2"])

    def test_bad_flag_stops_training_with_a_usage_error(self):
        self.assertEqual(main(["--fields", str(self.root), "--max_steps", "1", "--out_dir", f"{self.tmp.name}/run",
                               "--fine_aug", "2"]), 2)


if __name__ == "__main__":
    unittest.main()
