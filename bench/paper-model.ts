/**
 * The paper's architecture for speed comparisons: build/models/paper-arch.onnx (untrained: its cost does not depend on
 * its weights), exported by the Debian PyTorch that scripts/ensure-system-deps.sh installs when it is missing, plus a
 * card for it (ours, whose I/O contract it shares, with the paper model's own version and no sha256). Never skipped in
 * silence: when it cannot be made, `ensurePaperModel` throws saying why, and the bench fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOnnxMetadata } from '../src/inference/onnx-metadata.js';

export const PYTHON = '/usr/bin/python3';

export function paperModelPath(root: string): string {
  return join(root, 'build', 'models', 'paper-arch.onnx');
}

/** The path of the paper model, exporting it first (~10 s) when it is missing. */
export function ensurePaperModel(root: string): string {
  const path = paperModelPath(root);
  if (existsSync(path)) return path;
  console.log(`building ${path} (untrained paper architecture, for speed only): ${PYTHON} -m training.export_onnx --arch paper --untrained`);
  const r = spawnSync(PYTHON, ['-m', 'training.export_onnx', '--arch', 'paper', '--untrained', '--out', path], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0 || !existsSync(path)) {
    const why = r.error ? r.error.message : (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' / ');
    throw new Error(`cannot build the paper architecture model ${path}: ${why} (needs Debian's python3-torch and python3-onnx: bash scripts/ensure-system-deps.sh)`);
  }
  return path;
}

/** Our card with the paper model's name, file and version, for loading it under the same I/O contract. */
export function paperCard(root: string, path: string): Record<string, unknown> {
  const ours = JSON.parse(readFileSync(join(root, 'models', 'focus-quality.card.json'), 'utf8')) as Record<string, unknown>;
  const meta = readOnnxMetadata(new Uint8Array(readFileSync(path)));
  const { sha256: _drop, ...rest } = ours;
  return { ...rest, name: 'paper-arch', file: 'paper-arch.onnx', version: meta.version ?? String(ours.version) };
}

/** A folder holding paper-arch.onnx (a link) and its card, as the CLI's --model wants them. */
export function paperModelForCli(root: string): string {
  const path = ensurePaperModel(root);
  const dir = mkdtempSync(join(tmpdir(), 'fq-paper-'));
  symlinkSync(path, join(dir, 'paper-arch.onnx'));
  writeFileSync(join(dir, 'paper-arch.card.json'), JSON.stringify(paperCard(root, path)));
  return join(dir, 'paper-arch.onnx');
}
