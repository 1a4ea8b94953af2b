/** Command-line flags → a validated `CliArgs`, or OptionsError with a one-line message (exit status 2). */
import { parseArgs } from 'node:util';
import { OptionsError } from '../../core/errors.js';
import { METRIC_NAMES, parseMetricNames, type MetricName } from '../../core/metrics/registry.js';
import { AGGREGATIONS, type Aggregation } from '../../core/model-card.js';
import { MAX_BATCH_SIZE, MAX_PIXEL_SIZE_UM, MIN_PIXEL_SIZE_UM, parsePixelSize, resolveOptions, type SliceSelection } from '../../core/options.js';
import type { PixelSize } from '../../core/types.js';
import { parseShard, type Shard } from './shard.js';

export type OutputFormat = 'csv' | 'json' | 'geojson' | 'table';

export interface CliArgs {
  readonly inputs: readonly string[];
  readonly out: string | undefined;
  /** Format of `out` (from its extension) or of stdout. */
  readonly format: OutputFormat;
  readonly patches: string | undefined;
  readonly overlay: string | undefined;
  /** All-in-focus composite of the (one) input stack, and its slice-index map: TIFF paths. */
  readonly composite: string | undefined;
  readonly depthMap: string | undefined;
  readonly slices: SliceSelection;
  /** Hyperstacks: measure only this channel / frame (0-based); undefined: all. */
  readonly channel: number | undefined;
  readonly frame: number | undefined;
  readonly aggregation: Aggregation | undefined;
  /** Pixel size in µm given with --pixel-size, overriding the one files state; undefined: each file's own, if any. */
  readonly pixelSize: PixelSize | undefined;
  /** Classic focus metrics to add as columns (empty: none). */
  readonly metrics: readonly MetricName[];
  readonly model: string | undefined;
  readonly batchSize: number;
  /** Worker threads, or 'auto': one per core while memory allows (see `autoJobs`). */
  readonly jobs: number | 'auto';
  readonly threads: number;
  /** Most seconds one file may take (decoding and measuring); past it the file gets an error row. */
  readonly timeoutSeconds: number;
  readonly shard: Shard | undefined;
  readonly resume: boolean;
  readonly quiet: boolean;
}

export type ParsedCommand = { readonly kind: 'help' } | { readonly kind: 'version' } | { readonly kind: 'run'; readonly args: CliArgs };

/** Default per-file budget: a 16384² plane or a 512 MiB stack measures in about a minute on one core. */
export const DEFAULT_TIMEOUT_S = 300;

