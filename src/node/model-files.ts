/**
 * Node-only: the model and its card on disk. Reading goes through the one loader (inference/model-loader.ts) with
 * Node's fs as its byte reader, so the card sits next to the ONNX file (`name.onnx` → `name.card.json`) and both are
 * checked against each other (sha256, ONNX metadata) exactly as in a browser.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelError } from '../core/errors.js';
import { cardUrlFor, type ModelCard } from '../core/model-card.js';
import { readCard, readModelFiles, type ReadBytes } from '../inference/model-loader.js';
import { loadModel, type FocusModel, type LoadModelOptions } from '../inference/session.js';

/** The folder holding this package's package.json, found by walking up from this file (works from build/ and src/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'focus-quality') return dir;
      } catch {
        // an unreadable package.json on the way up is not ours; keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new ModelError('cannot find the focus-quality package root (no package.json named "focus-quality" above the code)');
    dir = up;
  }
}

export function defaultModelPath(): string {
  return join(packageRoot(), 'models', 'focus-quality.onnx');
}

/** `x.onnx` → `x.card.json` (the loader's one rule, `cardUrlFor`). */
export const cardPathFor = (modelPath: string): string => cardUrlFor(modelPath);

/** Node's fs as the loader's byte reader: a path or a `file:` URL; a failure says its errno code (ENOENT, EACCES …). */
export const readFileBytes: ReadBytes = async (location) => {
  try {
    const b = await readFile(location.startsWith('file:') ? new URL(location) : location);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (err) {
    throw new Error((err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
};

export function readModelCard(cardPath: string): Promise<ModelCard> {
  return readCard(readFileBytes, cardPath);
}

/** Reads `modelPath` (default: the shipped model) and its card, checks them, and opens an ONNX session (wasm). */
export async function loadModelFromDisk(modelPath = defaultModelPath(), options: Omit<LoadModelOptions, 'model' | 'card'> = {}): Promise<FocusModel> {
  const { card, bytes } = await readModelFiles(readFileBytes, resolve(modelPath));
  return loadModel({ name: modelPath, ...options, model: bytes, card });
}
