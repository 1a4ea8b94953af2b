"""Bright-elsewhere augmentation (train.py --bright_share): for the given share of patches the field's percentile
range is 1.5–8× wider than its cells give, as when a few very bright objects set the 99.9th percentile — the patch
keeps its look (noise relative to contrast) at a fraction of the input range; share 0 leaves the random stream as it
was before the flag."""
import unittest

import numpy as np
import torch

from training.inputs import PERCENTILE
from training.sampler import FieldSampler
from training.train import main


def field(h, w, seed):
    return np.random.default_rng(seed).uniform(0, 1000, size=(h, w))


class BrightShareTest(unittest.TestCase):
    fields = [("a", "f", field(200, 200, 2))]

    def draw(self, without_step: bool = False, batches: int = 2, **kw):
        sampler = FieldSampler(self.fields, PERCENTILE, levels=3, cache=None, seed=5, **kw)
        if without_step:  # the sampler as it was before the flag existed
            sampler.bright_elsewhere = lambda n: np.ones(n)
        # two batches: a stray random draw in the first would only show in the second
        return torch.cat([sampler.sample(32, levels=np.zeros(32, dtype=int))[0] for _ in range(batches)])

    def test_share_zero_is_the_run_without_the_flag(self):
        torch.testing.assert_close(self.draw(bright_share=0.0), self.draw(without_step=True))

    def test_full_share_shrinks_every_patch_by_1_5_to_8_and_keeps_its_shape(self):
        plain, bright = self.draw(batches=1), self.draw(batches=1, bright_share=1.0)
        # one batch: same patches and cameras (the factor is drawn after them), so each bright patch is the plain one, scaled
        # about its field's low percentile: the ratio of spreads is the factor
        ratio = plain.std(dim=(1, 2, 3)) / bright.std(dim=(1, 2, 3))
        self.assertTrue(bool((ratio > 1.49).all()) and bool((ratio < 8.01).all()), ratio)
        self.assertGreater(float(ratio.max() / ratio.min()), 2.0, "factors vary from patch to patch")
        corr = [np.corrcoef(p.ravel(), b.ravel())[0, 1] for p, b in zip(plain.numpy(), bright.numpy())]
        self.assertGreater(min(corr), 0.999)

    def test_half_share_touches_about_half(self):
        sampler = FieldSampler(self.fields, PERCENTILE, levels=3, cache=None, seed=5, bright_share=0.5)
        f = sampler.bright_elsewhere(4000)
        self.assertAlmostEqual(float(np.mean(f > 1)), 0.5, delta=0.03)
        self.assertTrue(np.all((f == 1) | ((f >= 1.5) & (f <= 8))))

    def test_bad_share_is_a_usage_error(self):
        fixture = "test/fixtures/images/bbbc006-in-focus"
        self.assertEqual(main(["--data_dir", fixture, "--max_steps", "1", "--out_dir", "/tmp/fq-badflag", "--bright_share", "2"]), 2)


if __name__ == "__main__":
    unittest.main()
