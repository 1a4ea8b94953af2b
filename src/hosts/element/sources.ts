/**
 * Where the element's picture and result come from. A file (a `src` URL or `loadFile`) goes to the worker undecoded:
 * the worker decodes it under a time budget, measures it and renders a small contrast-stretched picture, so a huge or
 * hostile file never blocks the page. Pixels a page hands over (`image`) are measured through the one stack loop
 * and drawn here, shrunk first so the canvas stays small.
 */
import { measureStack, planesOf } from '../../core/measure-stack.js';
import type { FocusResult, ImageStack } from '../../core/types.js';
import type { WorkerClient } from '../../inference/worker-client.js';
import { renderPreview, type Preview } from '../../io/preview.js';

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

/** Decodes, measures (slice `slice`) and draws a file in the worker; the worker forgets its pixels afterwards. */
export async function showFile(client: WorkerClient, file: Blob, name: string, slice: number, maxSide: number, hooks: SourceHooks): Promise<Shown> {
  const found = await client.measureFile(file, { name, slices: slice }, hooks);
  try {
    const picture = await client.preview(found.fileId, found.best.slice, maxSide);
    return { picture, width: found.width, height: found.height, result: found.best, warnings: found.warnings };
  } finally {
    client.release(found.fileId);
  }
}

/** Measures slice `slice` of pixels the page holds, in the worker, and draws it here. */
export async function showPixels(client: WorkerClient, stack: ImageStack, slice: number, maxSide: number, hooks: SourceHooks): Promise<Shown> {
  const { best } = await measureStack(client, planesOf(stack), { slices: slice }, hooks);
  const plane = stack.slices[best.slice]!;
  return { picture: renderPreview(plane, maxSide), width: plane.width, height: plane.height, result: best, warnings: stack.warnings };
}
