"""The specimen conditions "bright-objects" and "haze" (training/specimen.py) and how the evaluation twin records them:
the spots' number, size and brightness against the module's definition, the same spots for the same field name, and
the other conditions' images unchanged by their presence (their noise streams are their own)."""
import unittest

import numpy as np
from scipy import ndimage as ndi

from training.sources_eval import all_conditions, records_for
from training.specimen import HAZE_AREA_PER_BLOB, HAZE_PEAK, PEAK, bright_objects, haze, object_count


class BrightObjectsTest(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(3)
        self.field = 100 + 50 * rng.random((500, 520))  # offset 100, content up to 150

    def test_spots_are_as_many_and_as_bright_as_defined(self):
        out = bright_objects(self.field, "f1")
        added = out - self.field
        self.assertEqual(object_count(self.field.shape), 4)  # 500·520 / 250² ≈ 4.2
        ref = np.percentile(self.field - np.percentile(self.field, 0.5), 99.9)
        peaks, n = ndi.label(added > 1.0 * ref)  # every spot's core is ≥ 4× the reference
        self.assertGreaterEqual(n, 2)
        self.assertLessEqual(n, 4)  # spots may touch, never more than drawn
        self.assertGreaterEqual(added.max(), PEAK[0] * ref * 0.9)
        self.assertLessEqual(added.max(), 2 * PEAK[1] * ref)  # two overlapping spots at most add up
        self.assertTrue(np.all(added >= 0))
        self.assertLess(float(np.mean(added > 0.01 * ref)), 0.05, "the spots cover a small part of the field")

    def test_same_name_same_spots_other_name_other_spots(self):
        np.testing.assert_array_equal(bright_objects(self.field, "f1"), bright_objects(self.field, "f1"))
        self.assertFalse(np.array_equal(bright_objects(self.field, "f1"), bright_objects(self.field, "f2")))

    def test_small_fields_still_get_two(self):
        self.assertEqual(object_count((90, 90)), 2)


class HazeTest(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(4)
        self.field = 100 + 50 * rng.random((600, 640))

    def test_glow_is_broad_smooth_and_as_bright_as_defined(self):
        added = haze(self.field, "f1") - self.field
        ref = np.percentile(self.field - np.percentile(self.field, 0.5), 99.9)
        self.assertEqual(object_count(self.field.shape, HAZE_AREA_PER_BLOB), 10)  # 600·640 / 200² ≈ 9.6
        self.assertTrue(np.all(added >= 0))
        self.assertGreaterEqual(added.max(), HAZE_PEAK[0] * ref * 0.9)
        self.assertLessEqual(added.max(), 4 * HAZE_PEAK[1] * ref)  # broad blobs overlap: a few at most add up
        # smooth: next to the field's own pixel-to-pixel detail, the glow's is tiny (σ ≥ 15 px)
        self.assertLess(np.abs(np.diff(added, axis=1)).max(), 0.1 * ref)
        self.assertGreater(float(np.mean(added > 0.1 * ref)), 0.2, "the glow covers a good part of the field")

    def test_same_name_same_glow_and_not_the_bright_objects_places(self):
        np.testing.assert_array_equal(haze(self.field, "f1"), haze(self.field, "f1"))
        self.assertFalse(np.array_equal(haze(self.field, "f1"), haze(self.field, "f2")))
        a, b = haze(self.field, "f1") - self.field, bright_objects(self.field, "f1") - self.field
        self.assertNotEqual(np.unravel_index(a.argmax(), a.shape), np.unravel_index(b.argmax(), b.shape))


class RecordsTest(unittest.TestCase):
    def test_other_conditions_see_the_same_images_with_or_without_the_specimen_condition(self):
        rng = np.random.default_rng(0)
        field = ndi.gaussian_filter(rng.random((200, 200)), 2) * 1000 + 100
        fields = [("s", "f", field)]
        def predict(p):  # a stand-in model whose output follows each patch's pixels (and so their noise)
            w = np.stack([p.mean(axis=(1, 2)), p.std(axis=(1, 2)), np.ones(len(p))], 1).clip(1e-6)
            return w / w.sum(1, keepdims=True)
        rule = {"rule": "percentile", "low": 1.0, "high": 99.9, "maxSamples": 65536}
        without = records_for(fields, predict, rule, ["typical", "pixel-2x"], 7, None, levels=3)
        with_it = records_for(fields, predict, rule, ["typical", "pixel-2x", "bright-objects", "haze"], 7, None, levels=3)
        self.assertEqual(without, [r for r in with_it if r["condition"] not in ("bright-objects", "haze")])
        self.assertEqual(sum(r["condition"] == "bright-objects" for r in with_it), 3)
        self.assertEqual(sum(r["condition"] == "haze" for r in with_it), 3)
        # the bright-objects images do not change when haze joins (each specimen condition has its own stream)
        before = records_for(fields, predict, rule, ["typical", "pixel-2x", "bright-objects"], 7, None, levels=3)
        self.assertEqual(before, [r for r in with_it if r["condition"] != "haze"])
        self.assertEqual(all_conditions()[-2:], ["bright-objects", "haze"])


if __name__ == "__main__":
    unittest.main()
