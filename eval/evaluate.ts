/**
 * `npm run eval`: the paper's evaluation protocol for our model, the paper architecture (when a trained one is
 * available) and every classic metric, on synthetic defocus stacks of held-out fields and on the real images.
 * Writes reports/evaluation.md, reports/evaluation.json and PNG plots (via eval/plots.py, matplotlib).
 *
 * Options: --model PATH (default models/focus-quality.onnx) --paper-model PATH (default models/paper-arch.onnx)
 *          --synth DIR (reuse stacks from eval/synthesize.py) --draws N --splits N --seed N --out DIR --no-plots
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { readModelCard, cardPathFor, packageRoot } from '../src/node/model-files.js';
import { binaryProtocol, levelProtocol, robustnessProtocol, type MeasuredSample, type ProtocolOptions } from './analyse.js';
import { metricMethods, modelMethod, type Measurement, type Method } from './methods.js';
import { writeReport, type TrainingRuns } from './report.js';
import { realSamples, syntheticSamples, type Sample } from './samples.js';

const PYTHON = '/usr/bin/python3';

/**
 * The training pipeline's own GPU-run numbers (its synthetic protocol), the only measurement of a *trained* paper
 * architecture when its 116 MB ONNX cannot be shipped here. Quoted in the report with their source, never mixed
 * into this run's tables. Missing or unreadable file → undefined.
 */
