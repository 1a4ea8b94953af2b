/**
 * Live mode in Chromium with a fake camera (--use-fake-device-for-media-stream) playing a through-focus series made
 * from a real in-focus image defocused to known levels by the training simulator's Born–Wolf PSF (through-focus.py).
 * Each frame carries its index as a barcode above the measured region, so every reading is matched to the level of
 * the frame it came from. Also: camera permission denied, a capture that ends, a screen capture, axe-core.
 * FQ_SCREENSHOT_DIR=docs/images also saves the screenshot the README shows.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { describeViolations, project, seriousViolations, start, type Session } from './harness.js';

const LEVELS = [0, 3, 6, 9, 6, 3];
const FRAMES_PER_LEVEL = 10;
const FPS = 10;
const FAKE_CAMERA = (file: string) => ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${file}`];

interface Reading {
  frame: number;
  at: number;
  latencyMs: number;
  level: number;
  score: number;
  verdict: string;
}

/** Records every reading the Live panel dispatches, and decodes the barcode of every frame the video presents. */
async function record(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { readings: unknown[]; frameIndex: Map<number, number> };
    w.readings = [];
    w.frameIndex = new Map();
    document.addEventListener('focus-quality-live', (e) => {
      const d = (e as CustomEvent).detail;
      w.readings.push({ frame: d.frame, at: d.at, latencyMs: d.latencyMs, level: d.result.level, score: d.result.score, verdict: d.result.verdict ?? '' });
    });
    const video = document.querySelector<HTMLVideoElement>('video.live-video')!;
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    const onFrame = (_: number, meta: { presentedFrames: number }) => {
      if (video.videoWidth > 0) {
        [canvas.width, canvas.height] = [video.videoWidth, 8];
        ctx.drawImage(video, 0, 0, video.videoWidth, 8, 0, 0, video.videoWidth, 8);
        const row = ctx.getImageData(0, 4, video.videoWidth, 1).data;
        let index = 0;
        for (let bit = 0; bit < 12; bit++) if (row[4 * Math.round(((32 * (bit + 1) + 16) / 448) * video.videoWidth)]! > 128) index |= 1 << bit;
        w.frameIndex.set(meta.presentedFrames, index);
      }
      (video as HTMLVideoElement & { requestVideoFrameCallback(cb: typeof onFrame): number }).requestVideoFrameCallback(onFrame);
    };
    (video as HTMLVideoElement & { requestVideoFrameCallback(cb: typeof onFrame): number }).requestVideoFrameCallback(onFrame);
  });
}

async function readings(page: Page): Promise<{ readings: Reading[]; frames: [number, number][] }> {
  return page.evaluate(() => {
    const w = window as unknown as { readings: Reading[]; frameIndex: Map<number, number> };
    return { readings: w.readings, frames: [...w.frameIndex.entries()] };
  });
}

/** Spearman rank correlation (ties get their mean rank). */
function spearman(a: readonly number[], b: readonly number[]): number {
  const rank = (v: readonly number[]) => {
    const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
      for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const [ra, rb] = [rank(a), rank(b)];
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(ra), mean(rb)];
  let [num, da, db] = [0, 0, 0];
  ra.forEach((x, i) => {
    num += (x - ma) * (rb[i]! - mb);
    da += (x - ma) ** 2;
    db += (rb[i]! - mb) ** 2;
  });
  return num / Math.sqrt(da * db);
}

/** A page in Live mode with camera permission, recording readings, its camera started and `readings` in. */
async function liveWithCamera(session: Session, readingsBefore = 3, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await session.browser.newContext({ viewport });
  await context.grantPermissions(['camera']);
  const page = await context.newPage();
  await page.goto(`${session.served.url}?samples=0#live`);
  await record(page);
  await page.click('#live-camera');
  await page.waitForFunction((n) => (window as unknown as { readings: unknown[] }).readings.length >= n, readingsBefore, { timeout: 60_000 });
  return { context, page };
}

