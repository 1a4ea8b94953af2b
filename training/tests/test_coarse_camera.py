"""Coarse-camera augmentation (train.py --coarse_share): a patch as a camera with larger pixels records it, put back on
the native grid by the engine's resampling — the same pipeline as the evaluation's pixel-2x condition — drawn for the
given share of patches only, and with the random stream of a run without the flag unchanged."""
import unittest

import numpy as np
import torch

from training.inputs import PERCENTILE
from training.resample import coarse_camera
from training.sampler import PATCH, FieldSampler
from training.sources_eval import resample
from training.train import main


def field(h, w, seed):
    return np.random.default_rng(seed).uniform(0, 1000, size=(h, w))


class CoarseCameraTest(unittest.TestCase):
    def test_is_the_evaluations_camera_and_the_products_resampling(self):
        patch = np.round(field(PATCH, PATCH, 1))
        camera = np.round(resample(patch, 0.65, 1.3))  # a 1.3 µm camera seen from the 0.65 µm grid
        product = resample(camera, 1.3)  # the engine, pixel size 1.3 µm given
        np.testing.assert_allclose(coarse_camera(patch, 42), product, atol=1e-9)

    def test_keeps_size_and_mean_and_removes_detail_finer_than_the_camera_pixel(self):
        checker = (np.indices((PATCH, PATCH)).sum(0) % 2) * 1000.0  # native-pitch detail
        out = coarse_camera(checker, 42)
        self.assertEqual(out.shape, (PATCH, PATCH))
        self.assertAlmostEqual(out.mean(), checker.mean(), delta=1.0)
        self.assertLess(out.std(), 0.01 * checker.std())
        smooth = np.tile(np.linspace(0, 1000, PATCH), (PATCH, 1))  # a ramp survives (up to the clamped edges)
        np.testing.assert_allclose(coarse_camera(smooth, 56)[:, 4:-4], smooth[:, 4:-4], atol=15)


class SamplerShareTest(unittest.TestCase):
    fields = [("a", "f", field(200, 200, 2))]

    def draw(self, without_coarse_step: bool = False, **kw):
        sampler = FieldSampler(self.fields, PERCENTILE, levels=3, cache=None, seed=5, **kw)
        if without_coarse_step:  # the sampler as it was before the flag existed
            sampler._coarse_cameras = lambda values: None
        # two batches: a stray random draw in the first would only show in the second
        return torch.cat([sampler.sample(32, levels=np.zeros(32, dtype=int))[0] for _ in range(2)])

    def test_share_zero_is_the_run_without_the_flag(self):
        torch.testing.assert_close(self.draw(coarse_share=0.0), self.draw(without_coarse_step=True))

    def test_full_share_softens_every_patch(self):
        plain, coarse = self.draw(), self.draw(coarse_share=1.0)
        # neighbour differences: a resampled camera has far less pixel-to-pixel detail than the native one
        rough = lambda x: (x[..., 1:] - x[..., :-1]).abs().mean(dim=(1, 2, 3))
        self.assertTrue(bool((rough(coarse) < 0.8 * rough(plain)).all()))

    def test_bad_share_is_a_usage_error(self):
        fixture = "test/fixtures/images/bbbc006-in-focus"
        for bad in ("-0.1", "1.5"):
            with self.subTest(share=bad):
                self.assertEqual(main(["--data_dir", fixture, "--max_steps", "1", "--out_dir", "/tmp/fq-badflag",
                                       "--coarse_share", bad]), 2)


if __name__ == "__main__":
    unittest.main()
