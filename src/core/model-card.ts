/**
 * The machine-readable model card (`models/*.card.json`) written by `training/evaluate.py`.
 * Code reads patch size, level count and the in-focus threshold from here instead of hard-coding them.
 */
import { ModelError } from './errors.js';

export interface TensorSpec {
  readonly name: string;
  /** -1 (or a string such as "N") marks the dynamic batch dimension. */
  readonly shape: readonly (number | string)[];
  readonly dtype: 'float32';
}

export interface ModelCard {
  readonly schema: 'focus-quality-model-card/1';
  readonly name: string;
  readonly version: string;
  /** ONNX file name, relative to the card. */
  readonly file: string;
  readonly sha256?: string;
  readonly input: TensorSpec;
  readonly output: TensorSpec;
  /** Side of the square patch in pixels (84 in the paper). */
  readonly patchSize: number;
  /** Number of ordered defocus levels (11 in the paper). */
  readonly levels: number;
  /** Highest level still counted as in focus (2 in the paper: levels 0–2). */
  readonly inFocusMaxLevel: number;
  /** Human-readable scaling rule; the code's rule lives in core/scaling.ts and must match. */
  readonly scaling?: Readonly<Record<string, string | number>>;
  readonly metrics?: Readonly<Record<string, unknown>>;
  readonly training?: Readonly<Record<string, unknown>>;
  readonly licence?: string;
  /** How to read the image level from the aggregated distribution (see core/aggregate.ts); absent = "argmax". */
  readonly aggregation?: Aggregation;
  /**
   * The model's native pixel size in µm (the pixel size its training defocus was simulated at). Images whose pixel size
   * is known are resampled to it before patches are cut; absent = no resampling.
   */
  readonly pixelSizeUm?: number;
  /** When a result is 'uncertain' rather than 'in'/'out' (thresholds chosen on validation sources, never test sources). */
  readonly verdict?: VerdictRule;
  /** For a fixed-batch copy (written for WebGL at export): the dynamic-batch model it was made from. */
  readonly fixedBatchOf?: { readonly file: string; readonly sha256?: string };
}

/**
 * A result is 'uncertain' when its aggregated certainty is below `minCertainty`, or when its score lies within
 * `minMargin + certaintyMargin / certainty` levels of the in/out boundary (inFocusMaxLevel + 0.5). Absent fields do not
 * apply. `certaintyMargin` makes a less certain image stand further from the boundary before it is called: a dim image
 * whose distribution spreads over several out-of-focus levels has a low certainty yet a clear side (issue 10).
 */
export interface VerdictRule {
  readonly minCertainty?: number;
  readonly minMargin?: number;
  readonly certaintyMargin?: number;
}

/** Reading of a distribution's level: its most probable level, or its median (smallest k with P(level ≤ k) ≥ ½). */
export type Aggregation = 'median' | 'argmax';
export const AGGREGATIONS: readonly Aggregation[] = ['median', 'argmax'];

function fail(what: string, source: string): never {
  throw new ModelError(`model card is invalid: ${what}`, { file: source });
}

const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Checks a parsed card against the I/O contract (`[N,1,P,P]` in, `[N,levels]` out) and returns it typed. */
export function parseModelCard(json: unknown, source = 'model card'): ModelCard {
  if (typeof json !== 'object' || json === null) fail('not a JSON object', source);
  const c = json as Record<string, unknown>;
  if (c.schema !== 'focus-quality-model-card/1') fail(`unknown schema ${JSON.stringify(c.schema)}`, source);
  if (typeof c.file !== 'string' || !c.file) fail('"file" missing', source);
  if (!positiveInt(c.patchSize)) fail('"patchSize" must be a positive integer', source);
  if (!positiveInt(c.levels) || c.levels < 2) fail('"levels" must be an integer ≥ 2', source);
  if (typeof c.inFocusMaxLevel !== 'number' || !Number.isInteger(c.inFocusMaxLevel) || c.inFocusMaxLevel < 0 || c.inFocusMaxLevel >= c.levels) {
    fail('"inFocusMaxLevel" must be an integer level', source);
  }
  const input = c.input as TensorSpec | undefined;
  const output = c.output as TensorSpec | undefined;
  if (!input || typeof input.name !== 'string' || !Array.isArray(input.shape) || input.shape.length !== 4) fail('"input" must be a 4-D tensor spec', source);
  if (input.shape[1] !== 1 || input.shape[2] !== c.patchSize || input.shape[3] !== c.patchSize) {
    fail(`input shape ${JSON.stringify(input.shape)} does not match [N,1,${c.patchSize},${c.patchSize}]`, source);
  }
  if (!output || typeof output.name !== 'string' || !Array.isArray(output.shape) || output.shape.length !== 2 || output.shape[1] !== c.levels) {
    fail(`"output" must be [N,${c.levels}]`, source);
  }
  if (c.verdict !== undefined) {
    const v = c.verdict as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('"verdict" must be an object {minCertainty?, minMargin?, certaintyMargin?}', source);
    const { minCertainty, minMargin, certaintyMargin } = v;
    if (minCertainty !== undefined && !(typeof minCertainty === 'number' && minCertainty >= 0 && minCertainty <= 1)) fail('"verdict.minCertainty" must be a number from 0 to 1', source);
    if (minMargin !== undefined && !(typeof minMargin === 'number' && minMargin >= 0 && Number.isFinite(minMargin))) fail('"verdict.minMargin" must be a number ≥ 0 (levels)', source);
    if (certaintyMargin !== undefined && !(typeof certaintyMargin === 'number' && certaintyMargin >= 0 && Number.isFinite(certaintyMargin))) fail('"verdict.certaintyMargin" must be a number ≥ 0 (levels × certainty)', source);
  }
  if (c.pixelSizeUm !== undefined && !(typeof c.pixelSizeUm === 'number' && c.pixelSizeUm > 0 && Number.isFinite(c.pixelSizeUm))) fail('"pixelSizeUm" must be a positive number (µm)', source);
  if (c.aggregation !== undefined && !AGGREGATIONS.includes(c.aggregation as Aggregation)) {
    fail(`"aggregation" must be one of ${AGGREGATIONS.join(', ')}, got ${JSON.stringify(c.aggregation)}`, source);
  }
  return c as unknown as ModelCard;
}

/**
 * Where the card of a model lives, the one rule for every host: `x.onnx` → `x.card.json` next to it (a URL's query or
 * fragment is kept); a model file named otherwise gets `.card.json` appended. Works on URLs and file paths alike.
 */
export function cardUrlFor(modelUrl: string): string {
  const [, head = modelUrl, tail = ''] = /^([^?#]*)(.*)$/s.exec(modelUrl) ?? [];
  return `${head.replace(/\.onnx$/i, '')}.card.json${tail}`;
}

/**
 * Where the fixed-batch copy of a model lives (training/export_onnx.py `--fixed_batch N` writes it next to the model):
 * `x.onnx` → `x.bN.onnx`, its card `x.bN.card.json` (`cardUrlFor`). A URL's query or fragment is kept.
 */
export function fixedBatchUrlFor(modelUrl: string, batch: number): string {
  const [, head = modelUrl, tail = ''] = /^([^?#]*)(.*)$/s.exec(modelUrl) ?? [];
  return `${head.replace(/\.onnx$/i, '')}.b${batch}.onnx${tail}`;
}
