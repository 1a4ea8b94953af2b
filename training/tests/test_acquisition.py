"""The simulator's camera (training/acquisition.py) against its formulas: mean and variance of generated images,
clipping at the ADC's full scale, 8/12-bit data in 16-bit files, ImageJ's 8-bit conversion, uneven illumination."""
import doctest
import unittest

import torch

from training import acquisition
from training.acquisition import CONDITIONS, Acquisition, acquire, illumination_field, sample_settings


def stats(setting: Acquisition, s: float = 0.5, n: int = 256, seed: int = 0):
    img, full = acquire(torch.full((1, n, n), s), [setting], torch.Generator().manual_seed(seed))
    return img[0].double(), full


class AcquisitionStatisticsTest(unittest.TestCase):
    def assertClose(self, got, want, rel, what):
        self.assertLess(abs(got - want), rel * abs(want), f"{what}: {got:.4g} vs {want:.4g}")

    def test_mean_and_variance_follow_gain_shot_and_read_noise(self):
        # E = g·λ + o, Var = g²·(λ + σ²) + 1/12 (rounding), λ = peak·(s + background).
        for peak, rn, gain, offset, bg in ((20, 2, 1.0, 100, 0.05), (50, 10, 1.0, 100, 0.05), (2000, 3, 0.5, 500, 0.02),
                                           (500, 1, 0.1, 1000, 0.0), (300, 5, 4.0, 10, 0.3)):
            cam = Acquisition(peak=peak, read_noise=rn, gain=gain, offset=offset, background=bg)
            img, full = stats(cam)
            lam = peak * (0.5 + bg)
            self.assertEqual(full, 65535)
            self.assertClose(float(img.mean()), gain * lam + offset, 0.01, f"mean {cam}")
            self.assertClose(float(img.var()), gain**2 * (lam + rn**2) + 1 / 12, 0.04, f"variance {cam}")

    def test_twenty_photons_at_the_peak_is_shot_noise_limited(self):
        img, _ = stats(Acquisition(peak=20, read_noise=1, gain=1, offset=0, background=0), s=1.0)
        self.assertClose(float(img.mean()), 20, 0.02, "mean")
        self.assertClose(float(img.std() / img.mean()), (21 ** 0.5) / 20, 0.05, "relative noise")

    def test_values_clip_at_the_adc_full_scale_and_are_whole_numbers(self):
        for bits in (8, 12, 16):
            img, full = stats(Acquisition(peak=20000, gain=10.0, bits=bits), s=1.0)
            self.assertEqual(float(img.max()), 2.0**bits - 1, f"{bits}-bit saturates at its top")
            self.assertEqual(full, 65535, "stored in a 16-bit file")
            self.assertTrue(torch.equal(img, img.round()))
        dark, _ = stats(Acquisition(peak=20, gain=1, offset=0, read_noise=10, background=0), s=0.0)
        self.assertGreaterEqual(float(dark.min()), 0.0, "no negative values")

    def test_eight_bit_files_and_the_imagej_conversion(self):
        img, full = stats(Acquisition(peak=1000, gain=0.2, offset=5, bits=8, stored_bits=8))
        self.assertEqual(full, 255)
        self.assertLessEqual(float(img.max()), 255)
        conv, full = stats(Acquisition(eight_bit=True), n=128)
        self.assertEqual(full, 255)
        self.assertEqual((float(conv.min()), float(conv.max())), (0.0, 255.0), "min…max stretched to 0…255")
        self.assertTrue(torch.equal(conv, conv.round()))

    def test_uneven_illumination_falls_off_to_the_corners_as_asked(self):
        f = illumination_field(101, 101, 0.6)
        self.assertAlmostEqual(float(f[50, 50]), 1.0, places=5)
        self.assertAlmostEqual(float(f[0, 0]), 0.4, places=4)
        img, _ = stats(Acquisition(peak=5000, illumination=0.6, offset=0, background=0), s=1.0, n=101)
        self.assertClose(float(img[45:56, 45:56].mean()) / float(img[:6, :6].mean()), 1 / 0.42, 0.05, "centre/corner")

    def test_every_named_condition_and_random_settings_run_and_stay_in_range(self):
        names = list(CONDITIONS)
        img, full = acquire(torch.rand(len(names), 96, 96), list(CONDITIONS.values()), torch.Generator().manual_seed(1))
        self.assertEqual(img.shape, (len(names), 96, 96))
        for k, name in enumerate(names):
            self.assertLessEqual(float(img[k].max()), float(full[k]), name)
        drawn = sample_settings(2000, torch.Generator().manual_seed(2))
        peaks = torch.tensor([s.peak for s in drawn])
        self.assertTrue(20 <= float(peaks.min()) and float(peaks.max()) <= 20000)
        self.assertTrue(float((peaks < 50).float().mean()) > 0.08, "very dim fields are drawn often enough")
        self.assertEqual({s.bits for s in drawn}, {8, 12, 16})
        self.assertTrue(any(s.eight_bit for s in drawn) and any(s.stored_bits == 8 for s in drawn))
        self.assertTrue(all(1 <= s.read_noise <= 10 for s in drawn))

    def test_low_light_share_moves_that_share_of_peaks_below_200_photons_and_zero_changes_nothing(self):
        plain = sample_settings(4000, torch.Generator().manual_seed(3))
        same = sample_settings(4000, torch.Generator().manual_seed(3), 0.0)
        self.assertEqual([s.peak for s in plain], [s.peak for s in same])
        dim = sample_settings(4000, torch.Generator().manual_seed(3), 0.3)
        below = lambda drawn: float(torch.tensor([s.peak < 200 for s in drawn]).float().mean())
        # plain: log(10)/log(1000) = 1/3 below 200 photons; with a 0.3 share: 0.3 + 0.7/3 ≈ 0.53
        self.assertAlmostEqual(below(plain), 1 / 3, delta=0.03)
        self.assertAlmostEqual(below(dim), 0.3 + 0.7 / 3, delta=0.03)
        self.assertTrue(min(s.peak for s in dim) >= 20)

    def test_docstring_example(self):
        self.assertEqual(doctest.testmod(acquisition).failed, 0)


if __name__ == "__main__":
    unittest.main()
