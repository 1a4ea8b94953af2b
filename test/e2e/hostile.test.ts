/**
 * Files that would hurt the page: a TIFF whose page chain loops, a truncated TIFF, text named .tif, and an 8000×8000
 * image. The app decodes in the worker, so each bad file costs only its own row and a huge one never blocks the page:
 * no main-thread task over 100 ms (PerformanceObserver 'longtask') from the drop until its picture is drawn.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeImage } from '../../src/io/decode.js';
import { craftTiff } from '../io/fixtures.js';
import { DEFOCUSED, IMAGE, drop, openEmpty, start, type Session } from './harness.js';

/** A 100×100 TIFF whose only page's next-page pointer points back to itself (issue 12's hang). */
function loopingTiff(): Buffer {
  const bytes = craftTiff(100, 100, Uint8Array.from({ length: 100 * 100 }, (_, i) => (i * 37) & 255));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = view.getUint32(4, true);
  view.setUint32(first + 2 + view.getUint16(first, true) * 12, first, true);
  return Buffer.from(bytes);
}

/** An N×N 8-bit image mirrored from a real in-focus field (its 16-bit counts / 16), uncompressed. */
async function bigTiff(size: number): Promise<Buffer> {
  const src = (await decodeImage(new Uint8Array(readFileSync(IMAGE)), 'source')).slices[0]!;
  const mirror = (v: number, n: number) => (v % (2 * n) < n ? v % (2 * n) : 2 * n - 1 - (v % (2 * n)));
  const data = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    const row = mirror(y, src.height) * src.width;
    for (let x = 0; x < size; x++) data[y * size + x] = Math.min(255, src.data[row + mirror(x, src.width)]! >> 4);
  }
  return Buffer.from(craftTiff(size, size, data));
}

describe('hostile and huge files in the app', { timeout: 600_000 }, () => {
  let session: Session;
  let dir: string;
  let big: string;
  before(async () => {
    session = await start();
    dir = mkdtempSync(path.join(tmpdir(), 'fq-ui-hostile-'));
    big = path.join(dir, 'big.tif');
  });
  after(async () => {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a looping page chain, a truncated TIFF and a text file each cost only their own row; the good files are measured', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await openEmpty(page, session.served);
      const good = readFileSync(IMAGE);
      await drop(page, [
        { name: 'good.tif', bytes: good },
        { name: 'loop.tif', bytes: loopingTiff() },
        { name: 'cut.tif', bytes: good.subarray(0, 5000) },
        { name: 'notes.tif', bytes: Buffer.from('well B4: see notebook\n') },
        { name: 'defocused.tif', bytes: readFileSync(DEFOCUSED) },
      ]);
      await page.waitForFunction(() => document.querySelectorAll('table.results tbody tr').length === 5 && !document.querySelector('.progress'), null, { timeout: 120_000 });
      const measured = await page.$$eval('table.results tbody tr:not(.failed)', (rows) => rows.map((r) => r.getAttribute('data-file')));
      assert.deepEqual(measured.sort(), ['defocused.tif', 'good.tif']);
      const failed = Object.fromEntries(await page.$$eval('tr.failed', (rows) => rows.map((r) => [r.getAttribute('data-file'), r.querySelector('.col-error')!.textContent!.trim()])));
      assert.match(failed['loop.tif'], /loops/);
      assert.match(failed['cut.tif'], /truncated|corrupt/i);
      assert.match(failed['notes.tif'], /not a TIFF or PNG/);
      // The page still answers: a click shows the other file.
      await page.click('tr[data-file="good.tif"]');
      await page.waitForFunction(() => /good\.tif/.test(document.querySelector('focus-quality-view')!.shadowRoot!.querySelector('.stage')?.getAttribute('aria-label') ?? ''));
    } finally {
      await page.close();
    }
  });

  it('an 8000×8000 image: measured and drawn without any main-thread task over 100 ms', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await openEmpty(page, session.served);
      await page.evaluate(() => {
        const w = window as unknown as { longTasks: number[] };
        w.longTasks = [];
        new PerformanceObserver((list) => w.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: false });
      });
      writeFileSync(big, await bigTiff(8000));
      await page.setInputFiles('#files', big);
      await page.waitForSelector('tr[data-file="big.tif"]', { timeout: 480_000 });
      await page.waitForFunction(() => /big\.tif/.test(document.querySelector('focus-quality-view')!.shadowRoot!.querySelector('.stage')?.getAttribute('aria-label') ?? ''), null, { timeout: 60_000 });
      await page.waitForTimeout(500); // let the drawing task finish and be observed
      const { longTasks, canvas } = await page.evaluate(() => ({
        longTasks: (window as unknown as { longTasks: number[] }).longTasks,
        canvas: (() => {
          const c = document.querySelector('focus-quality-view')!.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.image')!;
          return [c.width, c.height];
        })(),
      }));
      console.log(`# 8000² image: picture ${canvas.join('×')}, main-thread long tasks: ${longTasks.map((d) => d.toFixed(0)).join(', ') || 'none'}`);
      assert.ok(Math.max(...canvas) <= 2048, `picture ${canvas.join('×')} is small, not 8000²`);
      assert.ok(longTasks.every((d) => d <= 100), `main-thread tasks over 100 ms: ${longTasks.map((d) => d.toFixed(0)).join(', ')}`);
    } finally {
      await page.close();
    }
  });
});
