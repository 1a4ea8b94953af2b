/**
 * The shapes every layer agrees on. Pure types: no runtime code, no DOM, no Node.
 * Coordinates are pixels, origin top-left, x to the right, y down (ImageJ and GeoJSON-in-pixels alike).
 */

/** Pixel storage we accept. Integer images are scaled by their full range; float images by the rule in `core/scaling.ts`. */
export type PixelArray = Uint8Array | Uint16Array | Float32Array;

/** Bits per sample of the source image: decides the intensity scaling the model was trained with. */
export type BitDepth = 8 | 16 | 32;

/** The order of a file's planes, fastest-varying axis first: ImageJ writes CZT; OME states its DimensionOrder. */
export type PlaneOrder = 'CZT' | 'CTZ' | 'ZCT' | 'ZTC' | 'TCZ' | 'TZC';

/** How many channels, z-slices and frames a file's planes are, and in which order they are stored (core/hyperstack.ts). */
export interface StackDimensions {
  readonly channels: number;
  readonly slices: number;
  readonly frames: number;
  readonly order: PlaneOrder;
}

/** Where a plane sits in a hyperstack, 0-based on every axis (as `slice`, the plane's index in the file, is). */
export interface PlanePosition {
  readonly channel: number;
  readonly z: number;
  readonly frame: number;
}

/** Physical size of one pixel in micrometres (x: column spacing, y: row spacing), as the file or the user states it. */
export interface PixelSize {
  readonly x: number;
  readonly y: number;
}

/** One grayscale 2-D plane (one slice of a stack). */
export interface GrayImage {
  readonly data: PixelArray;
  readonly width: number;
  readonly height: number;
  readonly bitDepth: BitDepth;
  /** Pixel size in µm when known (file calibration or the user's `pixelSize`); used to resample to the model's native size. */
  readonly pixelSize?: PixelSize | undefined;
}

/** A decoded file: one or more planes of equal size (z-slices, time points or pages). */
export interface ImageStack {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: BitDepth;
  readonly slices: readonly GrayImage[];
  /** Non-fatal remarks made while decoding (e.g. "RGB converted to luminance"). */
  readonly warnings: readonly string[];
  /** Pixel size in µm read from the file (ImageJ calibration, TIFF resolution tags, OME-XML), when it states one. */
  readonly pixelSize?: PixelSize | undefined;
  /** Channels × z-slices × frames of `slices`, when the file states them (ImageJ hyperstack, OME-TIFF; core/hyperstack.ts). */
  readonly dimensions?: StackDimensions | undefined;
}

/** In focus, out of focus, or not enough evidence to say (see FocusResult.verdict). */
export type Verdict = 'in' | 'out' | 'uncertain';

/** Placement of one patch in the image. */
export interface PatchRect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** The model's verdict on one patch. */
export interface PatchScore extends PatchRect {
  /** Most probable defocus level, 0 = in focus … levels-1 = most defocused. */
  readonly level: number;
  /** 1 − H(p)/ln(levels): 1 for a one-hot distribution, 0 for a uniform one. */
  readonly certainty: number;
  /** Probability of each level; sums to 1. */
  readonly probs: readonly number[];
  /** Classic focus metrics of this patch, by name, when asked for (`metrics` option); a metric that failed is absent. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** Whole-image (or whole-slice) verdict. */
export interface FocusResult {
  readonly width: number;
  readonly height: number;
  /** 0-based slice index within its file (0 for single images). */
  readonly slice: number;
  /** Channel, z and frame of the slice (0-based), when the file states its channels, slices and frames. */
  readonly position?: PlanePosition;
  /** Defocus level of the image: read from the certainty-weighted distribution (see core/aggregate.ts). */
  readonly level: number;
  /** Expected level Σ k·p_k of the weighted distribution: a continuous score, lower = sharper. */
  readonly score: number;
  /** Certainty of the weighted distribution itself. */
  readonly certainty: number;
  readonly meanCertainty: number;
  readonly maxCertainty: number;
  /** level ≤ the model card's in-focus threshold. */
  readonly inFocus: boolean;
  /**
   * The answer to report: 'in' or 'out' of focus, or 'uncertain' when the evidence is too weak for either (thresholds
   * from the model card's `verdict`, chosen on validation sources). A confident wrong call is worse than 'uncertain'.
   */
  readonly verdict?: Verdict;
  /** Certainty-weighted mean of the patch distributions. */
  readonly probs: readonly number[];
  readonly patches: readonly PatchScore[];
  /** Milliseconds spent per stage, for reports and benchmarks. */
  readonly timings: Readonly<Record<string, number>>;
  /** The pixel size (µm) the plane was taken to have — the `pixelSize` option, else the file's — when known. */
  readonly pixelSize?: PixelSize;
  /**
   * Size of the plane the model saw when the image was resampled to the model's native pixel size (core/native-scale.ts);
   * patch rectangles are always on the image's own pixel grid.
   */
  readonly resampled?: { readonly width: number; readonly height: number };
  /** Which inference backend produced it ("wasm", "webgl", "webgpu"). */
  readonly backend?: string;
  /** How `level` was read from `probs`: "argmax" or "median" (see core/aggregate.ts). */
  readonly aggregation?: 'median' | 'argmax';
  /** Non-fatal remarks (e.g. every patch had certainty 0, so the distribution is an unweighted mean). */
  readonly warnings?: readonly string[];
  /**
   * Classic focus metrics of the whole image, by name (`plls`, `focus_score`, …; higher = sharper), when asked for with
   * the `metrics` option. A metric that cannot be computed on this image is absent and explained in `warnings`.
   */
  readonly metrics?: Readonly<Record<string, number>>;
}