export const USAGE = `Usage: focus-quality [options] <files|folders|globs...>
       focus-quality merge <parts...> --out FILE [--expect <inputs...>]   (see merge --help; docs/cluster.md)

Rates the focus of microscope images with a CNN (Yang et al. 2018): every 84x84 patch gets one of 11 defocus
levels (0 = in focus) and a certainty; each image (each slice of a stack) gets a level, a score and an in-focus flag.
Folders are searched recursively for .tif/.tiff/.png; quote globs ("plate/**/*.tif") to let the tool expand them.

Output
  -o, --out FILE        results file: .csv, .json or .geojson (default: CSV on stdout, a table on a terminal)
      --format F        stdout format when there is no --out: csv | table | json
      --patches FILE    one CSV row per patch: file, slice, x, y, w, h, level, certainty, p0..p10
      --overlay DIR     write a PNG per image: contrast-stretched, patch borders coloured by level, legend
      --composite FILE  of one z-stack: the all-in-focus image (each region from its sharpest slices, blended
                        without seams; same bit depth and pixel size as the input) as a TIFF; of a
                        hyperstack, one channel and frame's z-slices (--channel, --frame)
      --depth-map FILE  of one z-stack: the 0-based index of the slice (hyperstack: the z) each pixel comes
                        from (16-bit TIFF)
Measurement
      --slices S        stacks: all (default) | best (the sharpest slice; of a hyperstack, the sharpest z of
                        each channel and frame, or of a time series without z the sharpest frame of each
                        channel) | N (0-based slice index: the plane's place in the file)
      --channel C       hyperstacks (ImageJ, OME-TIFF): measure only channel C (0-based), e.g. the nuclear
                        stain; rows give each plane's channel, z and frame
      --frame T         hyperstacks: measure only time frame T (0-based)
      --aggregation A   median | argmax: how the image level is read (default: the model card's choice)
      --pixel-size UM   pixel size in µm ("0.65", or "x,y"), overriding what the files state; images are
                        resampled to the model's native pixel size. Default: each file's own (ImageJ
                        calibration, OME-XML, resolution tags in cm), else measured as they are, with a warning
      --metrics M,...   also classic focus metrics (higher = sharper), one column each, per image and per
                        patch: ${METRIC_NAMES.join(', ')} | all
      --model PATH      ONNX model; its card PATH-without-.onnx.card.json must sit next to it
                        (default: the bundled models/focus-quality.onnx)
      --batch N         patches per inference call (default 64, at most ${MAX_BATCH_SIZE})
      --jobs N|auto     worker threads, each with its own model session and one file at a time, so one
                        decodes while another infers (default auto: one per core, ≤ 16, ~300 MB each)
      --threads N       inference threads (default 1)
      --timeout S       most seconds one file may take (default ${DEFAULT_TIMEOUT_S}); a file that takes longer, or that
                        crashes its worker, gets an error row and the run goes on
Large runs
      --shard I/N       measure only part I of N (I = 1..N) of the sorted file list, round-robin, so N
                        jobs (a SLURM array, GNU parallel) cover every file exactly once
      --resume          skip files already measured in --out (or in the .partial file an interrupted run
                        left); measure again those that failed; a cut-off last row is dropped
  -q, --quiet           no progress bar, no per-file messages, no summary
  -h, --help            this text
  -V, --version         the version

Outputs are written to FILE.partial and renamed to FILE when the run completes, so earlier results are never
truncated; FILE.lock keeps two runs from writing one output.

Exit status: 0 all measured, 1 some file failed (its row has "error" filled), 2 usage error, 3 an output could
not be written (disk full, permissions: what was written is kept in FILE.partial), 130 interrupted.`;

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  format: { type: 'string' },
  patches: { type: 'string' },
  overlay: { type: 'string' },
  composite: { type: 'string' },
  'depth-map': { type: 'string' },
  slices: { type: 'string' },
  channel: { type: 'string' },
  frame: { type: 'string' },
  aggregation: { type: 'string' },
  'pixel-size': { type: 'string' },
  metrics: { type: 'string' },
  model: { type: 'string' },
  batch: { type: 'string' },
  jobs: { type: 'string' },
  threads: { type: 'string' },
  timeout: { type: 'string' },
  shard: { type: 'string' },
  resume: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

function positiveSeconds(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0 || Number(value) > 86400) throw new OptionsError(`--${flag} must be a number of seconds above 0 (at most 86400), got "${value}"`);
  return Number(value);
}

function tiffPath(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && !/\.tiff?$/i.test(value)) throw new OptionsError(`--${flag} ${value}: the file name must end in .tif or .tiff`);
  return value;
}

function pixelSizeOf(value: string | undefined): PixelSize | undefined {
  try {
    return parsePixelSize(value);
  } catch {
    throw new OptionsError(`--pixel-size must be a pixel size in µm from ${MIN_PIXEL_SIZE_UM} to ${MAX_PIXEL_SIZE_UM}, as "0.65" or "x,y", got "${value}"`);
  }
}

function indexOf(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new OptionsError(`--${flag} must be a 0-based index (0, 1, …), got "${value}"`);
  return Number(value);
}

function positiveInt(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new OptionsError(`--${flag} must be an integer from 1 to ${max}, got "${value}"`);
  return Number(value);
}

function formatOf(out: string | undefined, format: string | undefined, stdoutIsTty: boolean): OutputFormat {
  if (out !== undefined) {
    const ext = /\.(csv|json|geojson)$/i.exec(out)?.[1]?.toLowerCase();
    if (!ext) throw new OptionsError(`--out ${out}: the file name must end in .csv, .json or .geojson`);
    if (format !== undefined && format !== ext) throw new OptionsError(`--format ${format} contradicts --out ${out}`);
    return ext as OutputFormat;
  }
  if (format === undefined) return stdoutIsTty ? 'table' : 'csv';
  if (format !== 'csv' && format !== 'table' && format !== 'json') throw new OptionsError(`--format must be csv, table or json, got "${format}"`);
  return format;
}

