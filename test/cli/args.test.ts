import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { autoJobs } from '../../src/hosts/cli/pool.js';
import { parseCliArgs, type CliArgs } from '../../src/hosts/cli/args.js';
import { ProgressBar } from '../../src/hosts/cli/progress.js';
import { parseShard, shardFiles } from '../../src/hosts/cli/shard.js';

const run = (argv: string[], tty = false): CliArgs => {
  const c = parseCliArgs(argv, tty);
  assert.equal(c.kind, 'run');
  return (c as { args: CliArgs }).args;
};
const usage = (pattern: RegExp) => (e: Error) => e.name === 'OptionsError' && pattern.test(e.message);

describe('parseCliArgs', () => {
  it('fills defaults: CSV on a pipe, a table on a terminal, batch 64, all slices', () => {
    const a = run(['x.tif']);
    assert.deepEqual([a.format, a.batchSize, a.slices, a.jobs, a.threads, a.resume, a.quiet], ['csv', 64, 'all', 'auto', 1, false, false]);
    assert.equal(run(['x.tif'], true).format, 'table');
  });

  it('takes the output format from the --out extension', () => {
    assert.equal(run(['x', '--out', 'r.JSON']).format, 'json');
    assert.equal(run(['x', '-o', 'r.geojson']).format, 'geojson');
    assert.equal(run(['x', '--out', 'r.csv']).format, 'csv');
  });

  it('parses every value flag', () => {
    const a = run(['a', 'b', '--slices', 'best', '--aggregation', 'median', '--batch', '256', '--jobs', '3', '--threads', '2', '--shard', '2/5', '--out', 'o.csv', '--resume', '-q', '--patches', 'p.csv', '--overlay', 'ov', '--model', 'm.onnx']);
    assert.deepEqual(a.inputs, ['a', 'b']);
    assert.deepEqual([a.slices, a.aggregation, a.batchSize, a.jobs, a.threads, a.shard, a.resume, a.quiet, a.patches, a.overlay, a.model], ['best', 'median', 256, 3, 2, { index: 2, count: 5 }, true, true, 'p.csv', 'ov', 'm.onnx']);
    assert.equal(run(['a', '--slices', '4']).slices, 4);
  });

  it('recognises help and version before anything else', () => {
    assert.equal(parseCliArgs(['--help']).kind, 'help');
    assert.equal(parseCliArgs(['-V']).kind, 'version');
  });

  it('rejects unknown options, missing values and contradictions with one-line messages', () => {
    assert.throws(() => parseCliArgs(['--bogus', 'x']), usage(/^unknown option --bogus$/));
    assert.throws(() => parseCliArgs(['x', '--out']), usage(/^option --out needs a value$/));
    assert.throws(() => parseCliArgs(['x', '--out', 'a.csv', '--format', 'json']), usage(/contradicts/));
    assert.throws(() => parseCliArgs(['x', '--aggregation', 'mean']), usage(/--aggregation must be median or argmax/));
    assert.throws(() => parseCliArgs(['x', '--jobs', '-1']), usage(/--jobs/));
    assert.throws(() => parseCliArgs(['x', '--slices', 'current']), usage(/--slices/));
  });
});

describe('--shard', () => {
  it('parses I/N and refuses 3/2, 0/2 and 1/0', () => {
    assert.deepEqual(parseShard('3/8'), { index: 3, count: 8 });
    assert.throws(() => parseShard('3/2'), usage(/from 1 to 2/));
    assert.throws(() => parseShard('0/2'), usage(/from 1 to 2/));
    assert.throws(() => parseShard('1/0'), usage(/at least 1/));
  });

  it('assigns every file to exactly one shard, round-robin, sizes within one', () => {
    const files = Array.from({ length: 23 }, (_, i) => `f${String(i).padStart(2, '0')}`);
    const parts = [1, 2, 3, 4, 5].map((i) => shardFiles(files, { index: i, count: 5 }));
    assert.deepEqual(parts.flat().sort(), files);
    assert.ok(Math.max(...parts.map((p) => p.length)) - Math.min(...parts.map((p) => p.length)) <= 1);
    assert.deepEqual(parts[1]!.slice(0, 2), ['f01', 'f06']);
  });
});

describe('ProgressBar', () => {
  it('draws count, rate and ETA only when enabled, and clears its line', () => {
    const written: string[] = [];
    const stream = { isTTY: true, columns: 120, write: (t: string) => (written.push(t), true) };
    const bar = new ProgressBar(4, stream, true);
    bar.tick();
    assert.match(written.at(-1)!, /^\r\x1b\[K\[######\.{18}\] 1\/4 files {2}[\d.]+ files\/s {2}ETA (\d+:\d\d|--:--)/);
    bar.clear();
    assert.equal(written.at(-1), '\r\x1b[K');
    const silent: string[] = [];
    const off = new ProgressBar(4, { write: (t: string) => (silent.push(t), true) }, false);
    off.tick();
    off.clear();
    assert.deepEqual(silent, []);
  });
});

describe('autoJobs', () => {
  it('takes one thread per core, fewer when memory is short (~300 MB each), at least 1 and at most 16', () => {
    const GB = 2 ** 30;
    assert.equal(autoJobs(2, 8 * GB), 2);
    assert.equal(autoJobs(64, 64 * GB), 16);
    assert.equal(autoJobs(8, 0.7 * GB), 2);
    assert.equal(autoJobs(8, 0.1 * GB), 1);
  });
});
