/**
 * Where each measured file's pixels are, and pictures of them for the viewer and the thumbnails. A file is decoded
 * and kept in the worker (only a small contrast-stretched picture crosses to the page: no main-thread work grows with
 * the image); an all-in-focus composite is made on the page and kept here.
 */
import type { ImageStack } from '../../core/types.js';
import { decodeImage } from '../../io/decode.js';
import type { WorkerClient } from '../../inference/worker-client.js';
import { renderPreview, type Preview } from '../../io/preview.js';

type Pixels =
  | { readonly kind: 'worker'; readonly fileId: number; readonly file: Blob; readonly name: string; readonly width: number; readonly height: number }
  | { readonly kind: 'here'; readonly stack: ImageStack };

export interface Picture {
  readonly picture: Preview;
  /** Size of the image the picture shows. */
  readonly width: number;
  readonly height: number;
}

export class Pictures {
  private readonly pixels = new Map<number, Pixels>();

  constructor(private readonly client: Pick<WorkerClient, 'preview'>) {}

  /** A file the worker decoded and holds as `fileId`; `file` is kept (a File costs no memory) to compose from. */
  inWorker(id: number, fileId: number, file: Blob, name: string, size: { width: number; height: number }): void {
    this.pixels.set(id, { kind: 'worker', fileId, file, name, width: size.width, height: size.height });
  }

  here(id: number, stack: ImageStack): void {
    this.pixels.set(id, { kind: 'here', stack });
  }

  /** A picture of one slice, longer side ≤ maxSide. Rejects (ImageContentError) when the worker no longer holds it. */
  async picture(id: number, slice: number, maxSide: number): Promise<Picture> {
    const p = this.pixels.get(id);
    if (!p) throw new Error(`no pixels for entry ${id}`);
    if (p.kind === 'worker') return { picture: await this.client.preview(p.fileId, slice, maxSide), width: p.width, height: p.height };
    const plane = p.stack.slices[slice]!;
    return { picture: renderPreview(plane, maxSide), width: plane.width, height: plane.height };
  }

  /** A small PNG data URL of one slice, for the plate grid. */
  async thumbnail(id: number, slice: number, size = 96): Promise<string | undefined> {
    const { picture } = await this.picture(id, slice, size);
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [picture.width, picture.height];
    canvas.getContext('2d')?.putImageData(new ImageData(picture.data as Uint8ClampedArray<ArrayBuffer>, picture.width, picture.height), 0, 0);
    return canvas.toDataURL('image/png');
  }

  /**
   * Every plane of an entry, on the page, for composing. A file the worker holds is decoded here again: it decoded
   * within the worker's budget already, and composing is the user's explicit request (until the API composes in the
   * worker).
   */
  async stack(id: number): Promise<ImageStack> {
    const p = this.pixels.get(id);
    if (!p) throw new Error(`no pixels for entry ${id}`);
    return p.kind === 'here' ? p.stack : decodeImage(await p.file.arrayBuffer(), p.name);
  }
}
