/**
 * The image a command works on, as ImageJ.JS lets a plugin see it: found once by a probe, then read plane by plane.
 *
 * A probe macro (probe.ts) tells the image ID, position, dimensions and bit depth. `getImage({channel, slice, frame})`
 * returns one plane and moves the image there, so every read re-selects the image first (the user may have clicked
 * another one meanwhile) and the caller puts the user's position back with `restorePosition`.
 *
 * Hyperstacks: the current channel is measured; the z axis is the slices, or the frames when there is one slice.
 *
 * The image's spatial calibration (Image › Properties…, or what ImageJ read from the file) is its pixel size, so the
 * engine resamples to the model's native pixels as the CLI does for the same file; an uncalibrated image ("pixels")
 * has none, and the result says so.
 */
import { ImageContentError, ImageFormatError, withContext } from '../../core/errors.js';
import type { PlaneSource } from '../../core/measure-stack.js';
import type { GrayImage, PixelSize } from '../../core/types.js';
import { calibratedPixelSize } from '../../core/units.js';
import type { ImageJService } from './host.js';
import type { ChannelOrder } from '../../image-input.js';
import { planeFromImageJ } from './ndarray.js';
import { block, VALUES } from './macros/code.js';
import type { Position } from './macros/overlay.js';
import { macroValues } from './probe.js';

export interface ImageJImage {
  readonly id: number;
  /** The window title (at most TITLE_CHARS characters). */
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly slices: number;
  readonly frames: number;
  readonly bitDepth: number;
  /** Where the user was when the command started. */
  readonly position: Position;
  /** The axis measured as z: slices, or frames for a time series with one slice per frame. */
  readonly axis: 'slice' | 'frame';
  /** µm per pixel from the image's calibration; undefined when it is not calibrated in a length. */
  readonly pixelSize: PixelSize | undefined;
}

const FIELDS = 15;
const UNIT_CHARS = 16;
const TITLE_CHARS = 255;
// fq_v: found, id, c, z, t, channels, slices, frames, width, height, bit depth, title length, pixel width, pixel
// height, unit length; then the unit's UTF-16 codes (UNIT_CHARS slots), then the title's.
const PROBE = block(`fq_v = newArray(${FIELDS + UNIT_CHARS + TITLE_CHARS});
if (nImages > 0) {
  fq_v[0] = 1; fq_v[1] = getImageID(); Stack.getPosition(fq_c, fq_z, fq_t); fq_v[2] = fq_c; fq_v[3] = fq_z; fq_v[4] = fq_t;
  getDimensions(fq_w, fq_h, fq_nc, fq_nz, fq_nt); fq_v[5] = fq_nc; fq_v[6] = fq_nz; fq_v[7] = fq_nt; fq_v[8] = fq_w; fq_v[9] = fq_h; fq_v[10] = bitDepth();
  fq_ti = getTitle(); fq_v[11] = minOf(lengthOf(fq_ti), ${TITLE_CHARS});
  for (fq_k = 0; fq_k < fq_v[11]; fq_k++) fq_v[${FIELDS + UNIT_CHARS} + fq_k] = charCodeAt(fq_ti, fq_k);
  getPixelSize(fq_u, fq_pw, fq_ph); fq_v[12] = fq_pw; fq_v[13] = fq_ph; fq_v[14] = minOf(lengthOf(fq_u), ${UNIT_CHARS});
  for (fq_k = 0; fq_k < fq_v[14]; fq_k++) fq_v[${FIELDS} + fq_k] = charCodeAt(fq_u, fq_k);
}`, { sets: [VALUES] });

