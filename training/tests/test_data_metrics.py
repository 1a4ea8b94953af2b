"""Training data (reader, procedural fields, patch sampler) and evaluation statistics (PLLS, aggregation, F-score)."""
import unittest
from pathlib import Path

import numpy as np
import torch

from training.data import PatchSampler, procedural_field, read_image
from training.metrics import aggregate, certainty, fitted_f_score, patch_offsets, spearman
from training.plls import plls
from training.prepare_data import field_stats
from training.psf import blur, level_psfs

DATA = Path("test/fixtures/images")  # committed real images: the suite needs nothing outside the repository


class ReadImageTest(unittest.TestCase):
    def test_reads_lzw_tiff_that_tifffile_alone_cannot(self):
        img = read_image(DATA / "mcf7-defocused" / "mcf7_a19_s2_w1.tif")
        self.assertEqual(img.shape, (520, 696))
        self.assertGreater(img.max(), img.min())


class ProceduralFieldTest(unittest.TestCase):
    def test_looks_like_the_real_in_focus_fields_in_size_sharpness_and_spectrum(self):
        real = [field_stats(read_image(DATA / "bbbc006-in-focus" / f"BBBC006_a0{i}_s1_w1_z10.tif")) for i in (1, 2, 5, 6)]
        rng = np.random.default_rng(5)
        fake = [field_stats(procedural_field(rng)) for _ in range(8)]
        for key, slack in (("diameter", 0.15), ("sharpness", 0.1), ("plls", 0.1)):
            lo, hi = min(s[key] for s in real), max(s[key] for s in real)
            med = float(np.nanmedian([s[key] for s in fake]))
            span = abs(hi - lo) + slack * abs(np.median([s[key] for s in real]))
            self.assertTrue(lo - span <= med <= hi + span, f"{key}: procedural median {med:.3g}, real {lo:.3g}…{hi:.3g}")

    def test_is_reproducible_from_its_seed(self):
        a = procedural_field(np.random.default_rng(3))
        b = procedural_field(np.random.default_rng(3))
        np.testing.assert_array_equal(a, b)


class PatchSamplerTest(unittest.TestCase):
    def test_batch_shapes_range_levels_and_blur_order(self):
        img = read_image(DATA / "bbbc006-in-focus" / "BBBC006_a02_s1_w1_z10.tif")
        sampler = PatchSampler([("a02", img)], seed=1)
        x, y = sampler.sample(32)
        self.assertEqual(tuple(x.shape), (32, 1, 84, 84))
        self.assertEqual(x.dtype, torch.float32)
        self.assertTrue(0.0 <= float(x.min()) and float(x.max()) <= 1.0)
        self.assertTrue(0 <= int(y.min()) and int(y.max()) <= 10)
        # Same crops (same seed) at level 0 and level 10: the blurred ones have much less pixel-to-pixel detail.
        sharp, _ = PatchSampler([("a02", img)], seed=2).sample(64, torch.zeros(64, dtype=torch.long))
        blurred, _ = PatchSampler([("a02", img)], seed=2).sample(64, torch.full((64,), 10, dtype=torch.long))
        def detail(t):
            return float((t[..., 1:, :] - t[..., :-1, :]).abs().mean())
        self.assertGreater(detail(sharp), detail(blurred))

    def test_eight_bit_share_gives_rounded_stretched_patches_with_unchanged_levels(self):
        img = read_image(DATA / "bbbc006-in-focus" / "BBBC006_a02_s1_w1_z10.tif")
        levels = torch.arange(256) % 11
        x16, y16 = PatchSampler([("a02", img)], seed=3).sample(256, levels)
        x8, y8 = PatchSampler([("a02", img)], eight_bit=1.0, seed=3).sample(256, levels)
        self.assertTrue(torch.equal(y8, y16))
        codes = x8 * 255.0
        np.testing.assert_allclose(codes.numpy(), codes.round().numpy(), atol=1e-4)  # multiples of 1/255
        self.assertTrue(0.0 <= float(x8.min()) and float(x8.max()) <= 1.0)
        # A stretch of the display range to 0..255: the darkest pixel of a patch lands near 0, patches span
        # far more codes than 16-bit counts / 65535 would (their means sit well above the raw 16-bit ones).
        self.assertLess(float(x8.amin(dim=(1, 2, 3)).max()), 0.12)  # at most 0.1 span below the darkest pixel, of ≥ 0.9 spans
        self.assertGreater(float(x8.mean()), 5 * float(x16.mean()))
        mixed, _ = PatchSampler([("a02", img)], eight_bit=0.25, seed=4).sample(512)
        share = float(((mixed * 255 - (mixed * 255).round()).abs().amax(dim=(1, 2, 3)) < 1e-4).float().mean())
        self.assertTrue(0.15 < share < 0.35, f"8-bit share {share}")


class PllsTest(unittest.TestCase):
    def test_steeper_with_more_blur_and_independent_of_gain(self):
        img = read_image(DATA / "bbbc006-in-focus" / "BBBC006_a02_s1_w1_z10.tif")[100:184, 200:284]
        ks = level_psfs()
        slopes = [plls(blur(img, ks[level])) for level in (0, 3, 6, 10)]
        self.assertTrue(all(b < a for a, b in zip(slopes, slopes[1:])), slopes)
        self.assertAlmostEqual(plls(img), plls(3.0 * img), places=9)

    def test_constant_image_gives_zero(self):
        self.assertEqual(plls(np.full((84, 84), 7.0)), 0.0)


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
