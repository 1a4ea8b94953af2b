/**
 * The library API in Node: `createFocusQuality` of src/api.ts with what Node needs injected — the model files read from
 * disk (the package's shipped model by default) and the model run in the calling thread (Node has no Web Worker).
 *
 * @example
 *   import { createFocusQuality } from 'focus-quality/node';
 *   const fq = createFocusQuality();
 *   const m = await fq.measure({ data, width: 696, height: 520, bitDepth: 16 });
 */
import { pathToFileURL } from 'node:url';
import { createFocusQuality as createUniversal, type FocusQuality, type FocusQualityOptions } from '../api.js';
import { defaultModelPath, readFileBytes } from './model-files.js';

export function createFocusQuality(options: FocusQualityOptions = {}): FocusQuality {
  return createUniversal({ worker: false, readBytes: readFileBytes, ...options, modelUrl: options.modelUrl ?? pathToFileURL(defaultModelPath()).href });
}
