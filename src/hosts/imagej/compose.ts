/**
 * "Compose All-in-Focus" on ImageJ's current stack: every plane along the z axis measured (the shared measureStack),
 * core `composeAllInFocus`, and the composite opened as a new image with the service's `viewImage` (the depth map as
 * a second image with `depth`). A single plane gives that plane, with a note.
 */
import { ImageContentError, OptionsError } from '../../core/errors.js';
import { composeAllInFocus } from '../../core/composite.js';
import type { GrayImage } from '../../core/types.js';
import type { ImageJNdArray, ImageJService } from './host.js';
import { measureImagePlanes, type CommandHooks, type PluginMeasurer } from './measure-planes.js';
import { imageJKey, isImageJChecked, optionKeys } from './options.js';

export interface ComposeOptions {
  /** Also open the depth map: per pixel, the 0-based plane the composite took most from (16-bit). */
  readonly depth: boolean;
}

export const COMPOSE_LABELS = { depth: 'Depth map' } as const;

/** Reads `depth` from an ImageJ option string; unknown keys are refused as in `toMeasureOptions`. */
export function toComposeOptions(options: string): ComposeOptions {
  const known = Object.values(COMPOSE_LABELS).map(imageJKey);
  const unknown = optionKeys(options).filter((k) => !known.includes(imageJKey(k)));
  if (unknown.length > 0) throw new OptionsError(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} in "${options}"; known: ${known.join(', ')}`);
  return { depth: isImageJChecked(options, COMPOSE_LABELS.depth) };
}

export interface ComposeResult {
  /** Title of the composite image opened in ImageJ (and of the depth map, when asked for). */
  readonly title: string;
  readonly depthTitle?: string;
  readonly width: number;
  readonly height: number;
  readonly bitDepth: 8 | 16 | 32;
  /** Planes along the measured axis. */
  readonly slices: number;
  /** 1-based sharpest plane overall (core pickBestSlice). */
  readonly bestSlice: number;
  /** Share of the pixels taken mostly from each plane, by 0-based index. */
  readonly share: readonly number[];
  readonly notes: readonly string[];
  readonly warnings: string[];
}

/** A grey plane as the ndarray ImageJ.JS imports ([h, w], little-endian as typed arrays are in the browser). */
export function toImageJNdArray(plane: GrayImage): ImageJNdArray {
  const d = plane.data;
  return {
    _rtype: 'ndarray',
    _rvalue: new Uint8Array(d.buffer, d.byteOffset, d.byteLength),
    _rshape: [plane.height, plane.width],
    _rdtype: plane.bitDepth === 8 ? 'uint8' : plane.bitDepth === 16 ? 'uint16' : 'float32',
  };
}

/** A title ImageJ.JS can use as a file name in its raw import (`open=/str/<name>`, not bracketed: no spaces). */
export function imageName(title: string, suffix: string): string {
  const base = title.replace(/\.(ome\.)?(tiff?|png|jpe?g|gif|zip)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_') || 'image';
  return `${base}_${suffix}`;
}

export async function composeInImageJ(ij: ImageJService, measurer: PluginMeasurer, options: ComposeOptions, hooks: CommandHooks = {}): Promise<ComposeResult> {
  if (!ij.viewImage) throw new ImageContentError('this ImageJ host cannot open new images (it has no viewImage)');
  const m = await measureImagePlanes(ij, measurer, { slices: 'all', keepPlanes: true }, hooks);
  const composite = composeAllInFocus(m.planes, m.results);
  const title = imageName(m.image.title, 'all-in-focus');
  const depthTitle = options.depth ? `${title}_depth` : undefined;
  await ij.viewImage(toImageJNdArray(composite.image), { name: title });
  if (depthTitle) await ij.viewImage(toImageJNdArray(composite.depth), { name: depthTitle });
  return {
    title,
    ...(depthTitle ? { depthTitle } : {}),
    width: composite.image.width,
    height: composite.image.height,
    bitDepth: composite.image.bitDepth,
    slices: m.count,
    bestSlice: composite.bestSlice + 1,
    share: composite.share,
    notes: composite.notes,
    warnings: [...m.warnings, ...new Set(m.results.flatMap((r) => r.warnings ?? []))],
  };
}
