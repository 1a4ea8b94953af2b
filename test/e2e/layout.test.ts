/**
 * The app's layout at a laptop (1280×720) and a phone (390×844) viewport, in Chromium: nothing pushes the page or the
 * results panel sideways, every column of the results can be reached, and a phone shows each file's verdict at once.
 * FQ_SCREENSHOT_DIR=docs/images also saves the screenshots the docs show.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { drop, openWithSamples, project, start, writeStack, type Session } from './harness.js';

const LONG_NAME = 'plate-2024-03-11_well-B04_site-3_channel-DAPI_through-focus-stack.tif';

async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.FQ_SCREENSHOT_DIR;
  if (dir) await page.screenshot({ path: path.resolve(project, dir, name) });
}

/** Widths that must not exceed their box: the page and the results panel. */
async function overflow(page: Page): Promise<{ page: number; viewport: number; panel: number; panelBox: number }> {
  return page.evaluate(() => {
    const panel = document.querySelector<HTMLElement>('#results')!;
    return { page: document.documentElement.scrollWidth, viewport: window.innerWidth, panel: panel.scrollWidth, panelBox: panel.clientWidth };
  });
}

describe('app layout', { timeout: 300_000 }, () => {
  let session: Session;
  let stackFile: string;
  let dir: string;

  before(async () => {
    session = await start();
    dir = mkdtempSync(path.join(tmpdir(), 'fq-layout-'));
    stackFile = path.join(dir, 'stack.tif');
    writeStack(stackFile, [6, 3, 0, 3, 6]);
  });
  after(async () => {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('1280×720: the table fits its column (no sideways scroll anywhere) with a long file name and a stack', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await openWithSamples(page, session.served);
      await screenshot(page, 'app-1280.png');
      await drop(page, [{ name: LONG_NAME, bytes: readFileSync(stackFile) }]);
      await page.waitForFunction((n) => document.querySelectorAll(`tr[data-file="${n}"]`).length === 5 && !document.querySelector('.progress'), LONG_NAME, { timeout: 120_000 });
      const o = await overflow(page);
      assert.ok(o.page <= o.viewport, `page ${o.page} px wide in a ${o.viewport} px viewport`);
      assert.ok(o.panel <= o.panelBox, `results panel content ${o.panel} px in ${o.panelBox} px`);
      const fit = await page.evaluate(() => {
        const wrap = document.querySelector<HTMLElement>('.table-wrap')!;
        const box = wrap.getBoundingClientRect();
        const headers = [...document.querySelectorAll<HTMLElement>('table.results thead th')].map((th) => {
          const r = th.getBoundingClientRect();
          return { text: th.textContent!.trim(), left: r.left, right: r.right };
        });
        return { scroll: wrap.scrollWidth, client: wrap.clientWidth, left: box.left, right: box.right, headers };
      });
      assert.ok(fit.scroll <= fit.client, `table ${fit.scroll} px in a ${fit.client} px column: it would scroll`);
      assert.equal(fit.headers.length, 8);
      for (const h of fit.headers) assert.ok(h.left >= fit.left - 0.5 && h.right <= fit.right + 0.5, `column "${h.text}" (${h.left}…${h.right}) outside the table box (${fit.left}…${fit.right})`);
      // Sorting by the last column keeps everything in place (it once scrolled the whole panel sideways).
      await page.click('th button[data-sort="patches"]');
      const after = await overflow(page);
      assert.ok(after.panel <= after.panelBox && (await page.evaluate(() => document.querySelector('#results')!.scrollLeft)) === 0, 'panel not scrolled');
      const csv = await page.locator('#csv').boundingBox();
      assert.ok(csv && csv.x >= 0 && csv.x + csv.width <= 1280, 'Download CSV fully on screen');
    } finally {
      await page.close();
    }
  });

  it('a table that cannot fit (large text) scrolls inside its own box with the file column kept in view, never the page', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await openWithSamples(page, session.served);
      await page.addStyleTag({ content: 'table.results { font-size: 26px !important }' });
      const o = await overflow(page);
      assert.ok(o.page <= o.viewport && o.panel <= o.panelBox, `page ${o.page}/${o.viewport}, panel ${o.panel}/${o.panelBox}`);
      const moved = await page.evaluate(() => {
        const wrap = document.querySelector<HTMLElement>('.table-wrap')!;
        const scrolls = wrap.scrollWidth > wrap.clientWidth;
        wrap.scrollLeft = wrap.scrollWidth;
        const name = document.querySelector('tbody th.col-name')!.getBoundingClientRect();
        const last = document.querySelector('tbody td.col-patches')!.getBoundingClientRect();
        const box = wrap.getBoundingClientRect();
        return { scrolls, nameLeft: name.left, boxLeft: box.left, lastRight: last.right, boxRight: box.right };
      });
      assert.ok(moved.scrolls, 'at this text size the table is wider than its column');
      assert.ok(Math.abs(moved.nameLeft - moved.boxLeft) <= 1, 'the file column stays at the left edge while scrolled');
      assert.ok(moved.lastRight <= moved.boxRight + 1, 'the last column can be scrolled into view');
    } finally {
      await page.close();
    }
  });

  it('390×844 (phone): one card per file with its verdict in view without scrolling, every column in the card, no overflow', async () => {
    const page = await session.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const samples = await openWithSamples(page, session.served);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'app-390.png');
      assert.equal(await page.$$eval('table.results', (t) => t.length), 0, 'cards, not a table, on a phone');
      const cards = await page.$$eval('.cards li', (lis) =>
        lis.map((li) => {
          const v = li.querySelector('.verdict')!.getBoundingClientRect();
          return { file: li.getAttribute('data-file'), text: li.textContent!.replace(/\s+/g, ' '), verdict: { top: v.top, bottom: v.bottom, left: v.left, right: v.right } };
        }),
      );
      assert.deepEqual(cards.map((c) => c.file).sort(), [...samples].sort());
      for (const c of cards) {
        assert.ok(c.verdict.top >= 0 && c.verdict.bottom <= 844 && c.verdict.left >= 0 && c.verdict.right <= 390, `${c.file}: verdict at ${JSON.stringify(c.verdict)}, off screen`);
        assert.match(c.text, /(in focus|out of focus|uncertain)/);
        for (const field of [/level \d+/, /score \d+\.\d\d/, /certainty \d\.\d\d/, /mean \d\.\d\d/, /\d+ patches/]) assert.match(c.text, field, `${c.file}: card lacks ${field}`);
      }
      // Sorting on a phone: the select and the order button.
      await page.selectOption('#sort-key', 'score');
      await page.click('#sort-order');
      const scores = await page.$$eval('.cards li .card-numbers', (els) => els.map((e) => Number(/score (\d+\.\d+)/.exec(e.textContent!)![1])));
      assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'descending by score');
      // A stack with a long name: still no overflow, slices named in their cards, thumbnail labels not cut off.
      await drop(page, [{ name: LONG_NAME, bytes: readFileSync(stackFile) }]);
      await page.waitForFunction((n) => document.querySelectorAll(`.cards li[data-file="${n}"]`).length === 5 && !document.querySelector('.progress'), LONG_NAME, { timeout: 120_000 });
      const o = await overflow(page);
      assert.ok(o.page <= o.viewport, `page ${o.page} px wide in a ${o.viewport} px viewport`);
      assert.ok(o.panel <= o.panelBox, `results panel content ${o.panel} px in ${o.panelBox} px`);
      assert.match((await page.textContent(`.cards li[data-file="${LONG_NAME}"]`)) ?? '', /\[slice \d\]/);
      const cut = await page.$$eval('.tile', (tiles) =>
        tiles.filter((t) => {
          const label = t.querySelector('.label')!;
          return label.scrollWidth > label.clientWidth + 1 || label.getBoundingClientRect().bottom > t.getBoundingClientRect().bottom + 1;
        }).length,
      );
      assert.equal(cut, 0, 'thumbnail labels shown whole');
    } finally {
      await page.close();
    }
  });
});
