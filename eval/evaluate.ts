/**
 * `npm run eval`: the shipped model on sources it has never seen (issue 10's protocol), measured through the product's
 * own TypeScript path (file decoding, the card's intensity rule, patch grid, onnxruntime-web, aggregation, verdict).
 *
 * 1. eval/synthesize.py defocuses the in-focus fields of the TEST sources (training/sources.py; never used for
 *    training or any choice) to all 11 levels and writes one stack per field and camera condition;
 * 2. every slice is measured with models/focus-quality.onnx, and PLLS (CellProfiler's) is computed on the same image;
 * 3. within ±1, Spearman, confident wrong and uncertain rates per source, per condition and for the worst source →
 *    reports/evaluation.json and reports/evaluation.md. Real images are measured as they are and reported apart:
 *    other labs' images of documented focus (.devdata/real, training/real_images.py; never used for any choice) and
 *    the real BBBC006 images of the shared data (in distribution).
 *
 * Options: --model PATH --synth DIR (reuse stacks) --per-source N --out DIR --compare OTHER.json (another model's
 * evaluation.json on the same stacks, quoted beside) --split val (a check of this pipeline on validation sources; the
 * report then says so). Needs .devdata/fields (training/fetch_data.py).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { plls } from '../src/core/metrics/plls.js';
import { measureStack } from '../src/core/measure-stack.js';
import { modelMeasurer } from '../src/inference/measure.js';
import { readImageFile } from '../src/node/image-files.js';
import { cardPathFor, loadModelFromDisk, packageRoot, readModelCard } from '../src/node/model-files.js';
import { spearman } from './protocol.js';
import { writeReport, type RealStackRow } from './report.js';
import { summarise, verdictOf, type SourceRecord, type SourceSummary } from './sources.js';

const PYTHON = '/usr/bin/python3';

/** A real z-stack whose makers document the in-focus plane (test/fixtures/images/real-stacks.json). */
interface RealStack { id: string; file: string; what: string; source: string; firstOrder: number; focalOrder: number; stepUm: number }

/** One real image measured as it is; `clear`: its score at least half a level from the in/out boundary. */
interface RealRow { file: string; truth: 'in' | 'out'; level: number; score: number; certainty: number; verdict: string; right: boolean; clear: boolean }

interface Manifest {
  readonly split: string;
  readonly seed: number;
  readonly perSource: number;
  readonly stacks: readonly { file: string; source: string; field: string; condition: string; levels: number; pixelSizeUm: number | null }[];
}

function sharedData(root: string): string | undefined {
  return [join(root, '../shared/data'), join(root, '../../shared/data')].find((d) => existsSync(d));
}

