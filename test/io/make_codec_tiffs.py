"""Writes TIFFs in every compression/predictor/byte-order/bit-depth combination the decoder reads, from a crop of a
real image, plus truth.json (per file: dtype, shape and the sha256 of the pixels in C order, little-endian), so the
decoder is checked against the pixels that went in, and against Pillow and geotiff reading the same files.

The writer is written out here (TIFF 6.0 sections 2, 13, 14 and Adobe Technical Note 3) because this system's
tifffile lacks imagecodecs and cannot encode LZW or predictors; Pillow (libtiff) decoding every file is the check
that the writer is right. Usage: make_codec_tiffs.py SOURCE_TIFF OUT_DIR
"""
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

CLEAR, EOI = 256, 257


def lzw_encode(data: bytes) -> bytes:
    """TIFF LZW: MSB-first codes, 9-12 bits, the width growing as libtiff's encoder grows it, Clear at 4094 entries."""
    out = bytearray()
    acc = nbits = 0
    width = 9

    def put(code):
        nonlocal acc, nbits
        acc = (acc << width) | code
        nbits += width
        while nbits >= 8:
            nbits -= 8
            out.append((acc >> nbits) & 0xFF)
        acc &= (1 << nbits) - 1

    table = {bytes([i]): i for i in range(256)}
    next_code = 258
    put(CLEAR)
    w = b""
    for byte in data:
        wc = w + bytes([byte])
        if wc in table:
            w = wc
            continue
        put(table[w])
        table[wc] = next_code
        next_code += 1
        if next_code == 4094:
            put(CLEAR)
            table = {bytes([i]): i for i in range(256)}
            next_code = 258
            width = 9
        elif next_code >= (1 << width) and width < 12:
            width += 1
        w = bytes([byte])
    if w:
        put(table[w])
        next_code += 1
        if next_code >= (1 << width) and width < 12:
            width += 1
    put(EOI)
    if nbits:
        out.append((acc << (8 - nbits)) & 0xFF)
    return bytes(out)


def packbits(data: bytes) -> bytes:
    out, i, lit = bytearray(), 0, bytearray()

    def flush():
        while lit:
            block = lit[:128]
            out.append(len(block) - 1)
            out.extend(block)
            del lit[:128]

    while i < len(data):
        j = i
        while j < len(data) and j - i < 128 and data[j] == data[i]:
            j += 1
        if j - i >= 3:
            flush()
            out.append((1 - (j - i)) & 0xFF)
            out.append(data[i])
            i = j
        else:
            lit.append(data[i])
            i += 1
    flush()
    return bytes(out)


def predict(rows: np.ndarray, predictor: int, spp: int, byteorder: str) -> bytes:
    """Rows (h, w*spp) of samples → bytes in the file's order with the predictor applied."""
    if predictor == 2:
        d = rows.copy()
        d[:, spp:] = rows[:, spp:] - rows[:, :-spp]  # wraps in the unsigned/signed dtype, as the spec says
        return d.astype(d.dtype.newbyteorder(byteorder)).tobytes()
    if predictor == 3:
        size = rows.dtype.itemsize
        big = rows.astype(rows.dtype.newbyteorder(">")).view(np.uint8).reshape(rows.shape[0], -1, size)
        planes = big.transpose(0, 2, 1).reshape(rows.shape[0], -1).astype(np.int16)  # byte plane k = byte k, MSB first
        planes[:, spp:] = planes[:, spp:] - planes[:, :-spp]
        return (planes & 0xFF).astype(np.uint8).tobytes()
    return rows.astype(rows.dtype.newbyteorder(byteorder)).tobytes()


