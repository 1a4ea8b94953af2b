/**
 * What the app keeps of each measured file: its `Measurement` from the library API. The worker holds the file's
 * pixels; the page gets small contrast-stretched pictures to draw and, on request, the all-in-focus composite — no
 * main-thread work grows with the image.
 */
import type { Measurement } from '../../api.js';
import type { Preview } from '../../io/preview.js';

export interface Picture {
  readonly picture: Preview;
  /** Size of the image the picture shows. */
  readonly width: number;
  readonly height: number;
}

export class Pictures {
  private readonly measured = new Map<number, Measurement>();

  set(id: number, m: Measurement): void {
    this.measured.set(id, m);
  }

  get(id: number): Measurement | undefined {
    return this.measured.get(id);
  }

  /** A picture of one slice, longer side ≤ maxSide. Rejects (ImageContentError) when the worker no longer holds it. */
  async picture(id: number, slice: number, maxSide: number): Promise<Picture> {
    const m = this.measured.get(id);
    if (!m) throw new Error(`no measurement for entry ${id}`);
    return { picture: await m.preview(slice, maxSide), width: m.best.width, height: m.best.height };
  }

  /** A small PNG data URL of one slice, for the plate grid. */
  async thumbnail(id: number, slice: number, size = 96): Promise<string | undefined> {
    const { picture } = await this.picture(id, slice, size);
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [picture.width, picture.height];
    canvas.getContext('2d')?.putImageData(new ImageData(picture.data as Uint8ClampedArray<ArrayBuffer>, picture.width, picture.height), 0, 0);
    return canvas.toDataURL('image/png');
  }
}