async function main(): Promise<number> {
  const root = packageRoot();
  const { values: a } = parseArgs({
    options: {
      model: { type: 'string', default: join(root, 'models/focus-quality.onnx') },
      synth: { type: 'string' },
      'per-source': { type: 'string', default: '4' },
      // 'val' only to check this pipeline on validation sources; the report's numbers are the test sources'.
      split: { type: 'string', default: 'test' },
      // Another model's results on the same stacks (its evaluation.json), quoted beside this one's.
      compare: { type: 'string' },
      out: { type: 'string', default: join(root, 'reports') },
    },
  });
  const started = Date.now();
  const out = a.out!;
  type Compared = { model: { version: string; sha256: string; verdict?: unknown }; protocol: { seed: number; perSource: number; split?: string }; summary: SourceSummary };
  const compare = a.compare ? (JSON.parse(readFileSync(a.compare, 'utf8')) as Compared) : null;
  // Quoting another model is only fair on the same images: refuse at once rather than leave it out of the report.
  if (compare && (compare.protocol.perSource !== Number(a['per-source']) || (compare.protocol.split ?? 'test') !== a.split)) {
    console.error(`error: --compare ${a.compare}: measured on ${compare.protocol.perSource} field(s) per ${compare.protocol.split ?? 'test'} source, this run ${a['per-source']} per ${a.split} source: not the same images`);
    return 2;
  }
  mkdirSync(out, { recursive: true });
  const card = await readModelCard(cardPathFor(a.model!));
  const model = await loadModelFromDisk(a.model!, { numThreads: 1 });
  let synth = a.synth;
  let temp: string | undefined;
  if (!synth) {
    temp = mkdtempSync(join(tmpdir(), 'fq-eval-'));
    synth = temp;
    console.error(`synthesising the ${a.split} sources' defocus stacks in ${synth} …`);
    execFileSync(PYTHON, [join(root, 'eval/synthesize.py'), '--out', synth, '--per_source', a['per-source']!, '--levels', String(card.levels), '--split', a.split!], { stdio: 'inherit', cwd: root, timeout: 3_600_000 });
  }
  const records: SourceRecord[] = [];
  const real: RealRow[] = [];
  const realOther: RealRow[] = [];
  const realStacks: RealStackRow[] = [];
  // The file's own calibration (ImageJ, OME, resolution tags) gives the pixel size, as the CLI would read it.
  const measureReal = async (path: string, name: string, truth: 'in' | 'out'): Promise<RealRow | null> => {
    const stack = await readImageFile(path);
    if (stack.width < card.patchSize || stack.height < card.patchSize) return null;
    const [r] = (await measureStack(modelMeasurer(model), stack)).results;
    const verdict = verdictOf(r!, card);
    return { file: name, truth, level: r!.level, score: r!.score, certainty: r!.certainty, verdict, right: verdict === truth,
      clear: Math.abs(r!.score - (card.inFocusMaxLevel + 0.5)) >= 0.5 };
  };
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(synth, 'manifest.json'), 'utf8')) as Manifest;
    if (manifest.split !== a.split) throw new Error(`${synth}: stacks of the ${manifest.split} split, not the ${a.split} sources asked for`);
    if (manifest.stacks.some((s) => s.levels !== card.levels)) throw new Error(`${synth}: stacks of another level count than the card's ${card.levels}`);
    if (compare && compare.protocol.seed !== manifest.seed) throw new Error(`--compare ${a.compare}: its stacks were made with seed ${compare.protocol.seed}, these with ${manifest.seed}: not the same images`);
    for (const [i, s] of manifest.stacks.entries()) {
      const stack = await readImageFile(join(synth, s.file));
      // The pixel-size conditions give the camera's pixel size, so the product resamples to the card's (core/native-scale.ts).
      const pixelSize = s.pixelSizeUm ? { x: s.pixelSizeUm, y: s.pixelSizeUm } : undefined;
      const { results } = await measureStack(modelMeasurer(model), stack, { slices: 'all', ...(pixelSize ? { pixelSize } : {}) });
      results.forEach((r, level) => {
        records.push({ source: s.source, field: s.field, condition: s.condition, truth: level, level: r.level, score: r.score,
          certainty: r.certainty, verdict: verdictOf(r, card), plls: plls(stack.slices[level]!) });
      });
      if ((i + 1) % 20 === 0) console.error(`  ${i + 1}/${manifest.stacks.length} stacks measured`);
    }
    const otherIndex = join(root, '.devdata/real/index.json');
    if (!existsSync(otherIndex)) {
      // Built from the repository snapshots like the fields; without them the report says these were not measured.
      try {
        execFileSync(PYTHON, ['-m', 'training.real_images'], { stdio: 'inherit', cwd: root, timeout: 600_000 });
      } catch {
        /* its own one-line error is on stderr */
      }
    }
    if (existsSync(otherIndex)) {
      for (const o of JSON.parse(readFileSync(otherIndex, 'utf8')) as { id: string; truth: 'in' | 'out'; file: string }[]) {
        const row = await measureReal(join(root, o.file), o.id, o.truth);
        if (row) realOther.push(row);
      }
    } else {
      console.error(`${otherIndex}: missing, so no real images of other labs are measured (python3 -m training.real_images)`);
    }
    // Real z-stacks of documented focus, in the repository: the plane `--slices best` picks against the makers' plane.
    for (const st of JSON.parse(readFileSync(join(root, 'test/fixtures/images/real-stacks.json'), 'utf8')) as RealStack[]) {
      const { results, best } = await measureStack(modelMeasurer(model), await readImageFile(join(root, 'test/fixtures/images', st.file)), { slices: 'all' });
      const picked = st.firstOrder + best.slice;
      realStacks.push({ id: st.id, what: st.what, source: st.source, planes: results.length, stepUm: st.stepUm, focalOrder: st.focalOrder, pickedOrder: picked,
        offsetPlanes: picked - st.focalOrder, scores: results.map((r) => Number(r.score.toFixed(3))) });
    }
    const shared = sharedData(root);
    if (shared) {
      for (const [dir, truth] of [['bbbc006-in-focus', 'in'], ['mcf7-defocused', 'out']] as const) {
        for (const f of readdirSync(join(shared, dir)).filter((n) => /\.tiff?$/i.test(n)).sort()) {
          const row = await measureReal(join(shared, dir, f), f, truth);
          if (row) real.push(row);
        }
      }
    }
  } finally {
    await model.dispose();
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
  const summary = summarise(records, card.inFocusMaxLevel);
  // PLLS ranks images within a source (its scale depends on content), so it is compared with our score per source.
  const typical = records.filter((r) => r.condition === 'typical');
  const perSource = (score: (r: SourceRecord) => number): Record<string, number> =>
    Object.fromEntries(summary.sources.map((src) => {
      const rs = typical.filter((r) => r.source === src);
      return [src, spearman(rs.map(score), rs.map((r) => r.truth))];
    }));
  const plLs = { spearmanTypical: spearman(typical.map((r) => -r.plls!), typical.map((r) => r.truth)),
    oursSpearmanTypical: spearman(typical.map((r) => r.score), typical.map((r) => r.truth)),
    perSource: perSource((r) => -r.plls!), oursPerSource: perSource((r) => r.score) };
  const bytes = readFileSync(a.model!);
  const result = {
    generatedAt: new Date().toISOString(),
    model: { file: a.model!.replace(`${root}/`, ''), version: card.version, sha256: createHash('sha256').update(bytes).digest('hex'),
      aggregation: card.aggregation, verdict: card.verdict ?? null, scaling: card.scaling?.['rule'] ?? null },
    protocol: { split: manifest!.split, seed: manifest!.seed, perSource: manifest!.perSource,
      pixelSizes: [...new Set(manifest!.stacks.map((s) => s.pixelSizeUm).filter((p): p is number => p !== null))], nativePixelSizeUm: card.pixelSizeUm ?? null },
    summary,
    plls: plLs,
    realOther: { what: 'real images of other labs whose focus their makers documented (training/DATA.md, "Real images of other labs"; never used for any choice)', rows: realOther },
    real: { what: 'the 22 real BBBC006 images of the shared data: the training plate (in distribution; 4 in-focus fields are training fields)', rows: real },
    realStacks: { what: 'real z-stacks of other labs whose in-focus plane their makers document (test/fixtures/images/README.md; never used for any choice)', rows: realStacks },
    compare,
    wallSeconds: (Date.now() - started) / 1000,
    records,
  };
  const round = (_: string, v: unknown): unknown => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(5)) : v);
  writeFileSync(join(out, 'evaluation.json'), JSON.stringify(result, round));
  writeFileSync(join(out, 'evaluation.md'), writeReport(result));
  console.error(`wrote ${join(out, 'evaluation.md')} (${result.wallSeconds.toFixed(0)} s): within ±1 ${summary.all.within1.toFixed(3)}, worst source ${summary.worstSource.within1.toFixed(3)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
    process.exit(1);
  },
);
