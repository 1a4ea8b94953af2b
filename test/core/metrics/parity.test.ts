/**
 * Every metric against the independent numpy implementation in training/reference/ on the same real pixels.
 * PLLS must agree to 1e-6 (absolute, on a slope of about −2…−4); the others to 1e-9 relative.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeMetrics, cropImage, METRIC_NAMES, type MetricImage } from '../../../src/core/metrics/index.js';
import { DATA_DIR, REPO_ROOT, gaussianBlur, loadTiff16 } from './fixtures.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(REPO_ROOT, 'training/reference/measure.py');

function reference(args: string[]): Record<string, number> {
  const out = execFileSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out) as Record<string, number>;
}

/** Passes pixels to numpy as raw float64, so LZW files and blurred images need no TIFF codec there. */
function referenceOfPixels(image: MetricImage): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'fq-parity-'));
  try {
    const file = join(dir, 'pixels.f64');
    writeFileSync(file, new Uint8Array(Float64Array.from(image.data).buffer));
    return reference([file, '--raw', `${image.width},${image.height}`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertAgrees(ours: Record<string, number>, theirs: Record<string, number>, label: string): void {
  for (const name of METRIC_NAMES) {
    const a = ours[name]!;
    const b = theirs[name]!;
    const tol = name === 'plls' ? 1e-6 : 1e-9 * Math.max(1, Math.abs(b));
    assert.ok(Number.isFinite(a) && Math.abs(a - b) <= tol, `${label} ${name}: ours ${a}, numpy ${b}, |diff| ${Math.abs(a - b)}`);
  }
}

const a01 = `${DATA_DIR}/bbbc006-in-focus/BBBC006_a01_s1_w1_z10.tif`;

test('all metrics match numpy on a whole 696×520 BBBC006 image (PLLS to 1e-6)', async () => {
  const image = await loadTiff16(a01);
  assertAgrees(computeMetrics(image, [...METRIC_NAMES]), reference([a01]), 'BBBC006_a01');
});

test('all metrics match numpy on the 100×100 crop TIFF (non-power-of-two FFT sizes)', async () => {
  const path = `${DATA_DIR}/bbbc006-in-focus/crop_100x100.tif`;
  const image = await loadTiff16(path);
  assertAgrees(computeMetrics(image, [...METRIC_NAMES]), reference([path]), 'crop_100x100');
});

test('all metrics match numpy on an 84×84 patch and a 128×96 patch of a real image', async () => {
  const image = await loadTiff16(a01);
  for (const rect of [{ x: 252, y: 168, w: 84, h: 84 }, { x: 300, y: 200, w: 128, h: 96 }]) {
    const { x, y, w, h } = rect;
    assertAgrees(computeMetrics(cropImage(image, rect), [...METRIC_NAMES]), reference([a01, '--crop', `${x},${y},${w},${h}`]), `patch ${w}×${h}`);
  }
});

test('all metrics match numpy on a blurred real image and on an LZW-compressed MCF-7 image', async () => {
  const blurred = gaussianBlur(await loadTiff16(a01), 2.5);
  assertAgrees(computeMetrics(blurred, [...METRIC_NAMES]), referenceOfPixels(blurred), 'a01 σ=2.5');
  const mcf7 = await loadTiff16(`${DATA_DIR}/mcf7-defocused/mcf7_a19_s2_w1.tif`);
  assertAgrees(computeMetrics(mcf7, [...METRIC_NAMES]), referenceOfPixels(mcf7), 'mcf7_a19');
});
