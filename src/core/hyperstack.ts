/**
 * Hyperstacks: files whose planes are channels × z-slices × time frames (ImageJ hyperstacks, OME-TIFF). A file stores
 * them as one flat list of planes in a fixed order; this module maps a plane's index to its (channel, z, frame) so
 * that the sharpest plane is chosen along z within each channel and frame, or along time in a time series without z
 * (the DAPI plane and the GFP plane of one z are two answers, not rivals), and so an all-in-focus image is never
 * blended from two channels.
 * Pure: no decoding here (io/tiff-dimensions.ts reads the counts from the file).
 */
import { ImageContentError } from './errors.js';
import type { FocusResult, PlaneOrder, PlanePosition, StackDimensions } from './types.js';

export const PLANE_ORDERS: readonly PlaneOrder[] = ['CZT', 'CTZ', 'ZCT', 'ZTC', 'TCZ', 'TZC'];

/** Which planes to measure: one channel and/or one frame (0-based); absent = all. */
export interface PlaneFilter {
  readonly channel?: number | undefined;
  readonly frame?: number | undefined;
}

const AXIS: Record<'C' | 'Z' | 'T', keyof PlanePosition> = { C: 'channel', Z: 'z', T: 'frame' };
const COUNT: Record<'C' | 'Z' | 'T', keyof Omit<StackDimensions, 'order'>> = { C: 'channels', Z: 'slices', T: 'frames' };

/** The dimensions when they describe exactly `planes` planes (a file whose header and pages disagree states none). */
export function dimensionsFor(planes: number, dims: StackDimensions | undefined): StackDimensions | undefined {
  if (!dims) return undefined;
  const ok = [dims.channels, dims.slices, dims.frames].every((n) => Number.isInteger(n) && n >= 1);
  return ok && dims.channels * dims.slices * dims.frames === planes ? dims : undefined;
}

/** The (channel, z, frame) of the plane at `index` in the file. */
export function positionOf(index: number, dims: StackDimensions): PlanePosition {
  const out: Record<keyof PlanePosition, number> = { channel: 0, z: 0, frame: 0 };
  let rest = index;
  for (const axis of [...dims.order] as ('C' | 'Z' | 'T')[]) {
    const n = dims[COUNT[axis]];
    out[AXIS[axis]] = rest % n;
    rest = Math.floor(rest / n);
  }
  return out;
}

/** Without dimensions every plane is a z-slice of one channel and one frame. */
export function positionIn(index: number, dims: StackDimensions | undefined): PlanePosition {
  return dims ? positionOf(index, dims) : { channel: 0, z: index, frame: 0 };
}

/**
 * The indices among `indices` that pass `filter`. A channel or frame the file does not have is an ImageContentError
 * (never an empty result: a script asking for channel 3 of 2 must hear about it).
 */
export function filterPlanes(indices: readonly number[], dims: StackDimensions | undefined, filter: PlaneFilter): number[] {
  const check = (value: number | undefined, count: number, what: string): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value >= count)) {
      throw new ImageContentError(`${what} ${value} does not exist: the image has ${count} ${what}(s), numbered from 0`);
    }
  };
  check(filter.channel, dims?.channels ?? 1, 'channel');
  check(filter.frame, dims?.frames ?? 1, 'frame');
  return indices.filter((i) => passes(positionIn(i, dims), filter));
}

/** Whether a plane at `p` passes `filter` (no position: channel 0 of frame 0, as for a plain stack). */
export function passes(p: PlanePosition | undefined, filter: PlaneFilter): boolean {
  return (filter.channel === undefined || (p?.channel ?? 0) === filter.channel) && (filter.frame === undefined || (p?.frame ?? 0) === filter.frame);
}

/** What a filter asks for, for messages: "channel 1 and frame 0"; '' when it asks for nothing. */
export function filterText(filter: PlaneFilter): string {
  return [filter.channel !== undefined ? `channel ${filter.channel}` : '', filter.frame !== undefined ? `frame ${filter.frame}` : ''].filter(Boolean).join(' and ');
}

/**
 * The axis a file's planes step along: `z`; `frame` for a time series without z (one slice per frame: the sharpest
 * frame is the answer, as the ImageJ.JS host measures such a stack along its frames); `slice` for a file that states
 * no dimensions. Read off the results, so a subset measured with --channel or --slices says the same.
 */
export type StackAxis = 'z' | 'frame' | 'slice';

export function stackAxis(results: readonly Pick<FocusResult, 'position'>[]): StackAxis {
  if (!results.some((r) => r.position)) return 'slice';
  const steps = (axis: 'z' | 'frame'): boolean => results.some((r) => (r.position?.[axis] ?? 0) > 0);
  return !steps('z') && steps('frame') ? 'frame' : 'z';
}

/** A result's place along `axis` (its slice index for a file without dimensions). */
export function alongAxis(r: Pick<FocusResult, 'position' | 'slice'>, axis: StackAxis): number {
  return axis === 'slice' || !r.position ? r.slice : r.position[axis];
}

/**
 * Results grouped into the series a best plane is chosen from (in the order each first appears): one per channel and
 * frame of a hyperstack stepped along z, one per channel of a time series, one for a plain stack.
 */
export function bySeries<T extends Pick<FocusResult, 'position'>>(results: readonly T[]): T[][] {
  const axis = stackAxis(results);
  const groups = new Map<string, T[]>();
  for (const r of results) {
    const key = r.position ? `${r.position.channel}/${axis === 'frame' ? '*' : r.position.frame}` : '';
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}
