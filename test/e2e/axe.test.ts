/**
 * axe-core (the accessibility rules engine behind Lighthouse and the axe browser extensions) run inside the built app
 * and the element's example page in Chromium, in each state a user meets: no serious or critical violation.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { describeViolations, drop, openEmpty, openWithSamples, seriousViolations, start, writeStack, type Session } from './harness.js';

async function assertClean(page: Page, state: string): Promise<void> {
  const found = await seriousViolations(page);
  assert.equal(found.length, 0, `${state}:\n${describeViolations(found)}`);
}

describe('axe-core: no serious or critical accessibility violations', { timeout: 300_000 }, () => {
  let session: Session;
  let dir: string;

  before(async () => {
    session = await start();
    dir = mkdtempSync(path.join(tmpdir(), 'fq-axe-'));
  });
  after(async () => {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the app: empty drop zone, results table, a stack with its slice plot, a highlighted patch, an error message', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await openEmpty(page, session.served);
      await assertClean(page, 'empty state');
      await openWithSamples(page, session.served);
      await assertClean(page, 'samples measured');
      const stack = path.join(dir, 'stack.tif');
      writeStack(stack, [4, 0, 4]);
      await drop(page, [{ name: 'stack.tif', bytes: readFileSync(stack) }, { name: 'notes.tif', bytes: Buffer.from('not an image\n') }]);
      await page.waitForSelector('.messages li.error', { timeout: 120_000 });
      await page.waitForSelector('figure.plot svg');
      await page.focus('focus-quality-view >> .stage');
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => document.querySelector('focus-quality-view')!.shadowRoot!.querySelector('.patch-info .reading')!.textContent!.length > 0);
      await assertClean(page, 'stack, error, highlighted patch');
    } finally {
      await page.close();
    }
  });

  it('the app on a phone (390×844): result cards and sort controls', async () => {
    const page = await session.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      await openWithSamples(page, session.served);
      await assertClean(page, 'phone layout');
    } finally {
      await page.close();
    }
  });

  it('the element in a plain page (dist/element-example.html)', async () => {
    const page = await session.browser.newPage();
    try {
      await page.goto(`${session.served.url}element-example.html`);
      await page.waitForFunction(() => /level \d+/.test(document.querySelector('#log')?.textContent ?? ''), null, { timeout: 120_000 });
      await assertClean(page, 'element example');
    } finally {
      await page.close();
    }
  });
});