def write_tiff(path, arr, *, compression=1, predictor=1, byteorder="<", rows_per_strip=None, photometric=1):
    """A one-page, chunky, stripped TIFF of a (h, w) or (h, w, spp) array."""
    h, w = arr.shape[:2]
    spp = 1 if arr.ndim == 2 else arr.shape[2]
    rps = rows_per_strip or h
    kind = arr.dtype.kind
    fmt = 3 if kind == "f" else 2 if kind == "i" else 1
    strips = []
    for y in range(0, h, rps):
        rows = arr[y : y + rps].reshape(min(rps, h - y), w * spp)
        raw = predict(rows, predictor, spp, byteorder)
        strips.append(lzw_encode(raw) if compression == 5 else packbits(raw) if compression == 32773 else raw)
    e = byteorder
    n_tags = 12
    ifd_at = 8
    extra_at = ifd_at + 2 + 12 * n_tags + 4
    bits_at = extra_at
    offsets_at = bits_at + 2 * spp
    counts_at = offsets_at + 4 * len(strips)
    data_at = counts_at + 4 * len(strips)
    offsets = []
    at = data_at
    for s in strips:
        offsets.append(at)
        at += len(s)

    def entry(tag, typ, count, value):
        b = tag.to_bytes(2, "little" if e == "<" else "big") + typ.to_bytes(2, "little" if e == "<" else "big") + count.to_bytes(4, "little" if e == "<" else "big")
        if typ == 3 and count == 1:
            return b + value.to_bytes(2, "little" if e == "<" else "big") + b"\0\0"
        return b + value.to_bytes(4, "little" if e == "<" else "big")

    order = "little" if e == "<" else "big"
    tags = [
        entry(256, 4, 1, w), entry(257, 4, 1, h),
        entry(258, 3, spp, (arr.dtype.itemsize * 8) if spp == 1 else bits_at),
        entry(259, 3, 1, compression), entry(262, 3, 1, photometric),
        entry(273, 4, len(strips), offsets[0] if len(strips) == 1 else offsets_at),
        entry(277, 3, 1, spp), entry(278, 4, 1, rps),
        entry(279, 4, len(strips), len(strips[0]) if len(strips) == 1 else counts_at),
        entry(284, 3, 1, 1), entry(317, 3, 1, predictor), entry(339, 3, 1, fmt),
    ]
    if spp > 1 and spp * 2 <= 4:
        raise ValueError("inline BitsPerSample arrays are not handled")
    b = bytearray((b"II*\0" if e == "<" else b"MM\0*") + ifd_at.to_bytes(4, order) + n_tags.to_bytes(2, order))
    for t in tags:
        b += t
    b += (0).to_bytes(4, order)
    b += b"".join((arr.dtype.itemsize * 8).to_bytes(2, order) for _ in range(spp))
    b += b"".join(o.to_bytes(4, order) for o in offsets)
    b += b"".join(len(s).to_bytes(4, order) for s in strips)
    assert len(b) == data_at
    for s in strips:
        b += s
    Path(path).write_bytes(bytes(b))


def main(src, out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    img = np.array(Image.open(src))[100:250, 150:350].astype(np.uint16)  # 150 x 200 real pixels
    u8 = (img >> 4).astype(np.uint8)
    f32 = img.astype(np.float32) / 7.0
    rgb = np.stack([u8, (img >> 5).astype(np.uint8), (img >> 6).astype(np.uint8)], axis=-1)
    variants = {
        "lzw8.tif": (u8, dict(compression=5)),
        "lzw16.tif": (img, dict(compression=5)),
        "lzw16_be.tif": (img, dict(compression=5, byteorder=">")),
        "lzw16_pred.tif": (img, dict(compression=5, predictor=2)),
        "lzw16_pred_be.tif": (img, dict(compression=5, predictor=2, byteorder=">")),
        "lzw16_strips.tif": (img, dict(compression=5, rows_per_strip=16)),
        "lzw8_pred.tif": (u8, dict(compression=5, predictor=2)),
        "lzw_f32_pred3.tif": (f32, dict(compression=5, predictor=3)),
        "lzw_f32_pred3_be.tif": (f32, dict(compression=5, predictor=3, byteorder=">")),
        "lzw_i16_pred.tif": (img.astype(np.int16) - 3000, dict(compression=5, predictor=2)),
        "lzw_rgb8_pred.tif": (rgb, dict(compression=5, predictor=2, photometric=2)),
        "packbits16_be.tif": (img, dict(compression=32773, byteorder=">", rows_per_strip=7)),
        "raw_u32_be.tif": (img.astype(np.uint32) * 1000, dict(byteorder=">")),
        "raw_f64.tif": (img.astype(np.float64) / 3.0, dict(rows_per_strip=50)),
    }
    truth = {}
    for name, (arr, kw) in variants.items():
        write_tiff(out / name, arr, **kw)
        le = arr.astype(arr.dtype.newbyteorder("<"))
        truth[name] = {"dtype": str(arr.dtype), "shape": list(arr.shape), "sha256": hashlib.sha256(np.ascontiguousarray(le).tobytes()).hexdigest()}
    (out / "truth.json").write_text(json.dumps(truth))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