/** Rewrites node:util's messages ("Unknown option '--x'. To specify a positional…") as one short line. */
/**
 * `--shard -1/4` is a value that starts with a dash: node:util would call it a missing value. A value flag followed by
 * something that is not a known flag takes it as its value (`--shard=-1/4`), so the value's own check can name it.
 */
function attachDashValues(argv: readonly string[]): string[] {
  const takesValue = new Set(Object.entries(OPTIONS).flatMap(([name, o]) => (o.type === 'string' ? [`--${name}`, ...('short' in o ? [`-${o.short}`] : [])] : [])));
  const isFlag = (a: string): boolean => a === '--' || /^--?[A-Za-z]/.test(a);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (takesValue.has(a) && next !== undefined && next.startsWith('-') && !isFlag(next)) {
      out.push(`${a.startsWith('--') ? a : `--${Object.entries(OPTIONS).find(([, o]) => 'short' in o && `-${o.short}` === a)![0]}`}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function cleanParseError(err: Error): OptionsError {
  const code = (err as NodeJS.ErrnoException).code;
  const quoted = /'(-[^']*)'/.exec(err.message)?.[1];
  const opt = quoted && (/--[\w-]+/.exec(quoted)?.[0] ?? quoted);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && opt) return new OptionsError(`unknown option ${opt}`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && opt) return new OptionsError(`option ${opt} needs a value`);
  return new OptionsError(err.message.split('\n')[0]!);
}

export function parseCliArgs(argv: readonly string[], stdoutIsTty = false): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: attachDashValues(argv), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw cleanParseError(err as Error);
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  if (v.version) return { kind: 'version' };
  if (parsed.positionals.length === 0) throw new OptionsError('no input files, folders or globs given');
  if (v.aggregation !== undefined && !AGGREGATIONS.includes(v.aggregation as Aggregation)) throw new OptionsError(`--aggregation must be median or argmax, got "${v.aggregation}"`);
  let slices: SliceSelection;
  try {
    slices = resolveOptions({ slices: v.slices ?? 'all' }).slices;
  } catch {
    slices = 'current';
  }
  if (slices === 'current') throw new OptionsError(`--slices must be all, best or a 0-based slice index, got "${v.slices}"`);
  let metrics: MetricName[] = [];
  if (v.metrics !== undefined) {
    try {
      metrics = parseMetricNames(v.metrics);
    } catch (err) {
      throw new OptionsError(`--metrics: ${(err as Error).message}`);
    }
    if (metrics.length === 0) throw new OptionsError(`--metrics needs at least one name: ${METRIC_NAMES.join(', ')} or all`);
  }
  if (v.resume && v.out === undefined) throw new OptionsError('--resume needs --out (the file to resume)');
  return {
    kind: 'run',
    args: {
      inputs: parsed.positionals,
      out: v.out,
      format: formatOf(v.out, v.format, stdoutIsTty),
      patches: v.patches,
      overlay: v.overlay,
      composite: tiffPath('composite', v.composite),
      depthMap: tiffPath('depth-map', v['depth-map']),
      slices,
      channel: indexOf('channel', v.channel),
      frame: indexOf('frame', v.frame),
      aggregation: v.aggregation as Aggregation | undefined,
      metrics,
      pixelSize: pixelSizeOf(v['pixel-size']),
      model: v.model,
      batchSize: positiveInt('batch', v.batch, 64, MAX_BATCH_SIZE),
      jobs: v.jobs === undefined || v.jobs === 'auto' ? 'auto' : positiveInt('jobs', v.jobs, 1, 64),
      threads: positiveInt('threads', v.threads, 1, 64),
      timeoutSeconds: positiveSeconds('timeout', v.timeout, DEFAULT_TIMEOUT_S),
      shard: v.shard === undefined ? undefined : parseShard(v.shard),
      resume: v.resume ?? false,
      quiet: v.quiet ?? false,
    },
  };
}
