/**
 * Mutation fuzz test of the decoders (issue 12): real TIFF and PNG files — the committed fixtures, every codec variant
 * test/io writes, the crafted hostile files — mutated by a seeded generator (mutate.ts) and decoded one by one in a
 * worker thread under the per-file budget. Every case must end, within the budget, as a decoded stack or as an
 * ImageFormatError/ImageContentError; the thread must not die (a V8 abort, a heap limit) and the process must stay
 * far below a GB. A failing case is printed with its seed and number, and how to rerun just that case.
 *
 *   FQ_FUZZ_SEED=7 FQ_FUZZ_CASES=20000 FQ_FUZZ_SECONDS=600 node --test build/test/fuzz/decode-fuzz.test.js
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { encode } from 'fast-png';
import { DEFOCUSED_DIR, IN_FOCUS_DIR, PYTHON, REPO, readBytes, runTool, tempDir } from '../io/fixtures.js';
import { deflateBombTiff, ifdLoopTiff, lzwBombTiff, pageFloodTiff } from '../io/hostile.js';
import type { FuzzJob, FuzzReport } from './fuzz-worker.js';

const SEED = Number(process.env.FQ_FUZZ_SEED ?? 20261129);
const FROM = Number(process.env.FQ_FUZZ_FROM ?? 0);
const CASES = Number(process.env.FQ_FUZZ_CASES ?? 5000);
const SECONDS = Number(process.env.FQ_FUZZ_SECONDS ?? 100);
/** A case may take this long before it counts as hung (the decoder's own budget, 5 s here, plus slack for a busy machine). */
const HANG_MS = 15_000;
const MAX_RSS_MB = 1024;
const ALLOWED = new Set(['decoded', 'error:ImageFormatError', 'error:ImageContentError']);

function seeds(): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  const add = (name: string, bytes: Uint8Array): void => void out.push({ name, bytes });
  for (const f of ['crop_100x100.tif', 'BBBC006_a05_s1_w1_z10.tif']) add(f, readBytes(join(IN_FOCUS_DIR, f)));
  add('mcf7_i07_s2_w1.tif', readBytes(join(DEFOCUSED_DIR, 'mcf7_i07_s2_w1.tif')));
  add('in-focus_bbbc006_a05_crop.png', readBytes(join(REPO, 'samples', 'in-focus_bbbc006_a05_crop.png')));
  const codec = tempDir('fuzz-codec');
  const source = join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif');
  runTool(PYTHON, [join(REPO, 'test', 'io', 'make_codec_tiffs.py'), source, codec]);
  runTool(PYTHON, [join(REPO, 'test', 'io', 'make_tiffs.py'), source, codec]);
  for (const f of readdirSync(codec).filter((f) => f.endsWith('.tif')).sort()) add(f, readBytes(join(codec, f)));
  const gray = Uint8Array.from({ length: 96 * 90 }, (_, i) => (i * 31) & 255);
  add('gray8.png', encode({ width: 96, height: 90, data: gray, depth: 8, channels: 1 }));
  add('gray16.png', encode({ width: 90, height: 96, data: Uint16Array.from(gray, (v) => v * 257), depth: 16, channels: 1 }));
  add('rgba8.png', encode({ width: 90, height: 90, data: Uint8Array.from({ length: 90 * 90 * 4 }, (_, i) => (i * 7) & 255), depth: 8, channels: 4 }));
  add('ifd-loop.tif', ifdLoopTiff('back'));
  add('lzw-bomb.tif', lzwBombTiff());
  add('deflate-bomb.tif', deflateBombTiff());
  add('page-flood.tif', pageFloodTiff(2000));
  return out;
}

describe('decoder mutation fuzz (seeded)', { timeout: 30 * 60_000 }, () => {
  let inputs: { name: string; bytes: Uint8Array }[];
  before(() => {
    inputs = seeds();
  });

  it(`decodes or refuses ${CASES} mutated TIFF/PNG files of seed ${SEED}, each within its budget, in bounded memory`, async () => {
    const job: FuzzJob = { seeds: inputs, seed: SEED, from: FROM, to: FROM + CASES, until: Date.now() + SECONDS * 1000 };
    const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), { workerData: job, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    const t0 = Date.now();
    const outcomes = new Map<string, number>();
    const failures: string[] = [];
    let current: { k: number; what: string; since: number } | undefined;
    let slowest = { ms: 0, what: '' };
    let peakRss = 0;
    let cases = 0;
    const rerun = (k: number): string => `rerun with FQ_FUZZ_SEED=${SEED} FQ_FUZZ_FROM=${k} FQ_FUZZ_CASES=1`;
    await new Promise<void>((resolve) => {
      const watchdog = setInterval(() => {
        if (current && Date.now() - current.since > HANG_MS) {
          failures.push(`seed ${SEED} case ${current.k} (${current.what}) still decoding after ${HANG_MS / 1000} s; ${rerun(current.k)}`);
          clearInterval(watchdog);
          void worker.terminate();
        }
      }, 500);
      worker.on('message', (m: FuzzReport) => {
        if (m.type === 'start') current = { k: m.k, what: m.what, since: Date.now() };
        else if (m.type === 'done') {
          cases++;
          outcomes.set(m.outcome, (outcomes.get(m.outcome) ?? 0) + 1);
          peakRss = Math.max(peakRss, m.rssMb);
          if (m.ms > slowest.ms) slowest = { ms: m.ms, what: `case ${m.k} (${current?.what})` };
          if (!ALLOWED.has(m.outcome)) failures.push(`seed ${SEED} case ${m.k} (${current?.what}): ${m.outcome}; ${rerun(m.k)}`);
          if (m.rssMb > MAX_RSS_MB) failures.push(`seed ${SEED} case ${m.k} (${current?.what}): resident memory ${m.rssMb.toFixed(0)} MB; ${rerun(m.k)}`);
          current = undefined;
        }
      });
      const finish = (why?: string): void => {
        clearInterval(watchdog);
        if (why) failures.push(current ? `seed ${SEED} case ${current.k} (${current.what}): ${why}; ${rerun(current.k)}` : `seed ${SEED}, after ${cases} cases: ${why}`);
        resolve();
      };
      worker.on('error', (err) => finish(`the decoding thread crashed (${err.message})`));
      worker.on('exit', (code) => finish(code === 0 || failures.length ? undefined : `the decoding thread stopped (exit code ${code})`));
    });
    const seconds = (Date.now() - t0) / 1000;
    console.log(`fuzz: seed ${SEED}, ${cases} cases from ${inputs.length} files in ${seconds.toFixed(1)} s; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}; slowest ${slowest.ms.toFixed(0)} ms (${slowest.what}); peak RSS ${peakRss.toFixed(0)} MB`);
    assert.deepEqual(failures, []);
    assert.ok(cases >= Math.min(CASES, 500), `only ${cases} cases ran within ${SECONDS} s`);
  });
});