describe('Live mode', { timeout: 300_000 }, () => {
  let session: Session;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'fq-live-'));
    const video = path.join(dir, 'through-focus.y4m');
    execFileSync('/usr/bin/python3', [path.join(project, 'test/e2e/through-focus.py'), video, '--levels', LEVELS.join(','), '--frames', String(FRAMES_PER_LEVEL), '--fps', String(FPS)], { timeout: 180_000 });
    session = await start(FAKE_CAMERA(video));
  });
  after(async () => {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a fake camera through focus: the meter follows the level of each frame, one frame at a time, and reports its rate', async () => {
    const { context, page } = await liveWithCamera(session, 20);
    try {
      // A little more than one loop of the series.
      await page.waitForTimeout((LEVELS.length * FRAMES_PER_LEVEL * 1000) / FPS + 1000);
      if (process.env.FQ_SCREENSHOT_DIR) await page.screenshot({ path: path.resolve(project, process.env.FQ_SCREENSHOT_DIR, 'live.png') });
      const rateText = (await page.textContent('.live-rate')) ?? '';
      const rate = Number(await page.getAttribute('.live-rate .measure-rate', 'data-rate'));
      await page.click('#live-stop');
      const { readings: rs, frames } = await readings(page);
      const index = new Map(frames);
      const matched = rs.filter((r) => index.has(r.frame)).map((r) => ({ ...r, truth: LEVELS[Math.floor(index.get(r.frame)! / FRAMES_PER_LEVEL) % LEVELS.length]! }));
      console.log(`# live: ${rs.length} readings, ${matched.length} matched to frames; ${rateText.replace(/\s+/g, ' ').trim()}`);
      assert.ok(matched.length >= 0.8 * rs.length && matched.length >= 20, `${matched.length} of ${rs.length} readings matched to a frame`);
      assert.deepEqual([...new Set(matched.map((m) => m.truth))].sort((a, b) => a - b), [...new Set(LEVELS)].sort((a, b) => a - b), 'every level of the series was measured');

      // The level follows the series: in focus exactly where the frames are, far out where they are far out.
      for (const m of matched.filter((x) => x.truth === 0)) assert.ok(m.level <= 2, `an in-focus frame read level ${m.level}`);
      for (const m of matched.filter((x) => x.truth === 9)) assert.ok(m.level >= 6, `a level-9 frame read level ${m.level}`);
      for (const m of matched.filter((x) => x.truth >= 3)) assert.ok(m.level >= 2, `a level-${m.truth} frame read level ${m.level}`);
      const rho = spearman(matched.map((m) => m.truth), matched.map((m) => m.score));
      assert.ok(rho >= 0.9, `score follows the level: Spearman ${rho.toFixed(3)}`);

      // Dropped, never queued: each frame is grabbed after the previous reading came back, frames only move forward.
      for (let i = 1; i < rs.length; i++) {
        assert.ok(rs[i]!.frame > rs[i - 1]!.frame, `frame ${rs[i]!.frame} after ${rs[i - 1]!.frame}`);
        assert.ok(rs[i]!.at >= rs[i - 1]!.at + rs[i - 1]!.latencyMs - 1, `reading ${i} grabbed while reading ${i - 1} was still in the worker`);
      }
      assert.ok(rate > 0 && /measurements\/s/.test(rateText), `rate reported: ${rateText}`);
      // Stop turns the camera off.
      assert.equal(await page.evaluate(() => document.querySelector<HTMLVideoElement>('video.live-video')!.srcObject), null);
      assert.equal(await page.$$eval('#live-stop', (b) => b.length), 0);
    } finally {
      await context.close();
    }
  });

  it('camera permission denied: one clear message, the buttons work again, nothing runs', async () => {
    const context = await session.browser.newContext(); // no camera permission: Chromium denies the prompt
    const page = await context.newPage();
    try {
      await page.goto(`${session.served.url}?samples=0#live`);
      await page.click('#live-camera');
      const message = await page.waitForSelector('.live-message.error', { timeout: 30_000 });
      assert.match((await message.textContent()) ?? '', /^Camera access was denied\. Allow the camera for this page/);
      assert.equal(await message.getAttribute('role'), 'alert');
      assert.equal(await page.isEnabled('#live-camera'), true);
      assert.equal(await page.$$eval('#live-stop', (b) => b.length), 0, 'no Stop: nothing is running');
    } finally {
      await context.close();
    }
  });

  it('a capture that ends by itself (camera unplugged, access revoked) stops the meter with a message', async () => {
    const { context, page } = await liveWithCamera(session);
    try {
      // The track ends without the page asking (what unplugging does); readyState becomes "ended".
      await page.evaluate(() => (document.querySelector<HTMLVideoElement>('video.live-video')!.srcObject as MediaStream).getVideoTracks()[0]!.stop());
      const message = await page.waitForSelector('.live-message.error', { timeout: 5_000 });
      assert.match((await message.textContent()) ?? '', /^The camera ended/);
      const count = (await readings(page)).readings.length;
      await page.waitForTimeout(1000);
      assert.equal((await readings(page)).readings.length, count, 'no readings after the end');
      assert.equal(await page.$$eval('#live-stop', (b) => b.length), 0);
      await page.click('#live-camera'); // and it starts again
      await page.waitForFunction((n) => (window as unknown as { readings: unknown[] }).readings.length > n, count, { timeout: 60_000 });
      await page.click('#live-stop');
    } finally {
      await context.close();
    }
  });

  it('axe-core: Live mode while running has no serious or critical violations', async () => {
    const { context, page } = await liveWithCamera(session);
    try {
      const found = await seriousViolations(page);
      assert.equal(found.length, 0, describeViolations(found));
      // Keyboard: the live image takes focus and the arrow keys move the measured square by half a patch.
      const before = (await page.textContent('.live-where')) ?? '';
      await page.focus('.live-stage');
      await page.keyboard.press('ArrowLeft');
      const moved = (await page.textContent('.live-where')) ?? '';
      assert.match(before, /at \(56, 28\)/, before);
      assert.match(moved, /at \(14, 28\)/, moved);
      await page.click('#live-stop');
    } finally {
      await context.close();
    }
  });

  it('with a pixel size the region is measured at the model\'s native pixels (0.325 µm: patches of 168 video pixels); a value that is no pixel size starts nothing and says why', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['camera']);
    try {
      const page = await context.newPage();
      await page.goto(`${session.served.url}?samples=0#live`);
      await page.fill('#pixel-size', 'ten');
      await page.click('#live-camera');
      await page.waitForSelector('.live-message.error', { timeout: 30_000 });
      assert.match((await page.textContent('.live-message')) ?? '', /^Pixel size: .*pixelSize/);
      assert.equal(await page.evaluate(() => document.querySelector<HTMLVideoElement>('video.live-video')!.srcObject), null, 'no camera opened');
      await page.fill('#pixel-size', '0.325');
      await page.evaluate(() => {
        const w = window as unknown as { widths: number[][] };
        w.widths = [];
        document.addEventListener('focus-quality-live', (e) => w.widths.push((e as CustomEvent).detail.result.patches.map((p: { w: number }) => p.w)));
      });
      await page.click('#live-camera');
      await page.waitForFunction(() => (window as unknown as { widths: unknown[] }).widths.length >= 2, null, { timeout: 60_000 });
      const widths = await page.evaluate(() => (window as unknown as { widths: number[][] }).widths);
      // The default 336-pixel region is 2×2 native patches of 84 at 0.65 µm, i.e. 168 of the camera's 0.325 µm pixels.
      assert.ok(widths.every((ws) => ws.length === 4 && ws.every((w) => w === 168)), JSON.stringify(widths.slice(0, 3)));
      assert.match((await page.textContent('.live-where')) ?? '', /0\.325 µm per pixel/);
      await page.click('#live-stop');
    } finally {
      await context.close();
    }
  });

  it('a screen or window capture is measured the same way, and Stop ends it', async () => {
    // A browser that answers the screen picker itself (headless has no one to click it) with Chromium's fake screen.
    const screen = await start(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']);
    try {
      const page = await screen.browser.newPage({ viewport: { width: 1000, height: 700 } });
      await page.goto(`${screen.served.url}?samples=0#live`);
      await record(page);
      await page.click('#live-screen');
      await page.waitForFunction(() => (window as unknown as { readings: unknown[] }).readings.length >= 2, null, { timeout: 60_000 });
      const size = await page.evaluate(() => [document.querySelector<HTMLVideoElement>('video.live-video')!.videoWidth, document.querySelector<HTMLVideoElement>('video.live-video')!.videoHeight]);
      assert.ok(size[0]! >= 336 && size[1]! >= 336, `captured ${size.join('×')}`);
      await page.click('#live-stop');
      assert.equal(await page.evaluate(() => document.querySelector<HTMLVideoElement>('video.live-video')!.srcObject), null);
      assert.match((await page.textContent('.live-message')) ?? '', /Stopped/);
    } finally {
      await screen.close();
    }
  });
});
