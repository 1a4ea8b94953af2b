"""Paired bootstrap of two validation runs (training/paired.py): the same run gives a zero interval, a candidate right
on every image where the baseline was wrong gives an interval above zero, a gain on one field of many gives an
interval that reaches zero, and runs over different images are refused by name."""
import contextlib
import io
import json
import tempfile
import unittest
from pathlib import Path

from training.paired import main, paired


def run(right_fields: set, fields_per_source: int = 3, sources: int = 3) -> list[dict]:
    """Records of a model that gets within ±1 exactly on the fields in `right_fields` (11 levels, one condition)."""
    recs = []
    for s in range(sources):
        for f in range(fields_per_source):
            for level in range(11):
                good = (s, f) in right_fields
                recs.append({"source": f"s{s}", "field": f"f{f}", "truth": level, "condition": "typical",
                             "median": level if good else (level + 5) % 11, "score": float(level if good else 5),
                             "certainty": 0.5, "content": True})
    return recs


ALL = {(s, f) for s in range(3) for f in range(3)}


class PairedTest(unittest.TestCase):
    def test_same_run_is_zero(self):
        out = paired(run(ALL), run(ALL), rounds=500)
        self.assertEqual(out["within1"], {"difference": 0.0, "low": 0.0, "high": 0.0})
        self.assertEqual((out["fields"], out["images"]), (9, 99))

    def test_better_everywhere_clears_zero_and_one_lucky_field_does_not(self):
        half = {(s, f) for s, f in ALL if f == 0}
        out = paired(run(half), run(ALL), rounds=2000)
        self.assertGreater(out["within1"]["low"], 0)
        self.assertAlmostEqual(out["within1"]["difference"], 6 / 9, places=3)  # 6 of 9 fields now right
        one = paired(run(half), run(half | {(0, 1)}), rounds=2000)
        self.assertGreater(one["within1"]["difference"], 0)
        self.assertEqual(one["within1"]["low"], 0.0)  # rounds without that field see no gain

    def test_different_images_are_refused(self):
        with self.assertRaisesRegex(ValueError, "same images"):
            paired(run(ALL), run(ALL, fields_per_source=2))
        folder = Path(tempfile.mkdtemp())
        a, b = folder / "a.json", folder / "b.json"
        a.write_text(json.dumps({"a.ckpt": {"records": run(ALL)}}))
        b.write_text(json.dumps({"b.ckpt": {"records": run(ALL, sources=2)}}))
        self.assertEqual(main([str(a), str(b), "--rounds", "100"]), 2)
        self.assertEqual(main([str(a), str(a), "--rounds", "100"]), 0)

    def test_sources_restrict_the_comparison(self):
        # better only on source s0: the whole comparison is diluted, the s0-only one is exactly that source's gain
        folder = Path(tempfile.mkdtemp())
        a, b = folder / "a.json", folder / "b.json"
        a.write_text(json.dumps({"a.ckpt": {"records": run(ALL - {(0, 0), (0, 1), (0, 2)})}}))
        b.write_text(json.dumps({"b.ckpt": {"records": run(ALL)}}))
        for flags, expected in (([], "+0.3333"), (["--sources", "s0"], "+1.0000"), (["--sources", "s1,s2"], "+0.0000")):
            out = io.StringIO()
            with self.subTest(flags=flags), contextlib.redirect_stdout(out):
                self.assertEqual(main([str(a), str(b), "--rounds", "100", *flags]), 0)
            self.assertIn(f"within1         {expected}", out.getvalue())
        self.assertEqual(main([str(a), str(b), "--sources", "nope"]), 2)


if __name__ == "__main__":
    unittest.main()
