/**
 * CLI throughput benchmark (timing only; not a test). Images per second and peak RSS of the `focus-quality` CLI on
 * 2048×2048 16-bit images (made by mirror-tiling real BBBC006 fields), for batch sizes 1/64/256, with our model and
 * with the paper's architecture (build/models/paper-arch.onnx, untrained: same cost as trained) in the same run.
 *
 *   npm run build && node build/bench/cli-bench.js [--images 3] [--batches 1,64,256] [--threads 1]
 *   (make the paper model first: /usr/bin/python3 -m training.export_onnx --arch paper --untrained)
 *
 * Each configuration runs in its own child process so its peak RSS (getrusage maxRSS) is its own. images/s excludes
 * model loading, timed separately in the same child; "wall" includes everything the CLI does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// The tests' hand-written TIFF writer: an uncompressed little-endian strip is all the benchmark needs.
import { craftTiff } from '../test/io/fixtures.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SIDE = 2048;

async function makeImages(dir: string, count: number): Promise<void> {
  const { readImageFile } = await import('../src/node/image-files.js');
  const sources = ['a01', 'a02', 'a03', 'a04'].map((w) => join(ROOT, '..', 'shared', 'data', 'bbbc006-in-focus', `BBBC006_${w}_s1_w1_z10.tif`));
  for (let n = 0; n < count; n++) {
    const src = (await readImageFile(sources[n % sources.length]!)).slices[0]!;
    const out = new Uint16Array(SIDE * SIDE);
    // Mirror-tiling keeps the texture continuous at the seams (no artificial edges for the model to see).
    const mirror = (i: number, len: number): number => {
      const p = i % (2 * len);
      return p < len ? p : 2 * len - 1 - p;
    };
    for (let y = 0; y < SIDE; y++) {
      const sy = mirror(y, src.height);
      for (let x = 0; x < SIDE; x++) out[y * SIDE + x] = src.data[sy * src.width + mirror(x, src.width)]!;
    }
    writeFileSync(join(dir, `tile_${n}.tif`), craftTiff(SIDE, SIDE, new Uint8Array(out.buffer), [], 16));
  }
}

/** Child: time model loading, then the CLI on the folder; print one JSON line. */
async function child(model: string, batch: string, dir: string, threads: string): Promise<void> {
  const { loadModelFromDisk } = await import('../src/node/model-files.js');
  const { main } = await import('../src/hosts/cli/main.js');
  const t0 = performance.now();
  const m = await loadModelFromDisk(model, { numThreads: Number(threads) });
  const loadMs = performance.now() - t0;
  await m.dispose();
  const t1 = performance.now();
  const code = await main([dir, '--model', model, '--batch', batch, '--jobs', '1', '--threads', threads, '--quiet', '--out', join(dir, `out_${batch}.csv`)]);
  const wallMs = performance.now() - t1;
  process.stdout.write(JSON.stringify({ code, loadMs, wallMs, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? fallback : fallback;
}

async function run(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!, process.argv[5]!, process.argv[6]!);
  const images = Number(arg('images', '3'));
  const batches = arg('batches', '1,64,256').split(',');
  const threads = arg('threads', '1');
  const dir = mkdtempSync(join(tmpdir(), 'fq-bench-'));
  try {
    await makeImages(dir, images);
    const models: [string, string][] = [['ours (models/focus-quality.onnx)', join(ROOT, 'models', 'focus-quality.onnx')]];
    const paper = join(ROOT, 'build', 'models', 'paper-arch.onnx');
    if (existsSync(paper)) {
      // The CLI wants a card next to the model: reuse ours (same I/O contract), pointing at the paper model.
      const pdir = mkdtempSync(join(tmpdir(), 'fq-paper-'));
      symlinkSync(paper, join(pdir, 'paper-arch.onnx'));
      const card = JSON.parse(readFileSync(join(ROOT, 'models', 'focus-quality.card.json'), 'utf8'));
      writeFileSync(join(pdir, 'paper-arch.card.json'), JSON.stringify({ ...card, name: 'paper-arch', file: 'paper-arch.onnx', sha256: undefined }));
      models.push(['paper architecture (untrained, same cost)', join(pdir, 'paper-arch.onnx')]);
    } else {
      console.log(`paper architecture skipped: ${paper} is missing (make it: /usr/bin/python3 -m training.export_onnx --arch paper --untrained)`);
    }
    const cpu = cpus();
    console.log(`focus-quality CLI benchmark — ${new Date().toISOString()}`);
    console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ORT threads ${threads}`);
    console.log(`${images} images of ${SIDE}×${SIDE} 16-bit (576 patches each), --jobs 1\n`);
    console.log('model                                        batch  load s  wall s  images/s  peak RSS MB');
    const rates = new Map<string, number>();
    for (const [label, model] of models) {
      for (const batch of batches) {
        const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', model, batch, dir, threads], { encoding: 'utf8', timeout: 900_000 });
        const line = r.stdout.trim().split('\n').pop() ?? '';
        if (r.status !== 0 || !line.startsWith('{')) {
          console.log(`${label.padEnd(44)} ${batch.padStart(5)}  failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
          continue;
        }
        const m = JSON.parse(line) as { loadMs: number; wallMs: number; maxRssMB: number };
        const rate = images / ((m.wallMs - m.loadMs) / 1000);
        rates.set(`${label}|${batch}`, rate);
        console.log(`${label.padEnd(44)} ${batch.padStart(5)}  ${(m.loadMs / 1000).toFixed(2).padStart(6)}  ${(m.wallMs / 1000).toFixed(2).padStart(6)}  ${rate.toFixed(2).padStart(8)}  ${m.maxRssMB.toFixed(0).padStart(11)}`);
      }
    }
    if (models.length > 1) {
      for (const batch of batches) {
        const a = rates.get(`${models[0]![0]}|${batch}`);
        const b = rates.get(`${models[1]![0]}|${batch}`);
        if (a && b) console.log(`batch ${batch}: ours is ${(a / b).toFixed(1)}× the paper architecture's images/s`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await run();
