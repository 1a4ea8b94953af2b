/**
 * Runs one macro in a fresh ImageJ in batch mode (`ij.jar -batch`) under its own Xvfb and returns what the macro wrote
 * to the output file whose path it receives as `fq_out`. A macro error opens a dialog and hangs: the timeout is a failure.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IJ_JAR } from './live-imagej.js';

export async function runBatchMacro(code: string, timeoutS = 30): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'fq-ijbatch-'));
  try {
    const file = join(dir, 'm.ijm');
    const out = join(dir, 'out.txt');
    writeFileSync(file, `fq_out = "${out}";\n${code}`);
    await new Promise<void>((resolve, reject) => {
      execFile('timeout', [String(timeoutS), 'xvfb-run', '-a', 'java', '-jar', IJ_JAR, '-batch', file], { cwd: dir }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`ImageJ -batch failed (${(err as { code?: unknown }).code === 124 ? 'timed out: a macro error?' : err.message}) ${stderr}`));
        else resolve();
      });
    });
    return readFileSync(out, 'latin1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Macro source of a function `fq_enc(s)` that writes a string as its UTF-16 code units ("97.98."), immune to file charsets. */
export const ENC_FUNCTION = 'function fq_enc(s) { r = ""; for (i = 0; i < lengthOf(s); i++) r = r + charCodeAt(s, i) + "."; return r; }\n';

/** Inverse of `fq_enc`. */
export function decodeCodes(codes: string): string {
  return String.fromCharCode(...codes.split('.').filter((c) => c !== '').map(Number));
}
