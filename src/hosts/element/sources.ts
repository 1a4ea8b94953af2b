/**
 * Where the element's picture and result come from: the library API. A file (a `src` URL or `loadFile`) goes to the
 * worker undecoded — decoded there under a time budget, measured, and drawn as a small contrast-stretched picture — so
 * a huge or hostile file never blocks the page. Pixels a page hands over (`image`) are measured through the same call
 * and drawn here, shrunk first so the canvas stays small.
 */
import type { FocusQuality } from '../../api.js';
import type { FocusResult, GrayImage, ImageStack, PixelSize } from '../../core/types.js';
import type { Preview } from '../../io/preview.js';

/** What the element shows: a picture (≤ maxSide on its longer side) of an image of `width`×`height`, and its result. */
export interface Shown {
  readonly picture: Preview;
  readonly width: number;
  readonly height: number;
  readonly result: FocusResult;
  readonly warnings: readonly string[];
}

export interface SourceHooks {
  readonly signal: AbortSignal;
  readonly onProgress: (done: number, total: number) => void;
}

/** Which slice, how large a picture, and the pixel size (µm) that overrides the input's own. */
export interface Where {
  readonly slice: number;
  readonly maxSide: number;
  readonly pixelSize: PixelSize | undefined;
}

/** Measures slice `slice` of a file or of pixels and draws it; the worker forgets the file's pixels afterwards. */
export async function show(fq: FocusQuality, input: Blob | GrayImage | ImageStack, name: string, where: Where, hooks: SourceHooks): Promise<Shown> {
  const { slice, maxSide, pixelSize } = where;
  const m = await fq.measure(input, { name, slices: slice, pixelSize, signal: hooks.signal, onProgress: hooks.onProgress });
  try {
    const picture = await m.preview(m.best.slice, maxSide);
    return { picture, width: m.best.width, height: m.best.height, result: m.best, warnings: m.warnings };
  } finally {
    m.release();
  }
}
