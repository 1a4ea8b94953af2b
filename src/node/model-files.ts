/**
 * Node-only: finding and reading the model and its card from disk. The card lives next to the ONNX file:
 * `name.onnx` → `name.card.json`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelError } from '../core/errors.js';
import { parseModelCard, type ModelCard } from '../core/model-card.js';
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

/** `x.onnx` → `x.card.json`. */
export function cardPathFor(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.card.json';
}

export async function readModelCard(cardPath: string): Promise<ModelCard> {
  let text: string;
  try {
    text = await readFile(cardPath, 'utf8');
  } catch (err) {
    throw new ModelError(`cannot read the model card (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); it must sit next to the .onnx file`, { file: cardPath, cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelError(`model card is not valid JSON (${(err as Error).message})`, { file: cardPath, cause: err });
  }
  return parseModelCard(json, cardPath);
}

/** Reads `modelPath` (default: the shipped model) and its card, and opens an ONNX session (wasm). */
export async function loadModelFromDisk(modelPath = defaultModelPath(), options: Omit<LoadModelOptions, 'model' | 'card'> = {}): Promise<FocusModel> {
  const path = resolve(modelPath);
  const card = await readModelCard(cardPathFor(path));
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    throw new ModelError(`cannot read the model (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { file: path, cause: err });
  }
  return loadModel({ name: modelPath, ...options, model: bytes, card });
}
