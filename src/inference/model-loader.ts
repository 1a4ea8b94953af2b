/**
 * The one way a model gets loaded, in every host: read the card and the ONNX bytes through a byte-reading adapter
 * (`fetchBytes` in browsers and workers; Node's fs, injected by the Node entry in src/node/), check the bytes against
 * the card (its sha256, and the metadata_props training/export_onnx.py writes into the ONNX file), then open a session
 * on the best backend (backend.ts). The card sits next to the model: `name.onnx` → `name.card.json` (`cardUrlFor`);
 * WebGL runs the fixed-batch copy written at export next to it, `name.b64.onnx` with its own card.
 *
 * @example
 *   const { model, report } = await openModel({ modelUrl: 'https://host/models/focus-quality.onnx', ortUrl: 'https://host/ort/' });
 */
import { ModelError } from '../core/errors.js';
import { cardUrlFor, fixedBatchUrlFor, parseModelCard, type ModelCard } from '../core/model-card.js';
import { chooseBackend } from './backend.js';
import { readOnnxMetadata } from './onnx-metadata.js';
import { fixedBatchOf, loadModel, type FocusModel } from './session.js';
import { sha256Hex } from './sha256.js';
import type { BackendName, BackendPreference, BackendReport } from './worker-protocol.js';

/** Reads all bytes at a location (a URL, or whatever the injected reader understands, e.g. a file path in Node). */
export type ReadBytes = (location: string) => Promise<Uint8Array>;

/** `fetch` as a ReadBytes: an HTTP error status is a failure, as is a `file:` URL (browsers cannot read those). */
export const fetchBytes: ReadBytes = async (url) => {
  if (url.startsWith('file:')) throw new Error("file: URLs cannot be fetched; in Node use createFocusQuality from 'focus-quality/node', which reads files");
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  return new Uint8Array(await response.arrayBuffer());
};

/** onnxruntime-web's binary per backend: WebGPU needs the JSEP build, plain wasm the smaller one; WebGL needs none. */
export function wasmFileFor(backend: BackendName): string {
  return backend === 'webgpu' ? 'ort-wasm-simd-threaded.jsep.wasm' : 'ort-wasm-simd-threaded.wasm';
}

async function readOrFail(read: ReadBytes, location: string, what: string, hint = ''): Promise<Uint8Array> {
  try {
    return await read(location);
  } catch (err) {
    throw new ModelError(`cannot read the ${what} (${err instanceof Error ? err.message : String(err)})${hint}`, { file: location, cause: err });
  }
}

/** Parses card bytes (UTF-8 JSON) into a checked ModelCard; `location` names it in errors. */
export function parseCardBytes(bytes: Uint8Array, location: string): ModelCard {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new ModelError(`model card is not valid JSON (${(err as Error).message})`, { file: location, cause: err });
  }
  return parseModelCard(json, location);
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
}

/**
 * Checks ONNX bytes against their card: the card's `sha256` (when it has one) must be the bytes' digest, and every
 * metadata_props entry whose key is also a card field (patchSize, levels, inFocusMaxLevel, version, scaling, …) must
 * say the same as the card (numbers compared as numbers, objects as JSON). Metadata keys the card lacks, and card
 * fields the metadata lacks, are not compared: older or hand-made models carry no metadata.
 */
export function checkModelAgainstCard(bytes: Uint8Array, card: ModelCard, location: string): void {
  if (card.sha256 !== undefined) {
    const actual = sha256Hex(bytes);
    if (actual !== card.sha256.toLowerCase()) {
      throw new ModelError(`the model's sha256 is ${actual}, its card says ${card.sha256}: the card belongs to another model file (re-export both together)`, { file: location });
    }
  }
  let metadata: Record<string, string>;
  try {
    metadata = readOnnxMetadata(bytes);
  } catch (err) {
    throw new ModelError(`not an ONNX model: ${(err as Error).message}`, { file: location, cause: err });
  }
  const fields = card as unknown as Record<string, unknown>;
  for (const [key, text] of Object.entries(metadata)) {
    const want = fields[key];
    if (want === undefined) continue;
    let same: boolean;
    if (typeof want === 'number') same = text.trim() !== '' && Number(text) === want;
    else if (typeof want === 'string') same = text === want;
    else {
      try {
        same = sameJson(JSON.parse(text), want);
      } catch {
        same = false;
      }
    }
    if (!same) throw new ModelError(`the model's metadata says ${key} = ${text}, its card says ${JSON.stringify(want)}: model and card do not belong together`, { file: location });
  }
}