/** The current image, or undefined when none is open; the image is current again afterwards. */
export async function probeCurrentImage(ij: ImageJService): Promise<ImageJImage | undefined> {
  const raw = await macroValues(ij, PROBE, FIELDS + UNIT_CHARS + TITLE_CHARS);
  const values = raw.map(Math.round);
  if (values[0] !== 1) return undefined;
  const [, id, channel, slice, frame, channels, slices, frames, width, height, bitDepth, titleLength, , , unitLength] = values as number[];
  // The probe carries float32: 0.325 comes back as 0.32499998…; seven significant digits are what float32 holds.
  const [pixelWidth, pixelHeight] = [raw[12]!, raw[13]!].map((v) => Number(v.toPrecision(7))) as [number, number];
  const unit = String.fromCharCode(...values.slice(FIELDS, FIELDS + unitLength!));
  const image: ImageJImage = {
    id: id!,
    title: String.fromCharCode(...values.slice(FIELDS + UNIT_CHARS, FIELDS + UNIT_CHARS + titleLength!)),
    width: width!,
    height: height!,
    channels: channels!,
    slices: slices!,
    frames: frames!,
    bitDepth: bitDepth!,
    position: { channel: channel!, slice: slice!, frame: frame! },
    axis: slices! === 1 && frames! > 1 ? 'frame' : 'slice',
    pixelSize: calibratedPixelSize(pixelWidth, pixelHeight, unit),
  };
  await ij.runMacro(selectMacro(image));
  return image;
}

/** Macro code making the image current again. */
export function selectMacro(image: Pick<ImageJImage, 'id'>): string {
  return `selectImage(${image.id});`;
}

/** Number of planes along the measured axis. */
export function planeCount(image: ImageJImage): number {
  return image.axis === 'frame' ? image.frames : image.slices;
}

/** 0-based index, along the measured axis, of the plane the user was on. */
export function currentPlane(image: ImageJImage): number {
  return (image.axis === 'frame' ? image.position.frame : image.position.slice) - 1;
}

/** The hyperstack position of plane `index` (0-based along the measured axis) in the measured channel. */
export function positionOf(image: ImageJImage, index: number): Position {
  const { channel, slice, frame } = image.position;
  return image.axis === 'frame' ? { channel, slice, frame: index + 1 } : { channel, slice: index + 1, frame };
}

/** Macro code putting the image back at `p` (a no-op on a single plane). */
export function positionMacro(image: ImageJImage, p: Position): string {
  return image.channels * image.slices * image.frames > 1 ? `${selectMacro(image)} Stack.setPosition(${p.channel}, ${p.slice}, ${p.frame});` : selectMacro(image);
}

export async function restorePosition(ij: ImageJService, image: ImageJImage): Promise<void> {
  await ij.runMacro(positionMacro(image, image.position));
}

/**
 * The measured planes, read when measureStack asks for them: re-select the image, then `getImage` at the plane's
 * position. `rgb` is the channel order of an RGB image's 4 bytes per pixel.
 */
export function imagePlanes(ij: ImageJService, image: ImageJImage, rgb?: ChannelOrder): PlaneSource & { readonly warnings: Set<string> } {
  const warnings = new Set<string>();
  return {
    count: planeCount(image),
    warnings,
    async plane(index) {
      await ij.runMacro(selectMacro(image));
      const p = positionOf(image, index);
      const value = await ij.getImage({ channel: p.channel, slice: p.slice, frame: p.frame });
      let read: ReturnType<typeof planeFromImageJ>;
      try {
        read = planeFromImageJ(value, image.width, image.height, image.title, rgb);
      } catch (e) {
        throw withContext(e, { slice: index });
      }
      if (read.warning) warnings.add(read.warning);
      const plane = read.plane as GrayImage;
      return image.pixelSize ? { ...plane, pixelSize: image.pixelSize } : plane;
    },
  };
}

/** The checks before any work: an image open, at least one patch large. */
export function checkMeasurable(image: ImageJImage | undefined, patchSize: number): asserts image is ImageJImage {
  if (!image) throw new ImageContentError('no image is open. Open an image first (File › Open).');
  if (image.width < patchSize || image.height < patchSize) {
    throw new ImageContentError(`the image is ${image.width}×${image.height} pixels; it must be at least ${patchSize}×${patchSize} (one patch).`);
  }
  if (![8, 16, 24, 32].includes(image.bitDepth)) throw new ImageFormatError(`${image.bitDepth}-bit images are not supported`);
}