function readTrainingRuns(path: string, root: string): TrainingRuns | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as { models?: Record<string, Record<string, unknown>> };
    const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
    const runs = Object.entries(json.models ?? {}).map(([name, m]) => {
      const syn = (m['synthetic'] ?? {}) as Record<string, Record<string, unknown> | undefined>;
      const median = syn['imageMedian'] ?? {};
      const binary = ((syn['binaryOutOfFocus'] ?? {})['model'] ?? {}) as Record<string, unknown>;
      return {
        name, arch: String(m['arch'] ?? '?'), parameters: num(m['parameters']), steps: num(m['steps']),
        images: num((syn as Record<string, unknown>)['images']), exact: num(median['exact']), withinOne: num(median['within1']),
        spearman: num((syn as Record<string, unknown>)['imageSpearman']), patchF: num(binary['F']),
      };
    });
    return { source: relative(root, path), runs };
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const root = packageRoot();
  const { values: a } = parseArgs({
    options: {
      model: { type: 'string', default: join(root, 'models/focus-quality.onnx') },
      'paper-model': { type: 'string', default: join(root, 'models/paper-arch.onnx') },
      'paper-metrics': { type: 'string', default: join(root, 'training/results/gpu_metrics.json') },
      synth: { type: 'string' },
      draws: { type: 'string', default: '3' },
      splits: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: join(root, 'reports') },
      'no-plots': { type: 'boolean', default: false },
    },
  });
  const out = a.out!;
  mkdirSync(out, { recursive: true });
  const started = Date.now();

  // The in-focus threshold and level count come from our model's card; the paper's values when there is no model.
  let levelCount = 11;
  let inFocusMaxLevel = 2;
  let trainedOn: string[] = [];
  if (existsSync(cardPathFor(a.model!))) {
    const card = await readModelCard(cardPathFor(a.model!));
    levelCount = card.levels;
    inFocusMaxLevel = card.inFocusMaxLevel;
    const listed = card.training?.['realImages'];
    if (Array.isArray(listed)) trainedOn = listed.filter((f): f is string => typeof f === 'string');
  }

  const methods: Method[] = [];
  const unavailable: { name: string; reason: string }[] = [];
  for (const [name, path, what] of [
    ['ours', a.model!, 'our model'],
    ['paper-arch', a['paper-model']!, 'paper architecture (Yang et al. 2018), trained by training/'],
  ] as const) {
    const m = await modelMethod(name, path, what);
    if (typeof m === 'string') {
      // The trained paper architecture (116 MB) cannot ship; training/evaluate.py may have measured it elsewhere.
      const hint = name === 'paper-arch' && existsSync(a['paper-metrics']!) ? '; its trained version was measured by the training pipeline only (table below)' : '';
      unavailable.push({ name, reason: m.split(`${root}/`).join('') + hint });
    }
    else methods.push(m);
  }
  methods.push(...metricMethods());

  let synthDir = a.synth;
  let tempDir: string | undefined;
  if (!synthDir) {
    tempDir = mkdtempSync(join(tmpdir(), 'fq-eval-'));
    synthDir = tempDir;
    console.error(`synthesising defocus stacks in ${synthDir} …`);
    execFileSync(PYTHON, [join(root, 'eval/synthesize.py'), '--out', synthDir, '--draws', a.draws!], { stdio: 'inherit', timeout: 600_000 });
  }

  const measured: MeasuredSample[] = [];
  const measureAll = async (source: AsyncGenerator<Sample>): Promise<void> => {
    for await (const sample of source) {
      const by: Record<string, Measurement> = {};
      for (const m of methods) by[m.name] = await m.measure(sample.image);
      const { image: _image, ...info } = sample;
      measured.push({ info, by });
      if (measured.length % 50 === 0) console.error(`  ${measured.length} images measured`);
    }
  };
  try {
    await measureAll(syntheticSamples(synthDir, inFocusMaxLevel));
    await measureAll(realSamples(join(root, '../shared/data'), trainedOn));
  } finally {
    for (const m of methods) await m.dispose();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }

  const opts: ProtocolOptions = { levelCount, fitShare: 0.1, splits: Number(a.splits), seed: Number(a.seed) };
  const protocol = measured.filter((s) => s.info.set === 'protocol');
  const robust = measured.filter((s) => s.info.set === 'robustness');
  const real = measured.filter((s) => s.info.set === 'real');
  const names = methods.map((m) => m.name);
  const result = {
    generatedAt: new Date().toISOString(),
    config: { ...opts, inFocusMaxLevel, trainedOn, draws: Number(a.draws), synthesis: a.synth ? relative(root, a.synth) : 'eval/synthesize.py (seed 7)' },
    methods: methods.map(({ name, kind, description }) => ({ name, kind, description })),
    unavailable,
    synthetic: names.map((n) => levelProtocol(protocol, n, opts, inFocusMaxLevel)),
    real: names.map((n) => binaryProtocol(real, n, opts)),
    robustness: names.map((n) => robustnessProtocol(robust, n, opts, inFocusMaxLevel)),
    msPerImage: Object.fromEntries(names.map((n) => [n, {
      synthetic: protocol.reduce((s, x) => s + x.by[n]!.ms, 0) / protocol.length,
      real: real.reduce((s, x) => s + x.by[n]!.ms, 0) / real.length,
    }])),
    samples: measured.map((s) => ({ ...s.info, sharpness: Object.fromEntries(names.map((n) => [n, s.by[n]!.sharpness])), level: s.info.level,
      predicted: Object.fromEntries(names.filter((n) => s.by[n]!.level !== undefined).map((n) => [n, s.by[n]!.level])) })),
    trainingRuns: readTrainingRuns(a['paper-metrics']!, root),
    wallSeconds: (Date.now() - started) / 1000,
  };
  // Six significant digits keep the committed JSON small without changing any reported figure.
  const round = (_: string, v: unknown): unknown => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v);
  writeFileSync(join(out, 'evaluation.json'), JSON.stringify(result, round));
  let plots: string[] = [];
  if (!a['no-plots']) {
    const listing = execFileSync(PYTHON, [join(root, 'eval/plots.py'), join(out, 'evaluation.json'), out], { encoding: 'utf8', timeout: 300_000 });
    plots = listing.split('\n').filter((l) => l.endsWith('.png'));
  }
  writeFileSync(join(out, 'evaluation.md'), writeReport(result, plots));
  console.error(`wrote ${join(out, 'evaluation.md')} (${result.wallSeconds.toFixed(0)} s)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
    process.exit(1);
  },
);
