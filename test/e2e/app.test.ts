/**
 * End to end: the built web app (dist/, `npm run build` first) served by scripts/serve.mjs, driven in Debian's Chromium
 * with playwright-core. A real image is dropped on the page; the table, the overlay and the error path are checked.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decode, encode } from 'fast-png';
import type { Browser } from 'playwright-core';
import { levelColor } from '../../src/core/colormap.js';
import type { FocusResult } from '../../src/core/types.js';
import { IMAGE, dist, drop, openEmpty, openWithImage, start, viewerShows, writeStack, type Served, type Session } from './harness.js';

describe('web app (dist/) in Chromium', { timeout: 240_000 }, () => {
  let session: Session;
  let served: Served;
  let browser: Browser;

  before(async () => {
    session = await start();
    ({ served, browser } = session);
  });
  after(() => session?.close());

  it('a first visit measures the bundled samples: one table row per sample', async () => {
    const samples = JSON.parse(readFileSync(path.join(dist, 'samples/index.json'), 'utf8')) as string[];
    assert.ok(samples.length > 0, 'dist/samples/index.json lists no samples');
    const page = await browser.newPage({ acceptDownloads: true });
    try {
      await page.goto(served.url);
      await page.waitForFunction((n) => document.querySelectorAll('table.results tbody tr').length >= n, samples.length, { timeout: 120_000 });
      const files = await page.$$eval('table.results tbody tr', (rows) => rows.map((r) => r.getAttribute('data-file')));
      assert.deepEqual([...new Set(files)].sort(), [...samples].sort());
      assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'served cross-origin isolated (COOP/COEP)');
      // Sorting: one click on a header sorts ascending, a second descending.
      const scores = () => page.$$eval('table.results tbody tr', (rows) => rows.map((r) => Number(r.querySelector('td.col-score')!.textContent)));
      await page.click('th button[data-sort="score"]');
      const up = await scores();
      assert.deepEqual(up, [...up].sort((a, b) => a - b), 'ascending by score');
      await page.click('th button[data-sort="score"]');
      const down = await scores();
      assert.deepEqual(down, [...up].sort((a, b) => b - a), 'descending by score');
      assert.equal(await page.getAttribute('th:has(button[data-sort="score"])', 'aria-sort'), 'descending');
      // The CSV lists the rows in the order the table shows them.
      const shown = await page.$$eval('table.results tbody tr', (rows) => rows.map((r) => r.getAttribute('data-file')));
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
      const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n').slice(1);
      assert.deepEqual(csv.map((line) => line.split(',')[0]), shown, 'CSV rows in the table order');
      assert.notDeepEqual(shown, [...shown].sort(), 'the check means something: the table order is not file order');
    } finally {
      await page.close();
    }
  });

  it('dropping a real TIFF fills the table and draws each patch border in its level colour', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      const name = await openWithImage(page, served);
      const shot = path.join(tmpdir(), 'focus-quality-e2e.png');
      writeFileSync(shot, await page.screenshot());
      console.log(`# screenshot: ${shot}`);

      const result = (await page.evaluate(() => document.querySelector('focus-quality-view')!.result)) as FocusResult;
      const rowLevel = await page.$eval(`table.results tbody tr[data-file="${name}"] td.col-level`, (td) => td.textContent?.trim());
      assert.equal(rowLevel, String(result.level), 'table level = element result level');

      // Sample the border 1 px inside the left edge of the most certain patches, on the overlay canvas and on the screenshot.
      // Edge patches overlap their neighbour (the grid's last row/column is shifted to the border): skip probes that another patch covers.
      const alone = (p: FocusResult['patches'][number]) =>
        !result.patches.some((q) => q !== p && p.x + 1 >= q.x && p.x + 1 < q.x + q.w && p.y + p.h / 2 >= q.y && p.y + p.h / 2 < q.y + q.h);
      const sure = result.patches.filter(alone).sort((a, b) => b.certainty - a.certainty).slice(0, 6);
      assert.ok(sure[0]!.certainty > 0.3, `no patch is certain enough to check (best ${sure[0]!.certainty})`);
      const probes = sure.map((p) => ({ x: p.x + 1, y: p.y + Math.floor(p.h / 2) }));
      const seen = await page.evaluate((points) => {
        const view = document.querySelector('focus-quality-view')!;
        const overlay = view.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.overlay')!;
        const image = view.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.image')!;
        const box = overlay.getBoundingClientRect();
        const k = box.width / overlay.width;
        return points.map(({ x, y }) => ({
          overlay: [...overlay.getContext('2d')!.getImageData(x, y, 1, 1).data],
          gray: image.getContext('2d')!.getImageData(x, y, 1, 1).data[0]!,
          screen: { x: Math.round(box.left + (x + 0.5) * k), y: Math.round(box.top + (y + 0.5) * k) },
        }));
      }, probes);
      const png = decode(readFileSync(shot));
      const channels = png.channels;
      sure.forEach((p, i) => {
        const want = levelColor(p.level, 1, result.probs.length);
        const { overlay, gray, screen } = seen[i]!;
        const [r, g, b, a] = overlay as [number, number, number, number];
        assert.ok(Math.abs(a - 255 * p.certainty) <= 2, `overlay alpha ${a} at (${probes[i]!.x},${probes[i]!.y}), certainty ${p.certainty}`);
        const tol = 2 + 255 / a;
        assert.ok(Math.abs(r - want.r) <= tol && Math.abs(g - want.g) <= tol && Math.abs(b - want.b) <= tol, `overlay colour ${[r, g, b]} for level ${p.level}, want ${[want.r, want.g, want.b]}`);
        // On screen the border is the level colour blended over the gray image by the patch's certainty.
        const at = (screen.y * png.width + screen.x) * channels;
        const px = [png.data[at]!, png.data[at + 1]!, png.data[at + 2]!];
        const blend = [want.r, want.g, want.b].map((c) => p.certainty * c + (1 - p.certainty) * gray);
        const off = Math.max(...px.map((v, c) => Math.abs(v - blend[c]!)));
        assert.ok(off <= 40, `screen pixel ${px} at ${JSON.stringify(screen)} vs expected ${blend.map(Math.round)} (level ${p.level}, certainty ${p.certainty.toFixed(2)})`);
      });
    } finally {
      await page.close();
    }
  });

  it('a dropped non-image file shows a message naming it and costs only its own row; the downloads hold both, as the CLI writes them', async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    try {
      const name = await openWithImage(page, served);
      await drop(page, [{ name: 'notes.tif', bytes: Buffer.from('exposure 200 ms, gain 2\n') }]);
      const message = await page.waitForSelector('.messages li.error', { timeout: 30_000 });
      const text = (await message.textContent()) ?? '';
      assert.match(text, /notes\.tif.*not a TIFF or PNG/);
      assert.equal(await page.$$eval('table.results tbody tr:not(.failed)', (rows) => rows.length), 1, 'the earlier row stays');
      // The bad file costs its own row, which says why (the file name in its first column, not repeated).
      const failed = (await page.textContent('table.results tbody tr.failed[data-file="notes.tif"] td.col-error'))?.trim() ?? '';
      assert.match(failed, /^not measured: .*not a TIFF or PNG/);
      assert.doesNotMatch(failed, /notes\.tif/);
      // The downloads: the measured file's row, then the failed file's error row, in the CLI's formats.
      const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
      const csv = readFileSync((await csvDownload.path())!, 'utf8').trim().split('\n');
      assert.equal(csv.length, 3, 'CSV: header + one row per file');
      const header = csv[0]!.split(',');
      assert.match(csv[0]!, /^file,slice,width,height,patches,level,score,certainty,mean_certainty,in_focus,verdict,/);
      assert.ok(csv[1]!.startsWith(`${name},0,696,520,`), csv[1]);
      const errorRow = csv[2]!.split(',');
      assert.equal(errorRow[0], 'notes.tif');
      assert.match(errorRow[header.indexOf('error')]!, /not a TIFF or PNG/);
      assert.equal(errorRow[header.indexOf('level')], '', 'no numbers for a file that was not measured');
      const [geoDownload] = await Promise.all([page.waitForEvent('download'), page.click('#geojson')]);
      const geo = JSON.parse(readFileSync((await geoDownload.path())!, 'utf8')) as { type: string; features: { geometry: unknown; properties: { file: string; error?: string } }[] };
      assert.equal(geo.type, 'FeatureCollection');
      const patches = geo.features.filter((f) => f.geometry !== null);
      assert.ok(patches.length > 0 && patches.every((f) => f.properties.file === name), 'one feature per patch of the measured file');
      assert.deepEqual(geo.features.filter((f) => f.geometry === null).map((f) => f.properties.file), ['notes.tif'], 'and one feature without geometry for the failed file');
      const summary = await page.evaluate(() => document.querySelector('focus-quality-view')!.shadowRoot!.querySelector('[part=summary]')?.textContent ?? '');
      assert.match(summary, /level \d+/, 'the earlier image and result stay on display');
    } finally {
      await page.close();
    }
  });

  it('the Pixel size field resamples the next files to the model\'s pixels and the CSV says so; a bad value costs that file a row saying why', async () => {
    const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    try {
      await openEmpty(page, served);
      const name = path.basename(IMAGE);
      await page.fill('#pixel-size', '0.325');
      await page.setInputFiles('#files', IMAGE);
      await page.waitForSelector(`table.results tbody tr[data-file="${name}"]`, { timeout: 120_000 });
      // The card's native pixel is 0.65 µm: a patch of 84 native pixels covers 168 of this image's 0.325 µm pixels.
      await page.waitForFunction(() => (document.querySelector('focus-quality-view') as unknown as { result?: FocusResult }).result !== undefined);
      const widths = await page.evaluate(() => [...new Set((document.querySelector('focus-quality-view') as unknown as { result: FocusResult }).result.patches.map((p) => p.w))]);
      assert.deepEqual(widths, [168]);
      await page.fill('#pixel-size', '0.325 µm/px');
      await drop(page, [{ name: 'second.tif', bytes: readFileSync(IMAGE) }]);
      const failed = (await (await page.waitForSelector('table.results tbody tr.failed[data-file="second.tif"] td.col-error', { timeout: 60_000 })).textContent())?.trim() ?? '';
      assert.match(failed, /^not measured: .*pixelSize.*µm/);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
      const [header, row] = readFileSync((await download.path())!, 'utf8').trim().split('\n').map((l) => l.split(','));
      assert.equal(row![0], name);
      assert.equal(row![header!.indexOf('pixel_size_um')], '0.325');
    } finally {
      await page.close();
    }
  });

  it('a dropped z-stack gets a score-per-slice plot whose marked best slice is the lowest score', async () => {
    // Three planes of a real in-focus image: Gaussian-blurred (σ 4 px), as is, blurred more (σ 8 px).
    const dir = mkdtempSync(path.join(tmpdir(), 'fq-e2e-'));
    const stackFile = path.join(dir, 'stack.tif');
    writeStack(stackFile, [4, 0, 8]);
    const page = await browser.newPage();
    try {
      await openEmpty(page, served);
      await drop(page, [{ name: 'stack.tif', bytes: readFileSync(stackFile) }]);
      await page.waitForSelector('figure.plot svg circle.best', { timeout: 120_000 });
      const rows = await page.$$eval('table.results tbody tr[data-file="stack.tif"]', (trs) =>
        trs.map((tr) => ({ slice: Number(tr.getAttribute('data-slice')), score: Number(tr.querySelector('td.col-score')!.textContent), star: tr.textContent!.includes('★') })),
      );
      assert.equal(rows.length, 3, 'one row per slice');
      assert.equal(await page.$$eval('figure.plot circle.point', (c) => c.length), 3, 'one plot point per slice');
      const lowest = Math.min(...rows.map((r) => r.score));
      const starred = rows.filter((r) => r.star);
      assert.equal(starred.length, 1, 'exactly one best slice in the table');
      assert.equal(starred[0]!.score, lowest, 'the starred slice has the lowest score');
      const caption = (await page.textContent('figure.plot figcaption')) ?? '';
      assert.match(caption, new RegExp(`best: slice ${starred[0]!.slice}\\b`));
    } finally {
      await page.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a dropped hyperstack: a star per channel, rows that say channel and z, a plot along z of the shown channel, and Compose of that channel', async () => {
    // ImageJ hyperstack (tifffile's ImageJ writer), 2 channels × 3 z of a real in-focus crop: channel 0 sharp at z 0,
    // channel 1 (the crop flipped) sharp at z 2; blur σ 4 px per z step. ImageJ stores c fastest: plane = c + 2·z.
    const dir = mkdtempSync(path.join(tmpdir(), 'fq-e2e-'));
    const file = path.join(dir, 'hyper.tif');
    const py = `import sys, tifffile, numpy as n
from scipy.ndimage import gaussian_filter as g
a = tifffile.imread(sys.argv[1]).astype(n.float64)[:252, :252]
b = a[:, ::-1]
planes = [[g(a, 4.0 * z) if z else a, g(b, 4.0 * (2 - z)) if z != 2 else b] for z in range(3)]
tifffile.imwrite(sys.argv[2], n.array(planes).round().astype(n.uint16), imagej=True, metadata={'axes': 'ZCYX'})
`;
    execFileSync('/usr/bin/python3', ['-c', py, IMAGE, file], { timeout: 120_000 });
    const page = await browser.newPage();
    try {
      await openEmpty(page, served);
      await drop(page, [{ name: 'hyper.tif', bytes: readFileSync(file) }]);
      await page.waitForSelector('figure.plot svg circle.best', { timeout: 120_000 });
      await page.waitForFunction(() => document.querySelectorAll('table.results tbody tr[data-file="hyper.tif"]').length === 6 && !document.querySelector('.progress'), null, { timeout: 120_000 });
      const rows = await page.$$eval('table.results tbody tr[data-file="hyper.tif"]', (trs) => trs.map((tr) => ({ slice: Number(tr.getAttribute('data-slice')), label: tr.querySelector('td.col-slice')!.textContent!.trim(), star: tr.textContent!.includes('★') })));
      assert.deepEqual(rows.map((r) => r.label), ['0 (c0 z0)', '1 (c1 z0)', '2 (c0 z1)', '3 (c1 z1)', '4 (c0 z2)', '5 (c1 z2)']);
      assert.deepEqual(rows.filter((r) => r.star).map((r) => r.slice), [0, 5], 'the sharpest z of each channel is starred');
      for (const [slice, channel, best] of [[1, 1, 2], [2, 0, 0]] as const) {
        await page.click(`table.results tbody tr[data-file="hyper.tif"][data-slice="${slice}"]`);
        await page.waitForFunction((c) => (document.querySelector('figure.plot figcaption')?.textContent ?? '').includes(`of channel ${c}`), channel, { timeout: 30_000 });
        assert.equal(await page.$$eval('figure.plot circle.point', (c) => c.length), 3, 'one point per z of the shown channel');
        assert.match((await page.textContent('figure.plot figcaption')) ?? '', new RegExp(`score per z of channel ${channel} \\(best: z ${best},`));
      }
      // Compose takes the shown plane's channel: channel 1, sharp at z 2.
      await page.click('table.results tbody tr[data-file="hyper.tif"][data-slice="5"]');
      await page.waitForFunction(() => /z-slices of channel 1/.test(document.querySelector('.compose .hint')?.textContent ?? ''), null, { timeout: 30_000 });
      await page.click('#compose');
      await page.waitForSelector('table.results tbody tr[data-file="hyper.tif (all-in-focus, channel 1)"]', { timeout: 120_000 });
      const about = (await page.textContent('.compose p')) ?? '';
      assert.match(about, /^All-in-focus composite of hyper\.tif \(channel 1\): z 2 \(\d+ %\)/);
    } finally {
      await page.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the element works in a plain page with one script tag (dist/element-example.html)', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${served.url}element-example.html`);
      await page.waitForFunction(() => /level \d+/.test(document.querySelector('#log')?.textContent ?? ''), null, { timeout: 120_000 });
      const summary = await page.evaluate(() => document.querySelector('focus-quality-view')!.shadowRoot!.querySelector('[part=summary]')?.textContent ?? '');
      assert.match(summary, /level \d+.*patches/s);
    } finally {
      await page.close();
    }
  });

  it('a second visit starts with a drop zone and no Download buttons; "Try the samples" measures them', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(served.url);
      await page.waitForSelector('table.results tbody tr', { timeout: 120_000 });
      await page.goto(served.url); // second visit: same browser profile
      const zone = await page.waitForSelector('.dropzone', { state: 'visible', timeout: 30_000 });
      assert.match((await zone.textContent()) ?? '', /Drop TIFF or PNG files here/);
      assert.equal(await page.$$eval('#csv, #geojson', (b) => b.length), 0, 'nothing to download: no Download buttons');
      assert.equal(await page.isVisible('focus-quality-view'), false, 'no empty viewer beside the drop zone');
      await page.click('#try-samples');
      await page.waitForSelector('table.results tbody tr', { timeout: 120_000 });
      assert.equal(await page.isVisible('.dropzone'), false, 'the drop zone gives way to the results');
      assert.equal(await page.isVisible('#csv'), true);
    } finally {
      await context.close();
    }
  });

  it('a blank image is shown as uncertain with the reason, never as a confident "out of focus"', async () => {
    const page = await browser.newPage();
    try {
      await openEmpty(page, served);
      // An empty well: 16-bit, constant 1000 but for a few hot pixels.
      const data = new Uint16Array(336 * 336).fill(1000);
      data[5] = data[40_000] = 65535;
      await drop(page, [{ name: 'blank.png', bytes: Buffer.from(encode({ width: 336, height: 336, data, depth: 16, channels: 1 })) }]);
      await page.waitForSelector('table.results tbody tr[data-file="blank.png"]', { timeout: 120_000 });
      await viewerShows(page, 'blank.png');
      const result = (await page.evaluate(() => document.querySelector('focus-quality-view')!.result)) as FocusResult;
      assert.equal(result.verdict, 'uncertain', 'the engine calls it uncertain');
      assert.equal((await page.textContent('tr[data-file="blank.png"] td.col-verdict'))?.trim(), 'uncertain');
      const shown = await page.evaluate(() => {
        const root = document.querySelector('focus-quality-view')!.shadowRoot!;
        return { summary: root.querySelector('[part=summary]')?.textContent ?? '', warnings: [...root.querySelectorAll('[part=warning]')].map((w) => w.textContent ?? '') };
      });
      assert.match(shown.summary, /^\s*Uncertain — level \d+ is a guess/, shown.summary);
      assert.doesNotMatch(shown.summary, /out of focus/);
      assert.deepEqual(shown.warnings, [...(result.warnings ?? [])], "the result's reason is shown");
      assert.ok(shown.warnings.length > 0, 'a reason is given');
    } finally {
      await page.close();
    }
  });

  it('Cancel stops a long measurement, says so, and the next file is measured', async () => {
    // A 4096×4096 mosaic of a real image: thousands of patches, long enough to press Cancel mid-way.
    const dir = mkdtempSync(path.join(tmpdir(), 'fq-e2e-'));
    const big = path.join(dir, 'mosaic.tif');
    const py = 'import sys,tifffile,numpy as n\na=tifffile.imread(sys.argv[1])\nt=n.tile(a,(8,6))[:4096,:4096]\ntifffile.imwrite(sys.argv[2],n.ascontiguousarray(t),photometric="minisblack")\n';
    execFileSync('/usr/bin/python3', ['-c', py, IMAGE, big], { timeout: 60_000 });
    const page = await browser.newPage();
    try {
      await openEmpty(page, served);
      await page.setInputFiles('#files', big);
      await page.waitForFunction(() => Number(document.querySelector<HTMLProgressElement>('.progress progress')?.value ?? 0) > 0, null, { timeout: 60_000 });
      await page.click('#cancel');
      const note = await page.waitForSelector('.messages li.info', { timeout: 15_000 });
      assert.match((await note.textContent()) ?? '', /cancelled at mosaic\.tif/);
      assert.equal(await page.$$eval('table.results tbody tr', (rows) => rows.length), 0, 'no row for the cancelled file');
      await page.setInputFiles('#files', IMAGE);
      await page.waitForSelector(`table.results tbody tr[data-file="${path.basename(IMAGE)}"]`, { timeout: 120_000 });
    } finally {
      await page.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
