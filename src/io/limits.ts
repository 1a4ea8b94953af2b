/**
 * Bounds on the work and memory one file may cost, checked from headers before any pixel buffer is allocated, so a
 * crafted or corrupt file ("100000×100000", an IFD chain that loops, a million one-pixel pages, a strip that inflates
 * without end) fails fast with a clear ImageFormatError instead of exhausting memory or hanging the caller.
 */
import { ImageFormatError } from '../core/errors.js';

/** Largest side accepted (TIFF/PNG allow more, but no microscope camera writes it and it guards against junk headers). */
export const MAX_SIDE = 65535;
/** Largest plane: 2^28 pixels (a 16384×16384 plane). */
export const MAX_PLANE_PIXELS = 2 ** 28;
/**
 * Largest decoded file, all slices together, in bytes of the samples as stored (before any conversion): 512 MiB. With
 * the file's own bytes and one converted plane this keeps a file's peak memory near 1 GiB. Larger stacks: split them.
 */
export const MAX_DECODED_BYTES = 2 ** 29;
/**
 * Largest file read: 1 GiB. No image within MAX_DECODED_BYTES needs more (an uncompressed one is as large as its
 * pixels), and holding a larger file in memory alone would break the ~1 GB per-file bound.
 */
export const MAX_FILE_BYTES = 2 ** 30;
/**
 * Most pages (IFDs) walked in one TIFF. Far above any real stack of measurable planes; it bounds the walk of a chain
 * of millions of tiny pages to a few milliseconds and a few MB.
 */
export const MAX_PAGES = 65536;
/** Default time budget for decoding one file: real files take well under a second (512 MiB decodes in ~3 s). */
export const DEFAULT_DECODE_TIME_MS = 30_000;

export function checkPlaneSize(width: number, height: number, file: string | undefined): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageFormatError(`header gives an invalid size ${width}×${height}`, { file });
  }
  if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PLANE_PIXELS) {
    throw new ImageFormatError(`header claims ${width}×${height} pixels, more than this tool accepts (side ≤ ${MAX_SIDE}, ≤ ${MAX_PLANE_PIXELS} pixels per plane); refusing to allocate`, { file });
  }
}

/**
 * Data that inflates past the room its header gives is dropped (as libtiff does), but inflating it is work: a file may
 * spend this much on it, in all, before it is refused — so a file of many small deflate bombs costs no more than one.
 */
export const MAX_EXCESS_BYTES = 64 * 2 ** 20;

/**
 * A deadline for one file's decoding, checked between strips and tiles (each of which is bounded in size, so the time
 * between two checks is bounded too), and an allowance for data inflated past its strip's room. Past either, decoding
 * stops with an ImageFormatError.
 */
export class DecodeBudget {
  private readonly deadline: number;
  private excess = 0;

  constructor(
    private readonly file: string | undefined,
    private readonly limitMs: number = DEFAULT_DECODE_TIME_MS,
    private readonly clock: () => number = () => Date.now(),
  ) {
    this.deadline = clock() + limitMs;
  }

  spendExcess(bytes: number): void {
    this.excess += bytes;
    if (this.excess > MAX_EXCESS_BYTES) throw new ImageFormatError(`its compressed strips inflate to far more data than the image needs (over ${MAX_EXCESS_BYTES / 2 ** 20} MiB too much): corrupt or crafted`, { file: this.file });
  }

  check(): void {
    if (this.clock() > this.deadline) throw new ImageFormatError(`decoding took longer than ${this.limitMs < 1000 ? `${this.limitMs} ms` : `${(this.limitMs / 1000).toFixed(0)} s`}; the file is too large or malformed`, { file: this.file });
  }
}
