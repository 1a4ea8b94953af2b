"""The evaluation twin's rules: the verdict (as core/aggregate.ts will apply the card's rule), resampling to the
native pixel size, the deterministic choice of fields, and the summary's rates on hand-made records."""
import unittest

import numpy as np

from training.sources_eval import pick_fields, required_margin, resample, summarise, verdict


def rec(truth, level, score, certainty, source="s", condition="typical"):
    return {"truth": truth, "median": level, "argmax": level, "score": score, "certainty": certainty,
            "source": source, "condition": condition}


class VerdictTest(unittest.TestCase):
    def test_low_certainty_or_a_score_near_the_boundary_is_uncertain_else_in_or_out_by_level(self):
        rule = {"minCertainty": 0.3, "minMargin": 0.5}
        self.assertEqual(verdict(rec(0, 1, 1.0, 0.6), rule), "in")
        self.assertEqual(verdict(rec(0, 6, 6.0, 0.6), rule), "out")
        self.assertEqual(verdict(rec(0, 1, 1.0, 0.29), rule), "uncertain")
        self.assertEqual(verdict(rec(0, 2, 2.2, 0.9), rule), "uncertain", "|2.2 − 2.5| < 0.5")
        self.assertEqual(verdict(rec(0, 3, 3.0, 0.9), rule), "out", "|3.0 − 2.5| = 0.5 is not within the margin")
        self.assertEqual(verdict(rec(0, 2, 2.4, 0.0), {}), "in", "no rule: never uncertain")

    def test_certainty_margin_makes_a_less_certain_call_stand_further_from_the_boundary(self):
        rule = {"minMargin": 0.5, "certaintyMargin": 0.1}  # margin 0.5 + 0.1 / certainty, as core/verdict.ts
        self.assertEqual(verdict(rec(5, 4, 3.5, 0.5), rule), "out", "certainty 0.5: margin 0.7 < 1.0")
        self.assertEqual(verdict(rec(5, 4, 3.5, 0.05), rule), "uncertain", "certainty 0.05: margin 2.5 > 1.0")
        self.assertEqual(verdict(rec(5, 6, 5.1, 0.05), rule), "out", "2.6 levels out beats a margin of 2.5")
        self.assertEqual(verdict(rec(0, 0, 0.1, 0.05), rule), "uncertain")
        self.assertEqual(verdict(rec(9, 9, 9.0, 0.0), rule), "uncertain", "certainty 0: no margin is enough")
        self.assertEqual(verdict(rec(0, 0, 0.4, 0.05), {"certaintyMargin": 0.1}), "in", "alone: margin 2.0 < 2.1")
        self.assertEqual(verdict(rec(0, 0, 0.6, 0.05), {"certaintyMargin": 0.1}), "uncertain")
        self.assertEqual(required_margin({"minMargin": 1.0, "certaintyMargin": 0}, 0.0), 1.0)

    def test_summary_counts_confident_wrong_and_uncertain_calls(self):
        recs = [rec(0, 0, 0.2, 0.9), rec(1, 5, 5.0, 0.9), rec(8, 1, 1.0, 0.1), rec(9, 9, 9.0, 0.8, source="t")]
        s = summarise(recs, {"minCertainty": 0.3})
        self.assertEqual(s["all"]["confidentWrong"], 0.25)  # truth 1 (in) called out with certainty 0.9
        self.assertEqual(s["all"]["uncertain"], 0.25)  # the certainty-0.1 call
        self.assertEqual(s["all"]["within1"], 0.5)
        self.assertEqual(s["sources"]["t"]["within1"], 1.0)
        self.assertAlmostEqual(s["worstSource"]["within1"], 1 / 3, places=3)


class ResampleTest(unittest.TestCase):
    def test_pixel_size_maps_to_native_size_and_keeps_the_mean(self):
        img = np.random.default_rng(0).random((200, 300)) * 100 + 50
        half = resample(img, 0.325)  # pixels half the native size → half as many per side
        self.assertEqual(half.shape, (100, 150))
        self.assertAlmostEqual(float(half.mean()), float(img.mean()), delta=1.0)
        double = resample(img, 1.3)
        self.assertEqual(double.shape, (400, 600))
        self.assertIs(resample(img, 0.65), img)

    def test_field_choice_is_deterministic_and_bounded_per_source(self):
        fields = [("a", f"f{i:02d}", None) for i in range(10)] + [("b", "x", None)]
        picked = pick_fields(fields, 3)
        self.assertEqual([f[1] for f in picked], ["f00", "f03", "f06", "x"])
        self.assertEqual(picked, pick_fields(list(reversed(fields)), 3))


if __name__ == "__main__":
    unittest.main()
