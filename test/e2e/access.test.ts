/**
 * The app used with the keyboard only, and by touch, in Chromium with real key presses and taps: every tab stop shows
 * a focus ring, long lists are one tab stop, and sorting, picking a file, moving across patches and picking a slice
 * all work without a mouse. The patch reading a screen reader hears is checked against the element's own result.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { FocusResult } from '../../src/core/types.js';
import { IMAGE, openEmpty, openWithSamples, start, viewerShows, writeStack, type Session } from './harness.js';

interface Stop {
  /** What has focus, e.g. `button#csv`, `tr[3:12]`, `div.stage (shadow)`. */
  readonly what: string;
  readonly outline: string;
  readonly outlineWidth: number;
}

/** The focused element (inside the element's shadow root when focus is there) and its outline. */
function focused(page: Page): Promise<Stop> {
  return page.evaluate(() => {
    let el = document.activeElement as HTMLElement | null;
    let shadow = false;
    while (el?.shadowRoot?.activeElement) [el, shadow] = [el.shadowRoot.activeElement as HTMLElement, true];
    if (!el || el === document.body) return { what: 'body', outline: 'none', outlineWidth: 0 };
    const style = getComputedStyle(el);
    const key = el.dataset.key ? `[${el.dataset.key}]` : '';
    const what = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.dataset.sort ? `[sort=${el.dataset.sort}]` : ''}${key}${el.classList.contains('stage') ? '.stage' : ''}${shadow ? ' (shadow)' : ''}`;
    return { what, outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) };
  });
}

/** Presses Tab until `match` has focus (at most 40 presses). */
async function tabTo(page: Page, match: (what: string) => boolean): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (match((await focused(page)).what)) return;
  }
  throw new Error('never reached by Tab');
}

const viewer = (page: Page) =>
  page.evaluate(() => {
    const v = document.querySelector('focus-quality-view')!;
    const root = v.shadowRoot!;
    return { result: v.result as FocusResult, reading: root.querySelector('.patch-info .reading')?.textContent ?? '', summary: root.querySelector('[part=summary]')?.textContent ?? '' };
  });

describe('keyboard and touch', { timeout: 300_000 }, () => {
  let session: Session;
  let dir: string;
  let stack: string;

  before(async () => {
    session = await start();
    dir = mkdtempSync(path.join(tmpdir(), 'fq-access-'));
    stack = path.join(dir, 'stack50.tif');
    // 50 slices of a 252×252 crop (9 patches each), sharpest at slice 25.
    writeStack(stack, Array.from({ length: 50 }, (_, i) => Math.abs(i - 25) * 0.4), { crop: 252 });
  });
  after(async () => {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keyboard only: a 50-slice stack is one tab stop; every stop has a focus ring; sort, pick, move across patches and slices', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await openEmpty(page, session.served);
      await page.setInputFiles('#files', [IMAGE, stack]); // the stack last: its slice plot is on display
      await page.waitForFunction(() => document.querySelectorAll('table.results tbody tr').length === 51 && !document.querySelector('.progress'), null, { timeout: 180_000 });

      // Walk the whole tab order once: every stop visibly focused, the 51 rows one stop.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      const stops: Stop[] = [];
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const s = await focused(page);
        if (s.what === 'body' || stops.some((t) => t.what === s.what)) break;
        stops.push(s);
      }
      const names = stops.map((s) => s.what);
      for (const s of stops) assert.ok(s.outline !== 'none' && s.outlineWidth >= 2, `${s.what} shows no focus ring (${s.outline} ${s.outlineWidth}px)`);
      assert.equal(names.filter((n) => n.startsWith('tr')).length, 1, `one tab stop for all rows: ${names.join(', ')}`);
      assert.ok(names.some((n) => n.includes('.stage (shadow)')), 'the patch map is a tab stop');
      assert.ok(names.some((n) => n.startsWith('svg')), 'the slice plot is a tab stop');
      assert.ok(stops.length <= 20, `${stops.length} tab stops: ${names.join(', ')}`);
      console.log(`# ${stops.length} tab stops: ${names.join(', ')}`);

      // Sort by score with Enter, then descending with Space.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await tabTo(page, (w) => w.includes('[sort=score]'));
      await page.keyboard.press('Enter');
      assert.equal(await page.getAttribute('th:has(button[data-sort="score"])', 'aria-sort'), 'ascending');
      await page.keyboard.press('Space');
      assert.equal(await page.getAttribute('th:has(button[data-sort="score"])', 'aria-sort'), 'descending');
      const order = await page.$$eval('table.results tbody tr', (rows) => rows.map((r) => ({ key: r.getAttribute('data-key')!, score: Number(r.querySelector('td.col-score')!.textContent) })));
      assert.deepEqual(order.map((o) => o.score), [...order.map((o) => o.score)].sort((a, b) => b - a));

      // Rows: arrows move the focus along the shown order; Enter and Space show the focused row's image.
      await tabTo(page, (w) => w.startsWith('tr'));
      const selectedKey = await page.$eval('tr[aria-selected="true"]', (tr) => tr.getAttribute('data-key'));
      assert.equal((await focused(page)).what, `tr[${selectedKey}]`, 'the rows take focus at the row on display');
      await page.keyboard.press('Home');
      assert.equal((await focused(page)).what, `tr[${order[0]!.key}]`);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assert.equal((await focused(page)).what, `tr[${order[2]!.key}]`);
      await page.keyboard.press('Enter');
      const picked = order[2]!.key;
      assert.equal(await page.getAttribute(`tr[data-key="${picked}"]`, 'aria-selected'), 'true');
      const pickedSlice = Number(await page.getAttribute(`tr[data-key="${picked}"]`, 'data-slice'));
      await viewerShows(page, (await page.getAttribute(`tr[data-key="${picked}"]`, 'data-file'))!, pickedSlice);
      assert.equal((await viewer(page)).result.slice, pickedSlice, 'Enter shows that row');
      await page.keyboard.press('End');
      assert.equal((await focused(page)).what, `tr[${order[order.length - 1]!.key}]`);
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Space');
      assert.equal(await page.getAttribute(`tr[data-key="${order[1]!.key}"]`, 'aria-selected'), 'true', 'Space shows the row too');
      assert.equal((await focused(page)).what, `tr[${order[1]!.key}]`, 'focus stays on the row');

      // Pick the 696×520 image (63 patches) and walk its patches: each one announced with its own level and certainty.
      const imageKey = await page.$eval(`tr[data-file="${path.basename(IMAGE)}"]`, (tr) => tr.getAttribute('data-key')!);
      const index = order.findIndex((o) => o.key === imageKey);
      await page.keyboard.press('Home');
      for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await viewerShows(page, path.basename(IMAGE));
      await tabTo(page, (w) => w.includes('.stage'));
      const expect = async (x: number, y: number) => {
        const { result, reading } = await viewer(page);
        const i = result.patches.findIndex((p) => p.x === x && p.y === y);
        const p = result.patches[i]!;
        assert.match(reading, new RegExp(`^Patch ${i + 1} of ${result.patches.length} at x ${x}, y ${y}: level ${p.level}\\b.*certainty ${p.certainty.toFixed(2)}`), reading);
      };
      await page.keyboard.press('ArrowRight');
      await expect(0, 0);
      await page.keyboard.press('ArrowRight');
      await expect(84, 0);
      await page.keyboard.press('ArrowDown');
      await expect(84, 84);
      await page.keyboard.press('End');
      await expect(696 - 84, 84);
      await page.keyboard.press('PageDown');
      await expect(696 - 84, 520 - 84);
      const description = await page.evaluate(() => document.querySelector('focus-quality-view')!.shadowRoot!.querySelector('#description')!.textContent!);
      assert.match(description, /^63 patches: \d+ at level/, description);
      await page.keyboard.press('Escape');
      assert.equal((await viewer(page)).reading, '', 'Escape clears the highlight');

      // The stack's slice plot is a slider: arrows pick the slice on display.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await tabTo(page, (w) => w.startsWith('tr'));
      await page.keyboard.press('Home');
      const stackRow = await page.$eval('tr[data-file="stack50.tif"]', (tr) => tr.getAttribute('data-key')!);
      for (const o of order) {
        if (o.key === stackRow) break;
        await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => /^stack50\.tif \[slice \d+\]:/.test(document.querySelector('focus-quality-view')!.shadowRoot!.querySelector('.stage')?.getAttribute('aria-label') ?? ''));
      const start = (await viewer(page)).result.slice;
      await tabTo(page, (w) => w.startsWith('svg'));
      await page.keyboard.press('ArrowRight');
      await viewerShows(page, 'stack50.tif', Math.min(49, start + 1));
      assert.equal((await viewer(page)).result.slice, Math.min(49, start + 1));
      assert.equal(Number(await page.getAttribute('figure.plot svg', 'aria-valuenow')), Math.min(49, start + 1));
      await page.keyboard.press('End');
      await viewerShows(page, 'stack50.tif', 49);
      assert.equal((await viewer(page)).result.slice, 49);
      await page.keyboard.press('Home');
      await viewerShows(page, 'stack50.tif', 0);
      assert.equal((await viewer(page)).result.slice, 0);
      assert.match((await page.getAttribute('figure.plot svg', 'aria-valuetext')) ?? '', /^slice 0 \(1 of 50\): score/);
    } finally {
      await page.close();
    }
  });

  it('touch (390×844): tapping a card shows its image; tapping a patch announces its level and certainty', async () => {
    const context = await session.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      await openWithSamples(page, session.served);
      const target = await page.$eval('.cards li:not(.selected)', (li) => li.getAttribute('data-key')!);
      await page.tap(`.cards li[data-key="${target}"]`);
      assert.equal(await page.getAttribute(`.cards li[data-key="${target}"]`, 'aria-selected'), 'true');
      const file = await page.getAttribute(`.cards li[data-key="${target}"]`, 'data-file');
      await viewerShows(page, file!);
      await page.waitForFunction(() => {
        const box = document.querySelector('focus-quality-view')!.getBoundingClientRect();
        return box.top >= -1 && box.top < innerHeight / 2;
      }, null, { timeout: 5_000 });
      // The scroll is smooth: tap only once it has come to rest.
      let last = -1;
      for (let y = await page.evaluate(() => scrollY); y !== last; y = await page.evaluate(() => scrollY)) {
        last = y;
        await page.waitForTimeout(150);
      }
      const { result, summary } = await viewer(page);
      assert.ok(summary.length > 0 && file, 'the viewer shows the tapped file');
      // Tap the centre of a patch in the middle of the image.
      const p = result.patches[Math.floor(result.patches.length / 2)]!;
      const box = (await page.locator('focus-quality-view >> canvas.overlay').boundingBox())!;
      const k = box.width / result.width;
      await page.touchscreen.tap(box.x + (p.x + p.w / 2) * k, box.y + (p.y + p.h / 2) * k);
      const { reading } = await viewer(page);
      assert.match(reading, new RegExp(`at x ${p.x}, y ${p.y}: level ${p.level}\\b.*certainty ${p.certainty.toFixed(2)}`), reading);
    } finally {
      await context.close();
    }
  });
});
