"""Scale augmentation (train.py --scale_aug): shrunken copies of every training field, drawn as often as their
originals, with clear errors for a bad factor list; the shared shrink rule keeps the mean and low-passes first."""
import unittest

import numpy as np

from training.data import DataError
from training.inputs import PERCENTILE
from training.resample import shrink
from training.sampler import FieldSampler
from training.train import main, scale_factors, with_scales


def field(h, w, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1000, size=(h, w))


class ShrinkTest(unittest.TestCase):
    def test_size_and_mean(self):
        img = field(300, 200, 1)
        small = shrink(img, 0.5)
        self.assertEqual(small.shape, (150, 100))
        self.assertAlmostEqual(small.mean() / img.mean(), 1.0, delta=0.01)

    def test_low_pass_before_sampling(self):
        # white noise shrunk by 2 loses most of its variance to the low-pass; plain subsampling would keep it all
        img = field(256, 256, 2)
        self.assertLess(shrink(img, 0.5).std(), 0.6 * img[::2, ::2].std())

    def test_factor_one_is_the_image_and_bad_factors_fail(self):
        img = field(90, 90, 3)
        self.assertIs(shrink(img, 1.0), img)
        for bad in (0, -1, 1.5):
            with self.assertRaises(ValueError):
                shrink(img, bad)


class ScaleAugTest(unittest.TestCase):
    def test_factor_list(self):
        self.assertEqual(scale_factors(""), [])
        self.assertEqual(scale_factors("1.5, 2"), [1.5, 2.0])
        with self.assertRaisesRegex(DataError, "above 1"):
            scale_factors("0.5")
        with self.assertRaisesRegex(DataError, "comma list"):
            scale_factors("two")

    def test_bad_flags_stop_training_with_a_usage_error(self):
        fixture = "test/fixtures/images/bbbc006-in-focus"
        for flags in (["--scale_aug", "0.5"], ["--low_light_share", "1.5"]):
            with self.subTest(flags=flags):
                self.assertEqual(main(["--data_dir", fixture, "--max_steps", "1", "--out_dir", "/tmp/fq-badflag", *flags]), 2)

    def test_copies_weigh_as_their_originals_and_tiny_copies_are_left_out(self):
        fields = [("a", "f1", field(400, 400, 4)), ("a", "f2", field(120, 120, 5))]
        out, areas = with_scales(fields, [2.0])
        names = [n for _, n, _ in out]
        self.assertEqual(names, ["f1", "f2", "f1@x2"])  # f2 shrunk to 60×60 is smaller than a patch
        self.assertEqual(out[2][2].shape, (200, 200))
        self.assertEqual(areas, [160000.0, 14400.0, 160000.0])

    def test_sampler_draws_by_the_given_areas(self):
        fields = [("a", "big", field(400, 400, 6)), ("a", "small", field(100, 100, 7))]
        sampler = FieldSampler(fields, PERCENTILE, levels=3, cache=None, areas=[1.0, 1.0])
        np.testing.assert_allclose(sampler.weights, [0.5, 0.5])
        with self.assertRaises(ValueError):
            FieldSampler(fields, PERCENTILE, levels=3, cache=None, areas=[1.0])


if __name__ == "__main__":
    unittest.main()
