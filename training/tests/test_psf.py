"""Properties of the Born–Wolf defocus PSF and of the synthetic defocus (training/psf.py)."""
import unittest

import numpy as np

from training.psf import born_wolf_psf, defocus_image, level_psfs


def rms_radius(kernel: np.ndarray) -> float:
    half = kernel.shape[0] // 2
    yy, xx = np.mgrid[-half:half + 1, -half:half + 1]
    return float(np.sqrt((kernel * (xx**2 + yy**2)).sum()))


class BornWolfPsfTest(unittest.TestCase):
    def test_every_level_is_energy_normalised_float64_51px(self):
        for kernel in level_psfs():
            self.assertEqual(kernel.shape, (51, 51))
            self.assertEqual(kernel.dtype, np.float64)
            self.assertAlmostEqual(float(kernel.sum()), 1.0, places=12)
            self.assertTrue((kernel >= 0).all())

    def test_radially_symmetric_under_flips_transpose_and_rotation(self):
        for z in (0.0, 6.0, 20.0):
            k = born_wolf_psf(z)
            np.testing.assert_allclose(k, k[::-1, :], atol=1e-15)
            np.testing.assert_allclose(k, k[:, ::-1], atol=1e-15)
            np.testing.assert_allclose(k, k.T, atol=1e-15)
            # Pixels at equal distance off-axis, (3,4) and (5,0), carry nearly equal energy (pixel integration of
            # the fine Airy rings differs a little by direction, most where the PSF is smallest).
            c = 25
            self.assertAlmostEqual(k[c + 3, c + 4] / k[c + 5, c], 1.0, delta=0.1)

    def test_width_grows_monotonically_with_defocus(self):
        radii = [rms_radius(k) for k in level_psfs()]
        peaks = [float(k.max()) for k in level_psfs()]
        self.assertTrue(all(b > a for a, b in zip(radii, radii[1:])), radii)
        # The last level spreads light over a disc of ~30 px diameter, as the paper states for 20 µm.
        half = 25
        yy, xx = np.mgrid[-half:half + 1, -half:half + 1]
        r = np.hypot(xx, yy).ravel()
        k10 = level_psfs()[10].ravel()
        order = np.argsort(r)
        r90 = r[order][np.searchsorted(np.cumsum(k10[order]), 0.9)]
        self.assertTrue(11 <= r90 <= 18, r90)
        self.assertGreater(peaks[0], 0.5)  # in focus: the Airy core fits in about one 0.65 µm pixel

    def test_sign_of_defocus_does_not_matter(self):
        np.testing.assert_allclose(born_wolf_psf(4.0), born_wolf_psf(-4.0), atol=1e-15)

    def test_even_kernel_size_is_refused(self):
        with self.assertRaises(ValueError):
            born_wolf_psf(2.0, size=50)


class DefocusImageTest(unittest.TestCase):
    def test_keeps_mean_intensity_applies_gain_offset_and_stays_in_16_bit(self):
        rng = np.random.default_rng(0)
        img = np.full((120, 130), 200.0)
        img[40:70, 50:90] = 3000.0
        out = defocus_image(img, 5, rng, gain=2.0, offset=100.0)
        self.assertEqual(out.shape, img.shape)
        self.assertAlmostEqual(float(out.mean()), 2.0 * img.mean() + 100.0, delta=5.0)
        self.assertTrue(np.all(out == np.round(out)))  # Poisson counts
        bright = defocus_image(img, 0, rng, gain=50.0, offset=1000.0)
        self.assertLessEqual(float(bright.max()), 65535.0)

    def test_more_defocus_removes_more_detail(self):
        rng = np.random.default_rng(1)
        img = np.zeros((100, 100)) + 100
        img[::10, :] = 5000  # fine stripes
        energy = [float(np.abs(np.diff(defocus_image(img, lv, rng, 1.0, 1.0), axis=0)).mean()) for lv in (0, 3, 6, 10)]
        self.assertTrue(all(b < a for a, b in zip(energy, energy[1:])), energy)

    def test_level_out_of_range_is_refused(self):
        with self.assertRaises(ValueError):
            defocus_image(np.zeros((90, 90)), 11, np.random.default_rng(0))


if __name__ == "__main__":
    unittest.main()
