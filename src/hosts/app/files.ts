/** Small browser chores of the app: saving a download, drawing a thumbnail. */
import type { GrayImage } from '../../core/types.js';
import { stretchToRgba } from '../element/stretch.js';

/** Offers `data` as a file download named `name`. */
export function download(name: string, data: string | Uint8Array, type: string): void {
  const a = document.createElement('a');
  // Our encoders allocate plain ArrayBuffers (never shared ones), which is what a Blob takes.
  a.href = URL.createObjectURL(new Blob([data as string | Uint8Array<ArrayBuffer>], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** A contrast-stretched PNG data URL of a plane, at most `size` pixels on its longer side. */
export function thumbnail(plane: GrayImage, size = 96): string | undefined {
  const full = document.createElement('canvas');
  [full.width, full.height] = [plane.width, plane.height];
  full.getContext('2d')?.putImageData(new ImageData(stretchToRgba(plane), plane.width, plane.height), 0, 0);
  const small = document.createElement('canvas');
  const k = size / Math.max(plane.width, plane.height);
  [small.width, small.height] = [Math.max(1, Math.round(plane.width * k)), Math.max(1, Math.round(plane.height * k))];
  small.getContext('2d')?.drawImage(full, 0, 0, small.width, small.height);
  return small.toDataURL('image/png');
}