/** Reads and checks a model card. */
export async function readCard(read: ReadBytes, cardUrl: string): Promise<ModelCard> {
  return parseCardBytes(await readOrFail(read, cardUrl, 'model card', '; it must sit next to the .onnx file, named like it with .card.json'), cardUrl);
}

/** Reads and checks a model and its card; nothing is opened yet. */
export async function readModelFiles(read: ReadBytes, modelUrl: string, cardUrl = cardUrlFor(modelUrl)): Promise<{ card: ModelCard; bytes: Uint8Array }> {
  const card = await readCard(read, cardUrl);
  const bytes = await readOrFail(read, modelUrl, 'model');
  checkModelAgainstCard(bytes, card, modelUrl);
  return { card, bytes };
}

export interface OpenModelOptions {
  /** The ONNX model: a URL (absolute; workers have their own base) or whatever `read` understands. */
  readonly modelUrl: string;
  /** Its card; default `cardUrlFor(modelUrl)`. */
  readonly cardUrl?: string | undefined;
  /** How bytes are read; default `fetchBytes`. */
  readonly read?: ReadBytes | undefined;
  /** Default `auto`: a real GPU when there is one and it is faster, else wasm. */
  readonly backend?: BackendPreference | undefined;
  /** wasm threads; default: onnxruntime-web's own choice. */
  readonly numThreads?: number | undefined;
  /** Folder of onnxruntime-web's .wasm files, ending in "/"; default: where onnxruntime-web looks itself. */
  readonly ortUrl?: string | undefined;
}

/**
 * The batch of the copy the export writes for WebGL (`training/export_onnx.py --fixed_batch 64`): the default
 * `batchSize`, so default measurements fill every batch.
 */
export const WEBGL_BATCH = 64;

/**
 * The fixed-batch copy of a dynamic-batch model, for WebGL: read and checked like any model, and refused when its card
 * says it was made from another model than `card` describes (a stale copy left next to a re-exported model).
 */
async function readFixedBatchCopy(read: ReadBytes, modelUrl: string, card: ModelCard): Promise<{ url: string; card: ModelCard; bytes: Uint8Array }> {
  const url = fixedBatchUrlFor(modelUrl, WEBGL_BATCH);
  const copy = await readModelFiles(read, url);
  const origin = copy.card.fixedBatchOf?.sha256;
  if (origin !== undefined && card.sha256 !== undefined && origin.toLowerCase() !== card.sha256.toLowerCase()) {
    throw new ModelError(`this fixed-batch copy was made from a model with sha256 ${origin}, not from ${card.sha256}: re-export it`, { file: url });
  }
  return { url, ...copy };
}

/** Reads, checks and opens a model; the report says which backend runs it and why (see backend.ts). */
export async function openModel(options: OpenModelOptions): Promise<{ model: FocusModel; report: BackendReport }> {
  const { modelUrl, ortUrl, numThreads } = options;
  const read = options.read ?? fetchBytes;
  const { card, bytes } = await readModelFiles(read, modelUrl, options.cardUrl ?? cardUrlFor(modelUrl));
  return chooseBackend(options.backend ?? 'auto', card, async (backend) => {
    // WebGL cannot run a symbolic batch: it gets the fixed-batch copy written at export, read only when WebGL is tried.
    const use = backend === 'webgl' && fixedBatchOf(card) === undefined ? await readFixedBatchCopy(read, modelUrl, card) : { url: modelUrl, card, bytes };
    return loadModel({
      model: use.bytes,
      card: use.card,
      backend,
      name: use.url,
      ...(numThreads === undefined ? {} : { numThreads }),
      ...(ortUrl ? { wasmPaths: { wasm: new URL(wasmFileFor(backend), ortUrl).href } } : {}),
    });
  });
}
