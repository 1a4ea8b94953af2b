"""Training data (reader, field sampler) and evaluation statistics (PLLS, aggregation, F-score)."""
import unittest
from pathlib import Path

import numpy as np
import torch

from training import plls as plls_module
from training.acquisition import Acquisition
from training.data import read_image
from training.inputs import FULL_SCALE_RULE, PERCENTILE
from training.sampler import FieldSampler, signal_of
from training.metrics import aggregate, certainty, fitted_f_score, patch_offsets, spearman
from training.plls import plls
from training.psf import blur, level_psfs

DATA = Path("test/fixtures/images")  # committed real images: the suite needs nothing outside the repository


class ReadImageTest(unittest.TestCase):
    def test_reads_lzw_tiff_that_tifffile_alone_cannot(self):
        img = read_image(DATA / "mcf7-defocused" / "mcf7_a19_s2_w1.tif")
        self.assertEqual(img.shape, (520, 696))
        self.assertGreater(img.max(), img.min())


def sampler(seed: int, rule=PERCENTILE):
    img = read_image(DATA / "bbbc006-in-focus" / "BBBC006_a02_s1_w1_z10.tif")
    return FieldSampler([("bbbc006", "a02", img)], rule, seed=seed, stat_pixels=512)


class FieldSamplerTest(unittest.TestCase):
    def test_batch_shapes_levels_and_blur_order(self):
        x, y = sampler(1).sample(32)
        self.assertEqual(tuple(x.shape), (32, 1, 84, 84))
        self.assertEqual(x.dtype, torch.float32)
        self.assertTrue(0 <= int(y.min()) and int(y.max()) <= 10)
        # Same crops and cameras (same seed) at level 0 and level 10: the blurred ones have much less fine detail.
        # (Full-scale rule and a bright camera: under the percentile rule the low contrast of level 10 is stretched,
        # and its amplified noise is fine detail too — which is what the model has to learn to see through.)
        cams = [Acquisition(peak=20000, read_noise=1)] * 64
        sharp, _ = sampler(2, FULL_SCALE_RULE).sample(64, cams, np.zeros(64, int))
        blurred, _ = sampler(2, FULL_SCALE_RULE).sample(64, cams, np.full(64, 10))
        def detail(t):
            return float((t[..., 1:, :] - t[..., :-1, :]).abs().mean())
        self.assertGreater(detail(sharp), 2 * detail(blurred))

    def test_same_seed_same_batches_and_a_restored_state_continues_the_stream(self):
        a, b = sampler(3), sampler(3)
        self.assertTrue(torch.equal(a.sample(8)[0], b.sample(8)[0]))
        state = a.state()
        first = a.sample(8)[0]
        b.restore(state)
        self.assertTrue(torch.equal(first, b.sample(8)[0]))

    def test_percentile_rule_removes_camera_offset_gain_and_bit_depth(self):
        # The same bright, low-noise specimen through very different cameras maps to nearly the same input;
        # under the full-scale rule it does not.
        levels = np.arange(16) % 11
        cams = [Acquisition(peak=20000, read_noise=1, gain=0.05, offset=100, background=0.01),
                Acquisition(peak=20000, read_noise=1, gain=3.0, offset=2000, background=0.01)]
        per = {}
        for rule in (PERCENTILE, FULL_SCALE_RULE):
            xs = [sampler(4, rule).sample(16, [cam] * 16, levels)[0] for cam in cams]
            per[rule["rule"]] = float((xs[0] - xs[1]).abs().mean() / xs[1].abs().mean())
        self.assertLess(per["percentile"], 0.1, per)
        self.assertGreater(per["full-scale"], 0.5, per)

    def test_the_signal_is_scaled_to_the_fields_bright_reference(self):
        img = read_image(DATA / "bbbc006-in-focus" / "BBBC006_a02_s1_w1_z10.tif")
        s = signal_of(img)
        self.assertAlmostEqual(float(np.percentile(s, 99.9)), 1.0, places=6)
        self.assertEqual(float(s.min()), 0.0)


class PllsTest(unittest.TestCase):
    def test_steeper_with_more_blur_and_independent_of_gain(self):
        img = read_image(DATA / "bbbc006-in-focus" / "BBBC006_a02_s1_w1_z10.tif")
        ks = level_psfs()
        slopes = [plls(blur(img, ks[level])[100:268, 200:368]) for level in (0, 3, 6, 10)]
        img = img[100:268, 200:368]
        self.assertTrue(all(b < a for a, b in zip(slopes, slopes[1:])), slopes)
        self.assertAlmostEqual(plls(img), plls(3.0 * img), places=9)

    def test_constant_image_gives_zero(self):
        self.assertEqual(plls(np.full((84, 84), 7.0)), 0.0)

    def test_one_implementation_with_cellprofilers_fold(self):
        import importlib.util
        spec = importlib.util.spec_from_file_location("reference_plls", "training/reference/plls.py")
        ref = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(ref)
        self.assertIs(ref.plls, plls_module.plls, "training/reference/plls.py re-exports training/plls.py")
        # CellProfiler folds frequency u onto min(u, H−1−u): on a 16×16 image label of (0, 15) is 1, not 2.
        radii, power = plls_module.radial_power_sums(np.random.default_rng(0).random((32, 32)))
        self.assertEqual(radii.tolist(), [2, 3])
        self.assertEqual(plls(np.zeros((84, 84))), 0.0)


class MetricsTest(unittest.TestCase):
    def test_patch_offsets_cover_every_pixel_like_the_typescript_grid(self):
        self.assertEqual(patch_offsets(696, 84), [0, 84, 168, 252, 336, 420, 504, 588, 612])
        self.assertEqual(patch_offsets(168, 84), [0, 84])
        self.assertEqual(patch_offsets(100, 84), [0, 16])

    def test_certainty_is_one_for_one_hot_and_zero_for_uniform(self):
        self.assertAlmostEqual(float(certainty(np.eye(11)[3])), 1.0)
        self.assertAlmostEqual(float(certainty(np.full(11, 1 / 11))), 0.0)

    def test_aggregate_ignores_uncertain_patches_and_reads_median_and_argmax(self):
        sure = np.eye(11)[2]
        unsure = np.full(11, 1 / 11)
        v = aggregate(np.stack([sure, unsure, unsure]))
        self.assertEqual((v["argmax"], v["median"]), (2, 2))
        self.assertAlmostEqual(v["score"], 2.0)
        wide = np.zeros(11)
        wide[[4, 10]] = [0.45, 0.55]
        v = aggregate(wide[None])
        self.assertEqual((v["argmax"], v["median"]), (10, 10))

    def test_fitted_f_score_is_one_for_separable_scores_and_uses_a_tenth_to_fit(self):
        truth = np.arange(200) >= 100
        score = np.arange(200.0) + 100.0 * truth  # a gap between the classes: any fitted threshold in it is perfect
        r = fitted_f_score(score, truth, np.random.default_rng(0))
        self.assertEqual((r["fitN"], r["testN"]), (20, 180))
        self.assertEqual((r["fitF"], r["F"]), (1.0, 1.0))
        flipped = fitted_f_score(-score, truth, np.random.default_rng(0))
        self.assertLess(flipped["F"], 0.7)  # the positive class must score high

    def test_spearman_of_monotone_data_is_one(self):
        self.assertAlmostEqual(spearman(np.arange(10.0), np.arange(10.0) ** 3), 1.0)


if __name__ == "__main__":
    unittest.main()
