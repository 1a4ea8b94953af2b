"""Real images of other labs (issue 10's never-used real images): the ICS reader on made-up files (values, pixel size
from the header, clear refusals), and the record — unique ids, a truth, listed in DATA.md with a checksum, and no
real image among the sources that train, select or test."""
import gzip
import unittest
from pathlib import Path

import numpy as np

from training import sources
from training.fetch_data import FetchError
from training.real_images import decode_ics


def ics(img: np.ndarray, compression="gzip", order="bits\tx\ty", extents="2.0e-05 1.0e-05", units="m m") -> bytes:
    h, w = img.shape
    bits = img.dtype.itemsize * 8
    header = (f"\t\nics_version\t2.0\nfilename\tx\nlayout\tparameters\t3\nlayout\torder\t{order}\nlayout\tsizes\t{bits} {w} {h}\n"
              f"representation\tformat\tinteger\nrepresentation\tsign\tunsigned\nrepresentation\tcompression\t{compression}\n"
              f"representation\tbyte_order\t1\nhistory\textents\t{extents}\nhistory\tunits\t{units}\nend\t\n")
    raw = img.astype(img.dtype.newbyteorder("<")).tobytes()
    return header.encode("latin1") + (gzip.compress(raw) if compression == "gzip" else raw)


class DecodeIcsTest(unittest.TestCase):
    def test_gzip_8_bit_with_pixel_size(self):
        img = np.arange(40 * 100, dtype=np.uint8).reshape(40, 100)
        out, pixel = decode_ics(ics(img), "x.ics")
        np.testing.assert_array_equal(out, img)
        self.assertAlmostEqual(pixel, 0.2)  # 20 µm over 100 pixels

    def test_uncompressed_16_bit_without_units(self):
        img = (np.arange(30 * 20, dtype=np.uint16) * 97).reshape(30, 20)
        out, pixel = decode_ics(ics(img, compression="uncompressed", units="undefined undefined"), "y.ics")
        np.testing.assert_array_equal(out, img)
        self.assertIsNone(pixel)

    def test_refusals_name_the_file(self):
        img = np.zeros((8, 8), np.uint8)
        with self.assertRaisesRegex(FetchError, "^z.tif: not a single-file ICS"):
            decode_ics(b"II*\x00" + bytes(100), "z.tif")
        with self.assertRaisesRegex(FetchError, "^a.ics: ICS layout"):
            decode_ics(ics(img, order="bits\ty\tx"), "a.ics")
        good = ics(img)
        header = good[:good.index(b"\x1f\x8b")]
        with self.assertRaisesRegex(FetchError, "^b.ics: ICS payload has 10 bytes"):
            decode_ics(header + gzip.compress(bytes(10)), "b.ics")
        with self.assertRaisesRegex(FetchError, "^c.ics: ICS gzip payload is corrupt"):
            decode_ics(header + good[len(header):][:20], "c.ics")


class RecordTest(unittest.TestCase):
    def test_ids_truths_and_data_md(self):
        ids = [r.id for r in sources.REAL_IMAGES]
        self.assertEqual(len(ids), len(set(ids)))
        doc = Path("training/DATA.md").read_text()
        section = doc.split("## Real images of other labs (never used for any choice)\n", 1)[1]
        for r in sources.REAL_IMAGES:
            self.assertIn(r.truth, ("in", "out"))
            row = next(line for line in section.splitlines() if line.startswith(f"| {r.id} |"))
            self.assertRegex(row, r"`[0-9a-f]{64}`")

    def test_no_real_image_is_a_field_of_any_split(self):
        used = {(s.repo, i.path) for s in sources.SOURCES for i in s.items}
        for r in sources.REAL_IMAGES:
            self.assertNotIn((r.repo, r.path), used)
            self.assertNotIn(r.repo, {s.repo for s in sources.SOURCES})  # another lab altogether


if __name__ == "__main__":
    unittest.main()
