"""Weight averaging (training/soup.py): the soup's weights are the mean of its ingredients', batch-norm counters are
kept, different networks are refused with a usage error, and a failed call leaves an existing output untouched."""
import tempfile
import unittest
from pathlib import Path

import torch

from training.model import build_model, load_checkpoint, save_checkpoint
from training.soup import main, soup


def checkpoint(folder: Path, name: str, seed: int, width: int = 16) -> str:
    torch.manual_seed(seed)
    model = build_model("compact", 11, width, "percentile")
    for p in model.state_dict().values():  # batch-norm statistics too, so averaging them is checked
        if p.is_floating_point():
            p.add_(torch.randn_like(p))
    path = folder / f"{name}.ckpt.npz"
    save_checkpoint(path, model, {"arch": "compact", "width": width, "levels": 11, "rule": "percentile", "seed": seed})
    return str(path)


class SoupTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())

    def test_weights_are_the_mean_and_the_soup_rebuilds_from_its_file(self):
        a, b = checkpoint(self.dir, "a", 1), checkpoint(self.dir, "b", 2)
        out = self.dir / "soup.ckpt.npz"
        self.assertEqual(main(["--ckpts", a, b, "--out", str(out)]), 0)
        sa, sb = load_checkpoint(a)[0].state_dict(), load_checkpoint(b)[0].state_dict()
        model, meta = load_checkpoint(out)
        for key, value in model.state_dict().items():
            if value.is_floating_point():
                torch.testing.assert_close(value, (sa[key] + sb[key]) / 2)
            else:
                self.assertTrue(torch.equal(value, sa[key]))
        self.assertEqual([i["ckpt"] for i in meta["soup"]], [a, b])
        self.assertNotIn("steps", meta)
        self.assertEqual(meta["config"]["seed"], 1)
        x = torch.rand(2, 1, 84, 84)
        self.assertEqual(tuple(model(x).shape), (2, 11))

    def test_an_average_of_an_average_keeps_the_inner_ingredients(self):
        a, b, c = (checkpoint(self.dir, n, i) for i, n in enumerate("abc", 1))
        inner, outer = self.dir / "inner.ckpt.npz", self.dir / "outer.ckpt.npz"
        self.assertEqual(main(["--ckpts", a, b, "--out", str(inner)]), 0)
        self.assertEqual(main(["--ckpts", str(inner), c, "--out", str(outer)]), 0)
        meta = load_checkpoint(outer)[1]
        self.assertEqual([i["ckpt"] for i in meta["soup"]], [str(inner), c])
        self.assertEqual([i["ckpt"] for i in meta["soup"][0]["soup"]], [a, b], "the inner average's own ingredients")
        self.assertNotIn("soup", meta["soup"][1])

    def test_different_networks_are_refused_and_the_old_output_stays(self):
        a, b = checkpoint(self.dir, "a", 1), checkpoint(self.dir, "wide", 2, width=24)
        out = self.dir / "soup.ckpt.npz"
        out.write_bytes(b"earlier result")
        self.assertEqual(main(["--ckpts", a, b, "--out", str(out)]), 2)
        self.assertEqual(out.read_bytes(), b"earlier result")
        with self.assertRaisesRegex(ValueError, "width differ"):
            soup([a, b])
        with self.assertRaisesRegex(ValueError, "at least two"):
            soup([a])
        self.assertEqual(main(["--ckpts", a, str(self.dir / "missing.ckpt.npz"), "--out", str(out)]), 2)


if __name__ == "__main__":
    unittest.main()
