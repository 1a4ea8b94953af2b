"""Out-of-focus glow augmentation (train.py --haze_share): for the given share of patches broad smooth blobs, blurred
by the level's PSF, are added to the specimen before the camera, on the patch and on the rule's statistics pixels;
the PSF variance is the kernel's second moment; share 0 leaves the random stream as it was before the flag."""
import unittest

import numpy as np
import torch

from training.inputs import FULL_SCALE_RULE
from training.psf import level_psfs
from training.sampler import PATCH, FieldSampler, psf_variance
from training.train import main


def field(h, w, seed):
    return np.random.default_rng(seed).uniform(0, 1000, size=(h, w))


class PsfVarianceTest(unittest.TestCase):
    def test_gaussian_kernel_gives_its_variance_and_defocus_widens(self):
        yy, xx = np.mgrid[-25:26, -25:26]
        g = np.exp(-(yy ** 2 + xx ** 2) / (2 * 3.0 ** 2))
        self.assertAlmostEqual(psf_variance(g), 9.0, places=3)
        v = [psf_variance(k) for k in level_psfs()]
        self.assertTrue(all(a < b for a, b in zip(v, v[1:])), v)


class HazeShareTest(unittest.TestCase):
    fields = [("a", "f", field(300, 300, 2))]

    def sampler(self, **kw):
        return FieldSampler(self.fields, FULL_SCALE_RULE, levels=3, cache=None, seed=5, **kw)

    def draw(self, sampler, batches=2):
        # two batches: a stray random draw in the first would only show in the second
        return torch.cat([sampler.sample(32, levels=np.zeros(32, dtype=int))[0] for _ in range(batches)])

    def test_share_zero_is_the_run_without_the_flag(self):
        plain = self.sampler()
        plain._add_haze = None  # would raise if called: the flag's absence must not reach it
        torch.testing.assert_close(self.draw(self.sampler(haze_share=0.0)), self.draw(plain))

    def test_glow_is_smooth_positive_and_on_the_statistics_too(self):
        s = self.sampler(haze_share=1.0)
        values = np.zeros(PATCH * PATCH + 500, np.float32)
        ys, xs = s.rng.integers(0, 300, 500), s.rng.integers(0, 300, 500)
        s._add_haze(values, (300, 300), (100, 100), 0, ys, xs, s.psf_var[0])
        patch, stats = values[:PATCH * PATCH].reshape(PATCH, PATCH), values[PATCH * PATCH:]
        self.assertGreater(patch.max(), 0.05, "the first blob lies near the patch")
        self.assertTrue((patch >= 0).all() and (stats >= 0).all())
        self.assertLess(np.abs(np.diff(patch, axis=0)).max(), 0.2)  # σ ≥ 15 px: no sharp detail
        self.assertGreater(float((stats > 1e-3).mean()), 0.1, "the rule's statistics see the glow as well")

    def test_full_share_brightens_patches_under_the_same_cameras(self):
        # full-scale rule: values are camera counts over full scale, so added light shows as a higher mean
        plain = self.draw(self.sampler(), batches=1)
        hazy = self.draw(self.sampler(haze_share=1.0), batches=1)
        self.assertGreater(float(hazy.mean()), float(plain.mean()))

    def test_bad_share_is_a_usage_error(self):
        fixture = "test/fixtures/images/bbbc006-in-focus"
        self.assertEqual(main(["--data_dir", fixture, "--max_steps", "1", "--out_dir", "/tmp/fq-badflag", "--haze_share", "-1"]), 2)


if __name__ == "__main__":
    unittest.main()
