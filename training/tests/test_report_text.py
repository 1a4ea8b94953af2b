"""The model card's sentence on the 1.1.0 baseline says "the same validation images" only when the baseline's sources
and conditions are the run's own (validation gained sources and conditions after that baseline was measured)."""
import json
import tempfile
import unittest
from pathlib import Path

from training.report import baseline_images


class BaselineImagesTest(unittest.TestCase):
    def write(self, sources, conditions):
        path = Path(tempfile.mkdtemp()) / "base.json"
        path.write_text(json.dumps({"summary": {"sources": {s: {} for s in sources}, "conditions": {c: {} for c in conditions}}}))
        return str(path)

    def test_same_sources_and_conditions_are_called_the_same_images(self):
        val = {"sources": {"a": {}, "b": {}}, "conditions": {"typical": {}, "haze": {}}}
        self.assertIn("the same validation images", baseline_images(self.write(["b", "a"], ["haze", "typical"]), val))

    def test_fewer_sources_or_conditions_are_said_as_such(self):
        val = {"sources": {"a": {}, "b": {}}, "conditions": {"typical": {}, "haze": {}}}
        text = baseline_images(self.write(["a"], ["typical"]), val)
        self.assertNotIn("same validation images", text)
        self.assertIn("1 of these sources, 1 of these conditions", text)
        self.assertEqual(baseline_images("/nonexistent/base.json", val), "an earlier validation run")


if __name__ == "__main__":
    unittest.main()
