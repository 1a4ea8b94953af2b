/**
 * End to end through the real ImJoy runtime: Chromium loads the plugin file by URL into imjoy-core (offline), the
 * plugin's ImageJ.JS service is a real ImageJ 1.x (test/imagej/bridge.ts), the menu item is triggered as ImageJ.JS's
 * menu does, and ImageJ's overlay and tables are read back and compared with the CLI's result for the same file.
 * Needs dist/ (the browser build: worker.js, models/, ort/); the plugin bundle itself is rebuilt here.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { levelColor } from '../../src/core/colormap.js';
import { macroString } from '../../src/hosts/imagej/macros/code.js';
import { computeMetrics } from '../../src/core/metrics/index.js';
import { imageColumns, parseCsv } from '../../src/io/csv.js';
import { readImageFile } from '../../src/node/image-files.js';
import { createBridge, type Bridge } from '../imagej/bridge.js';
import { IN_FOCUS_16 } from '../imagej/fixtures.js';
import { LiveImageJ } from '../imagej/live-imagej.js';
import { readImageState, readOverlay, readTable, type OverlayItem } from '../imagej/readback.js';
import { PROJECT, startHostServer, type HostServer } from './harness.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'];
const RESULT_COLUMNS = ['Label', 'Slice', 'Level', 'Score', 'Certainty', 'Mean certainty', 'In focus', 'Verdict', 'Patches'];

interface CliImage { slice: number; level: number; score: number; certainty: number; meanCertainty: number; inFocus: boolean; verdict?: string; patchCount: number }
interface CliPatch { slice: number; x: number; y: number; w: number; h: number; level: number; certainty: number }

/** The CLI's verdict on a file: per-slice rows and every patch. */
function cliResult(file: string, dir: string): { images: CliImage[]; patches: CliPatch[] } {
  const out = path.join(dir, 'cli.json');
  const patches = path.join(dir, 'cli-patches.csv');
  execFileSync(process.execPath, [path.join(PROJECT, 'bin/focus-quality.js'), file, '--out', out, '--patches', patches, '--quiet'], { timeout: 120_000 });
  const images = JSON.parse(readFileSync(out, 'utf8')) as CliImage[];
  const [head, ...rows] = parseCsv(readFileSync(patches, 'utf8')).filter((r) => r.length > 1);
  const col = (name: string): number => head!.indexOf(name);
  return {
    images,
    patches: rows.map((r) => ({ slice: +r[col('slice')]!, x: +r[col('x')]!, y: +r[col('y')]!, w: +r[col('w')]!, h: +r[col('h')]!, level: +r[col('level')]!, certainty: +r[col('certainty')]! })),
  };
}

function assertOverlayMatches(overlay: OverlayItem[], patches: CliPatch[], stack: boolean, border: number): void {
  assert.equal(overlay.length, patches.length, 'one rectangle per patch');
  const key = (o: { x: number; y: number; slice: number }): string => `${o.slice}:${o.x},${o.y}`;
  const bySpot = new Map(overlay.map((o) => [key({ x: o.x, y: o.y, slice: stack ? o.position - 1 : 0 }), o]));
  for (const p of patches) {
    const o = bySpot.get(key(p));
    assert.ok(o, `no rectangle at slice ${p.slice} (${p.x}, ${p.y})`);
    assert.deepEqual([o.w, o.h], [p.w, p.h]);
    const name = /^L(\d+) c([\d.]+)$/.exec(o.name);
    assert.ok(name, `name ${o.name}`);
    assert.equal(Number(name[1]), p.level, `level at ${key(p)}`);
    assert.ok(Math.abs(Number(name[2]) - p.certainty) <= 0.0051, `certainty at ${key(p)}: ${o.name} vs ${p.certainty}`);
    const colour = levelColor(p.level, p.certainty, 11).hex;
    const got = [1, 3, 5].map((i) => parseInt(o.stroke.slice(i, i + 2), 16));
    const want = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
    assert.ok(got.every((g, i) => Math.abs(g - want[i]!) <= 1), `colour at ${key(p)}: ${o.stroke} vs ${colour}`);
    assert.equal(o.strokeWidth, border);
  }
}

function assertRowsMatch(rows: Record<string, string>[], images: CliImage[], label: string): void {
  const mine = rows.filter((r) => r.Label === label);
  assert.equal(mine.length, images.length, `rows for ${label}`);
  for (const img of images) {
    const row = mine.find((r) => Number(r.Slice) === img.slice + 1);
    assert.ok(row, `row for slice ${img.slice + 1}`);
    assert.equal(Number(row.Level), img.level);
    assert.ok(Math.abs(Number(row.Score) - img.score) < 1e-3, `score ${row.Score} vs ${img.score}`);
    assert.ok(Math.abs(Number(row.Certainty) - img.certainty) < 1e-3);
    assert.ok(Math.abs(Number(row['Mean certainty']) - img.meanCertainty) < 1e-3);
    assert.equal(Number(row['In focus']), img.inFocus ? 1 : 0);
    assert.equal(row.Verdict, img.verdict ?? (img.inFocus ? 'in' : 'out'));
    assert.equal(Number(row.Patches), img.patchCount);
  }
}

describe('ImageJ.JS plugin in the real ImJoy runtime, against a real ImageJ', { timeout: 600_000 }, () => {
  let ij: LiveImageJ;
  let bridge: Bridge;
  let host: HostServer;
  let browser: Browser;
  let page: Page;
  let tmp: string;

  const click = (answer?: string | null): Promise<void> =>
    page.evaluate(async (a) => {
      const w = window as unknown as { __answers: (string | null)[]; __menu: { callback(): Promise<void> }[] };
      if (a !== undefined) w.__answers.push(a);
      await w.__menu[0]!.callback();
    }, answer);
  const log = (): Promise<{ alerts: string[]; status: string[]; prompts: { msg: string; dflt: string }[] }> => page.evaluate(() => (window as unknown as { __log: never }).__log);
  const clearLog = (): Promise<void> => page.evaluate(() => { const l = (window as unknown as { __log: Record<string, unknown[]> }).__log; for (const k of Object.keys(l)) l[k] = []; });

  /** A fresh host page (`?route=app` for the ImJoy app) with the plugin loaded; `prepare` runs in the page first. */
  async function openHost(query: string, prepare?: () => void): Promise<Page> {
    const p = await browser.newPage();
    p.on('console', (m) => { if (process.env.FQ_DEBUG) console.log('[page]', m.text()); });
    await p.goto(`${host.url}/${query}`);
    await p.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true, undefined, { timeout: 30_000 });
    if (prepare) await p.evaluate(prepare);
    // A missing base frame or RPC script makes reloadPluginRecursively hang instead of failing: race a timeout.
    const name = await p.evaluate((u) => Promise.race([
      (window as unknown as { __loadPlugin(u: string): Promise<string> }).__loadPlugin(u),
      new Promise<string>((_, reject) => setTimeout(() => reject(new Error('plugin did not load within 60 s')), 60_000)),
    ]), `${host.url}/dist/focus-quality.imjoy.html`);
    assert.equal(name, 'Focus Quality');
    return p;
  }

  before(async () => {
    assert.ok(existsSync(path.join(PROJECT, 'dist/worker.js')), 'dist/worker.js is missing: build the browser bundles first (rollup -c)');
    execFileSync('npx', ['--no-install', 'rollup', '-c', 'rollup.imagej.mjs', '--silent'], { cwd: PROJECT, timeout: 120_000 });
    tmp = mkdtempSync(path.join(tmpdir(), 'fq-e2e-imagej-'));
    ij = await LiveImageJ.start();
    bridge = createBridge(ij);
    host = await startHostServer(bridge);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    page = await openHost('');
    await page.waitForFunction(() => (window as unknown as { __menu: unknown[] }).__menu.length > 0, undefined, { timeout: 30_000 });
  });
  after(async () => {
    await browser?.close();
    await host?.close();
    await ij?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('adds "Measure Focus Quality" and "Install Focus Quality Macros" to the menu once each, in the Plugins menu', async () => {
    const items = await page.evaluate(() => (window as unknown as { __menu: { label: string; group: string }[] }).__menu.map((m) => [m.label, m.group]));
    assert.deepEqual(items, [['Measure Focus Quality', 'Plugins'], ['Compose All-in-Focus', 'Plugins'], ['Install Focus Quality Macros', 'Plugins']]);
  });

  it('a model that fails to load gives a clear message and writes nothing', async () => {
    await ij.run(`run("Close All"); open("${IN_FOCUS_16}");`);
    host.modelMissing = true;
    try {
      await clearLog();
      await click('overlay patches');
      const { alerts } = await log();
      assert.equal(alerts.length, 1);
      assert.match(alerts[0]!, /^Focus Quality: .*(model|404|load)/i);
      assert.equal((await readOverlay(ij)).length, 0);
      assert.equal((await readTable(ij, 'Focus Quality', ['Label'])).length, 0);
    } finally {
      host.modelMissing = false;
    }
  });

  it('16-bit real image, menu clicked twice: overlay and table equal the CLI result, not doubled', async () => {
    const cli = cliResult(IN_FOCUS_16, tmp);
    await ij.run(`run("Close All"); open("${IN_FOCUS_16}");`);
    await clearLog();
    await click('border=3 overlay patches');
    await click(); // the dialog proposes the remembered options; accepted as is
    const { prompts, alerts } = await log();
    assert.deepEqual(alerts, []);
    assert.equal(prompts[1]!.dflt, 'border=3 overlay patches', 'the dialog remembers the last options');
    assertOverlayMatches(await readOverlay(ij), cli.patches, false, 3);
    assertRowsMatch(await readTable(ij, 'Focus Quality', RESULT_COLUMNS), cli.images, path.basename(IN_FOCUS_16));
    const patchRows = await readTable(ij, 'Focus Quality Patches', ['Label', 'X', 'Y', 'Level']);
    assert.equal(patchRows.length, cli.patches.length);
  });

  it('8-bit image written by ImageJ: same as the CLI on that file', async () => {
    const file = path.join(tmp, 'eight bit.tif');
    await ij.run(`run("Close All"); open("${IN_FOCUS_16}"); run("8-bit"); saveAs("Tiff", ${macroString(file)});`);
    const cli = cliResult(file, tmp);
    await click('border=2 overlay');
    assertOverlayMatches(await readOverlay(ij), cli.patches, false, 2);
    assertRowsMatch(await readTable(ij, 'Focus Quality', RESULT_COLUMNS), cli.images, 'eight bit.tif');
  });

  it('the image calibration is its pixel size: µm or nm, same patches (168 px at 0.325 µm) as the CLI on the calibrated file; uncalibrated says so', async () => {
    const file = path.join(tmp, 'calibrated.tif');
    const props = (unit: string, size: number): string => `run("Properties...", "channels=1 slices=1 frames=1 unit=${unit} pixel_width=${size} pixel_height=${size} voxel_depth=1");`;
    await ij.run(`run("Close All"); open("${IN_FOCUS_16}"); ${props('micron', 0.325)} saveAs("Tiff", ${macroString(file)});`);
    const cli = cliResult(file, tmp);
    assert.ok(cli.patches.length > 0 && cli.patches.every((p) => p.w === 168), 'the CLI resampled the calibrated file: 84-pixel patches at 0.65 µm are 168 of its pixels');
    for (const [unit, size] of [['micron', 0.325], ['nm', 325]] as const) {
      await ij.run(`selectImage("calibrated.tif"); ${props(unit, size)}`);
      await clearLog();
      await click('border=2 overlay');
      const { alerts, status } = await log();
      assert.deepEqual(alerts, []);
      assert.ok(!status.some((m) => /pixel size unknown/.test(m)), `${unit}: ${status.join(' | ')}`);
      assertOverlayMatches(await readOverlay(ij), cli.patches, false, 2);
      assertRowsMatch(await readTable(ij, 'Focus Quality', RESULT_COLUMNS), cli.images, 'calibrated.tif');
    }
    await ij.run('selectImage("calibrated.tif"); run("Properties...", "channels=1 slices=1 frames=1 unit=pixel pixel_width=1 pixel_height=1 voxel_depth=1");');
    await clearLog();
    await click('border=2 overlay');
    const { status } = await log();
    assert.ok(status.some((m) => /pixel size unknown/.test(m)), `uncalibrated: ${status.join(' | ')}`);
    assert.ok((await readOverlay(ij)).every((o) => o.w === 84), 'uncalibrated: measured at its own pixels');
  });

  it('a 5-slice stack whose sharpest slice is 3: slices=all gives 5 rows as the CLI, Best on 3, the user\'s slice kept; select goes to 3', async () => {
    const file = path.join(tmp, 'five.tif');
    // Slice 3 is the image itself, the others blurred copies.
    await ij.run(`run("Close All"); open("${IN_FOCUS_16}"); id = getImageID(); sigmas = newArray(8, 3, 0, 2, 6);
for (i = 0; i < 5; i++) { selectImage(id); run("Duplicate...", "title=p" + i); if (sigmas[i] > 0) run("Gaussian Blur...", "sigma=" + sigmas[i]); }
selectImage(id); close(); run("Images to Stack", "name=five title=[] use"); saveAs("Tiff", ${macroString(file)}); setSlice(2);`);
    const cli = cliResult(file, tmp);
    assert.equal(cli.images.length, 5);
    assert.equal(cli.images.reduce((a, b) => (b.score < a.score ? b : a)).slice, 2, 'the CLI rates slice 3 sharpest');
    await clearLog();
    await click('border=2 overlay slices=all');
    assert.deepEqual((await log()).alerts, []);
    assertOverlayMatches(await readOverlay(ij), cli.patches, true, 2);
    const rows = (await readTable(ij, 'Focus Quality', [...RESULT_COLUMNS, 'Best'])).filter((r) => r.Label === 'five.tif');
    assertRowsMatch(rows, cli.images, 'five.tif');
    assert.deepEqual(rows.map((r) => [Number(r.Slice), Number(r.Best)]), [[1, 0], [2, 0], [3, 1], [4, 0], [5, 0]]);
    assert.equal((await readImageState(ij)).slice, 2, 'the user\'s slice is restored');
    // Progress: fractions below 1 over the whole stack, ending with 100 (ImageJ.JS erases its bar there), no 0 after it.
    const progress = (await log() as unknown as { progress: number[] }).progress;
    assert.equal(progress.at(-1), 100);
    const during = progress.slice(0, -1);
    assert.ok(during.length >= 5 && during.every((p, i) => p >= 0 && p < 1 && (i === 0 || p >= during[i - 1]!)), `progress ${during}`);
    assert.ok(during.at(-1)! > 0.8, 'progress reaches the end of the stack');
    await click('border=2 overlay slices=all select');
    assert.equal((await readImageState(ij)).slice, 3, 'select goes to the best slice');
  });

  it('slices=current on slice 4 records slice 4 and ties the rectangles to it', async () => {
    const file = path.join(tmp, 'five.tif');
    await ij.run(`run("Close All"); open(${macroString(file)}); setSlice(4);`);
    await click('border=2 overlay slices=current');
    const overlay = await readOverlay(ij);
    assert.ok(overlay.length > 0 && overlay.every((o) => o.position === 4), `positions ${[...new Set(overlay.map((o) => o.position))]}`);
    const rows = (await readTable(ij, 'Focus Quality', RESULT_COLUMNS)).filter((r) => r.Label === 'five.tif');
    assert.deepEqual(rows.map((r) => Number(r.Slice)), [4]);
    const cli = cliResult(file, tmp);
    assertRowsMatch(rows, cli.images.filter((i) => i.slice === 3), 'five.tif');
    assert.equal((await readImageState(ij)).slice, 4);
  });

  it('the macro set is installed only when the user agrees, since installing replaces the user\'s own macros', async () => {
    await bridge.service.installMacro('macro "FQ User Macro" { fq_u = 1; }');
    const fresh = await openHost('');
    try {
      await fresh.waitForFunction(() => (window as unknown as { __menu: unknown[] }).__menu.length === 3, undefined, { timeout: 30_000 });
      assert.equal(await bridge.service.runMacro('run("FQ User Macro");'), undefined, 'loading the plugin installed nothing');
      await fresh.evaluate(async () => {
        const w = window as unknown as { __confirms: boolean[]; __menu: { callback(): Promise<void> }[] };
        w.__confirms.push(false);
        await w.__menu[2]!.callback();
      });
      const confirms = await fresh.evaluate(() => (window as unknown as { __log: { confirms: string[] } }).__log.confirms);
      assert.equal(confirms.length, 1);
      assert.match(confirms[0]!, /REPLACES the macros installed there now/);
      assert.equal(await bridge.service.runMacro('run("FQ User Macro");'), undefined, 'declined: the user\'s macro is still there');
      const installed = await fresh.evaluate(() => {
        const w = window as unknown as { __confirms: boolean[]; __plugin: { api: { installMacros(): Promise<boolean> } } };
        w.__confirms.push(true);
        return w.__plugin.api.installMacros();
      });
      assert.equal(installed, true);
      await assert.rejects(bridge.service.runMacro('run("FQ User Macro");'), /Unrecognized command/);
      // The installed "Go To Best Slice" goes where the Best column points.
      await ij.run(`run("Close All"); open(${macroString(path.join(tmp, 'five.tif'))}); setSlice(5);`);
      await fresh.evaluate(() => (window as unknown as { __plugin: { api: { measure(s: string): Promise<unknown> } } }).__plugin.api.measure('border=1 overlay slices=all'));
      assert.equal((await readImageState(ij)).slice, 5);
      await ij.run('run("Focus Quality: Go To Best Slice");');
      assert.equal((await readImageState(ij)).slice, 3);
    } finally {
      await fresh.close();
    }
  });

  it('Compose All-in-Focus on the 5-slice stack opens the composite (same size and type, taken from slice 3) and its depth map', async () => {
    await ij.run(`run("Close All"); open(${macroString(path.join(tmp, 'five.tif'))}); setSlice(2);`);
    await clearLog();
    await page.evaluate(async () => {
      const w = window as unknown as { __answers: string[]; __menu: { label: string; callback(): Promise<void> }[] };
      w.__answers.push('depth');
      await w.__menu.find((m) => m.label === 'Compose All-in-Focus')!.callback();
    });
    const { alerts, status } = await log();
    assert.deepEqual(alerts, []);
    assert.ok(status.some((s) => /five_all-in-focus: all-in-focus from 5 slice\(s\), best slice 3/.test(s)), `status: ${status.join(' | ')}`);
    await ij.run('selectImage("five.tif");');
    assert.equal((await readImageState(ij)).slice, 2, 'the user\'s slice is restored');
    const info = await ij.run(`s = "";
for (i = 1; i <= nImages; i++) { selectImage(i); getDimensions(w, h, c, z, t); s = s + getTitle() + "," + bitDepth() + "," + w + "," + h + "," + z + ";"; }
return s;`);
    assert.deepEqual(info.split(';').filter(Boolean).sort(), ['five.tif,16,696,520,5', 'five_all-in-focus,16,696,520,1', 'five_all-in-focus_depth,16,696,520,1']);
    // Slice 3 is the sharp one everywhere: the depth map says so for most pixels, and the composite is close to it.
    const check = await ij.run(`selectImage("five_all-in-focus_depth"); getHistogram(v, counts, 65536); fq_three = counts[2] / (getWidth() * getHeight());
selectImage("five.tif"); setSlice(3); run("Duplicate...", "title=fq_s3"); imageCalculator("Difference create 32-bit", "five_all-in-focus", "fq_s3"); getStatistics(a, d3);
selectImage("five.tif"); setSlice(1); run("Duplicate...", "title=fq_s1"); imageCalculator("Difference create 32-bit", "five_all-in-focus", "fq_s1"); getStatistics(a, d1);
return "" + fq_three + "," + d3 + "," + d1;`);
    const [three, d3, d1] = check.split(',').map(Number) as [number, number, number];
    assert.ok(three > 0.8, `share of slice 3 in the depth map: ${three}`);
    assert.ok(d3 < d1 / 5, `mean |composite − slice 3| = ${d3}, |composite − slice 1| = ${d1}`);
  });

  it('compose on a single image opens that image unchanged, with a note', async () => {
    await ij.run(`run("Close All"); open("${IN_FOCUS_16}");`);
    await clearLog();
    const r = await page.evaluate(() => (window as unknown as { __plugin: { api: { compose(s: string): Promise<{ title: string; notes: string[]; slices: number }> } } }).__plugin.api.compose(''));
    assert.equal(r.slices, 1);
    assert.match(r.notes.join(' '), /only one slice/);
    const diff = await ij.run(`imageCalculator("Difference create 32-bit", "${path.basename(IN_FOCUS_16)}", "${r.title}"); getStatistics(a, mean, min, max); return "" + max;`);
    assert.equal(Number(diff), 0);
    const err = await page.evaluate(() => (window as unknown as { __plugin: { api: { compose(s: string): Promise<unknown> } } }).__plugin.api.compose('depht').then(() => 'resolved', (e: Error) => String(e?.message ?? e)));
    assert.match(err, /depht/);
  });

  it('a 2-channel hyperstack: the current channel is measured over its slices, as the CLI on that channel; position kept', async () => {
    const file = path.join(tmp, 'channel2.tif');
    // Channel 1: sharp, blurred, blurred more; channel 2: the reverse order; 2 channels × 3 slices.
    await ij.run(`run("Close All"); open("${IN_FOCUS_16}"); id = getImageID(); sigmas = newArray(0, 3, 8, 8, 3, 0);
for (i = 0; i < 6; i++) { selectImage(id); run("Duplicate...", "title=q" + i); if (sigmas[i] > 0) run("Gaussian Blur...", "sigma=" + sigmas[i]); }
selectImage(id); close(); run("Images to Stack", "name=hyper title=[] use");
run("Stack to Hyperstack...", "order=xyzct channels=2 slices=3 frames=1 display=Grayscale");
hid = getImageID(); run("Duplicate...", "title=c2 duplicate channels=2"); saveAs("Tiff", ${macroString(file)}); close();
selectImage(hid); Stack.setPosition(2, 2, 1);`);
    // order=xyzct with channels fastest in the source order: plane i is (c = i % 2 + 1, z = floor(i / 2) + 1).
    const cli = cliResult(file, tmp);
    assert.equal(cli.images.length, 3);
    await clearLog();
    await click('border=2 overlay slices=all');
    const { alerts, status } = await log();
    assert.deepEqual(alerts, []);
    assert.ok(status.some((s) => /2 channels: channel 2/.test(s)), `status: ${status.join(' | ')}`);
    const rows = (await readTable(ij, 'Focus Quality', [...RESULT_COLUMNS, 'Channel', 'Best'])).filter((r) => r.Label === 'hyper');
    assertRowsMatch(rows, cli.images, 'hyper');
    assert.ok(rows.every((r) => Number(r.Channel) === 2));
    const overlay = await readOverlay(ij);
    assert.ok(overlay.length > 0 && overlay.every((o) => o.channel === 2 && o.frame === 1));
    assert.deepEqual([...new Set(overlay.map((o) => o.position))].sort(), [1, 2, 3]);
    assert.deepEqual((await readImageState(ij)).position, [2, 2, 1], 'the user\'s channel and slice are restored');
  });

  it('the image measured is the one current when the command started, even if the user clicks another one meanwhile', async () => {
    const cli = cliResult(IN_FOCUS_16, tmp);
    await ij.run(`run("Close All"); newImage("other", "16-bit ramp", 200, 150, 1); open("${IN_FOCUS_16}");`);
    // Right after the probe found the image, a "click" makes another image current.
    let clicked = false;
    bridge.options.afterMacro = async (code) => {
      if (!clicked && /^selectImage\(-?\d+\);$/.test(code)) {
        clicked = true;
        await ij.run('selectImage("other");');
      }
    };
    try {
      await clearLog();
      await click('border=2 overlay');
    } finally {
      bridge.options.afterMacro = undefined;
    }
    assert.ok(clicked, 'the click happened');
    assert.deepEqual((await log()).alerts, []);
    assertRowsMatch(await readTable(ij, 'Focus Quality', RESULT_COLUMNS), cli.images, path.basename(IN_FOCUS_16));
    assert.equal((await readTable(ij, 'Focus Quality', RESULT_COLUMNS)).filter((r) => r.Label === 'other').length, 0);
  });

  it('scripting: measure(options) returns the results; a bad option string is refused naming the key', async () => {
    await ij.run(`run("Close All"); open("${IN_FOCUS_16}");`);
    const cli = cliResult(IN_FOCUS_16, tmp);
    const r = await page.evaluate(() => (window as unknown as { __plugin: { api: { measure(s: string): Promise<{ results: { level: number; score: number; patches: unknown[] }[] }> } } }).__plugin.api.measure('border=1 overlay'));
    assert.equal(r.results.length, 1);
    assert.equal(r.results[0]!.level, cli.images[0]!.level);
    assert.ok(Math.abs(r.results[0]!.score - cli.images[0]!.score) < 1e-3);
    assert.equal(r.results[0]!.patches.length, cli.patches.length);
    const err = await page.evaluate(() => (window as unknown as { __plugin: { api: { measure(s: string): Promise<unknown> } } }).__plugin.api.measure('bordr=2').then(() => 'resolved', (e: Error) => String(e?.message ?? e)));
    assert.match(err, /bordr/);
  });

  it('the Java-plugin route: callPlugin("Focus Quality", "measureText", options, promise) resolves the CLI\'s CSV; measure\'s object result is refused there', async () => {
    await ij.run(`run("Close All"); open("${IN_FOCUS_16}");`);
    const cli = cliResult(IN_FOCUS_16, tmp);
    const call = (fn: string): Promise<{ text?: string; error?: string }> =>
      page.evaluate((f) => new Promise((resolve) => {
        const w = window as unknown as { callPlugin(...a: unknown[]): Promise<void> };
        void w.callPlugin('Focus Quality', f, 'border=1 overlay', {
          resolveString: (text: string) => resolve({ text }),
          resolveImagePlus: () => resolve({ error: 'an image' }),
          reject: (error: string) => resolve({ error }),
        });
      }), fn);
    const { text, error } = await call('measureText');
    assert.equal(error, undefined);
    const [head, ...rows] = parseCsv(text!).filter((r) => r.length > 1);
    assert.deepEqual(head, imageColumns());
    assert.equal(rows.length, 1);
    const row = Object.fromEntries(head!.map((k, i) => [k, rows[0]![i]!]));
    assert.equal(row.file, path.basename(IN_FOCUS_16));
    assert.equal(Number(row.slice), 0);
    assert.equal(Number(row.level), cli.images[0]!.level);
    assert.ok(Math.abs(Number(row.score) - cli.images[0]!.score) < 1e-3);
    assert.deepEqual(await call('measure'), { error: 'unsupported result type' });
  });

  it('metrics=[plls,brenner]: the worker computes them and the results table gets their columns, equal to computeMetrics', async () => {
    await ij.run(`run("Close All"); open("${IN_FOCUS_16}");`);
    const r = await page.evaluate(() => (window as unknown as { __plugin: { api: { measure(s: string): Promise<{ options: { metrics?: string }; results: { metrics?: Record<string, number> }[] }> } } }).__plugin.api.measure('overlay metrics=[plls, brenner]'));
    assert.equal(r.options.metrics, 'plls,brenner');
    const expected = computeMetrics((await readImageFile(IN_FOCUS_16)).slices[0]!, ['plls', 'brenner']);
    const rows = (await readTable(ij, 'Focus Quality', [...RESULT_COLUMNS, 'plls', 'brenner'])).filter((row) => row.Label === path.basename(IN_FOCUS_16));
    assert.equal(rows.length, 1);
    for (const n of ['plls', 'brenner'] as const) {
      assert.ok(Math.abs(r.results[0]!.metrics![n]! - expected[n]!) <= 1e-9 * Math.abs(expected[n]!), `${n} from the worker: ${r.results[0]!.metrics![n]} vs ${expected[n]}`);
      assert.ok(Math.abs(Number(rows[0]![n]) - expected[n]!) < 1e-6, `${n} in ImageJ's table: ${rows[0]![n]} vs ${expected[n]}`);
    }
  });

  it('bad input: no image, 10×10, cancel, ImageJ failing mid-write: clear messages, nothing half-written', async () => {
    await ij.run('run("Close All");');
    await clearLog();
    await click('overlay');
    assert.match((await log()).alerts.at(-1) ?? '', /^Focus Quality: no image is open/);

    await ij.run('newImage("tiny", "16-bit ramp", 10, 10, 1);');
    await click('overlay');
    assert.match((await log()).alerts.at(-1) ?? '', /10×10 .*84×84/);
    assert.equal((await readOverlay(ij)).length, 0);

    await ij.run(`run("Close All"); open("${IN_FOCUS_16}"); makeRectangle(3, 3, 20, 20); Roi.setName("mine"); Overlay.addSelection("blue", 1); run("Select None");`);
    await click(null); // Cancel in the dialog
    assert.deepEqual((await readOverlay(ij)).map((o) => o.name), ['mine']);

    bridge.options.failMacro = /Mean certainty/; // the last part (the results table) fails in ImageJ, after the overlay and patch rows
    try {
      await clearLog();
      await click('overlay patches');
      assert.match((await log()).alerts.at(-1) ?? '', /nothing was kept/);
      assert.deepEqual((await readOverlay(ij)).map((o) => o.name), ['mine'], 'rectangles rolled back');
      const patchRows = (await readTable(ij, 'Focus Quality Patches', ['Label'])).filter((r) => r.Label === path.basename(IN_FOCUS_16));
      assert.equal(patchRows.length, 0, 'patch rows rolled back');
    } finally {
      bridge.options.failMacro = undefined;
    }

  });

  for (const order of ['bgra', 'rgba'] as const) {
    it(`an RGB image sent as ${order.toUpperCase()} is measured as its luminance, equal to the CLI on the same picture`, async () => {
      const file = path.join(tmp, 'colour.tif');
      // Three different channels (the image, a blurred copy, the inverted image): R and B swapped would change the result.
      await ij.run(`run("Close All"); open("${IN_FOCUS_16}"); run("8-bit"); rename("r"); run("Duplicate...", "title=g"); run("Gaussian Blur...", "sigma=2");
selectImage("r"); run("Duplicate...", "title=b"); run("Invert"); run("Merge Channels...", "c1=r c2=g c3=b"); saveAs("Tiff", ${macroString(file)});`);
      const cli = cliResult(file, tmp);
      bridge.options.rgbOrder = order;
      try {
        await clearLog();
        await click('border=2 overlay');
        const { alerts, status } = await log();
        assert.deepEqual(alerts, []);
        assert.ok(status.some((s) => /colour image measured as its luminance/.test(s)), `status: ${status.join(' | ')}`);
        assertOverlayMatches(await readOverlay(ij), cli.patches, false, 2);
        assertRowsMatch(await readTable(ij, 'Focus Quality', RESULT_COLUMNS), cli.images, 'colour.tif');
      } finally {
        bridge.options.rgbOrder = undefined;
      }
    });
  }

  it('run(ctx) with an ndarray in ctx.data.image returns GeoJSON for other viewers', async () => {
    await ij.run(`run("Close All"); open("${IN_FOCUS_16}");`);
    const cli = cliResult(IN_FOCUS_16, tmp);
    const fc = await page.evaluate(async () => {
      const r = await fetch('/ij/getImage', { method: 'POST', body: '{}' });
      const image = { _rtype: 'ndarray', _rvalue: await r.arrayBuffer(), _rshape: JSON.parse(r.headers.get('x-shape')!), _rdtype: r.headers.get('x-dtype') };
      return (window as unknown as { __plugin: { api: { run(ctx: unknown): Promise<{ type: string; features: { geometry: { coordinates: number[][][] }; properties: { level: number } }[] }> } } }).__plugin.api.run({ data: { image } });
    });
    assert.equal(fc.type, 'FeatureCollection');
    assert.equal(fc.features.length, cli.patches.length);
    const first = cli.patches[0]!;
    assert.deepEqual(fc.features[0]!.geometry.coordinates[0]![0], [first.x, first.y]);
    assert.equal(fc.features[0]!.properties.level, first.level);
    // With data.pixelSize the plane is resampled to the model's 0.65 µm: patches of 168 pixels at 0.325 µm.
    const sized = await page.evaluate(async () => {
      const r = await fetch('/ij/getImage', { method: 'POST', body: '{}' });
      const image = { _rtype: 'ndarray', _rvalue: await r.arrayBuffer(), _rshape: JSON.parse(r.headers.get('x-shape')!), _rdtype: r.headers.get('x-dtype') };
      const fc = await (window as unknown as { __plugin: { api: { run(ctx: unknown): Promise<{ features: { geometry: { coordinates: number[][][] } }[] }> } } }).__plugin.api.run({ data: { image, pixelSize: 0.325 } });
      return fc.features.map((f) => f.geometry.coordinates[0]![2]![0]! - f.geometry.coordinates[0]![0]![0]!);
    });
    assert.ok(sized.length > 0 && sized.every((w) => w === 168), `patch widths ${[...new Set(sized)]}`);
  });

  it('the ImJoy app, no ImageJ.JS window open: getWindow is null, the plugin opens https://ij.imjoy.io and works in it', async () => {
    const app = await openHost('?route=app');
    try {
      await app.waitForFunction(() => (window as unknown as { __menu: unknown[] }).__menu.length > 0, undefined, { timeout: 30_000 });
      const state = await app.evaluate(async () => {
        const w = window as unknown as { __createWindowCalls: unknown[]; __imjoy: { pm: { getWindow(p: null, c: string): Promise<unknown> } } };
        return { calls: w.__createWindowCalls, unknown: await w.__imjoy.pm.getWindow(null, 'ImageJ.JS') };
      });
      assert.deepEqual(state.calls, [{ src: 'https://ij.imjoy.io', name: 'ImageJ.JS' }]);
      assert.equal(state.unknown, null, "imjoy-core's own getWindow knows no ImageJ.JS window");
      await ij.run(`run("Close All"); open("${IN_FOCUS_16}");`);
      const r = await app.evaluate(() => (window as unknown as { __plugin: { api: { measure(s: string): Promise<{ results: unknown[] }> } } }).__plugin.api.measure('border=1 overlay'));
      assert.equal(r.results.length, 1);
      assert.ok((await readOverlay(ij)).length > 0);
    } finally {
      await app.close();
    }
  });

  it('the ImJoy app when ImageJ.JS cannot be opened: the plugin still loads and says what to do; a later run opens it', async () => {
    const app = await openHost('?route=app', () => { (window as unknown as { __createWindowFails: boolean }).__createWindowFails = true; });
    try {
      await app.waitForFunction(() => (window as unknown as { __log: { alerts: string[] } }).__log.alerts.length > 0, undefined, { timeout: 30_000 });
      const alerts = await app.evaluate(() => (window as unknown as { __log: { alerts: string[] } }).__log.alerts);
      assert.equal(alerts.length, 1);
      assert.match(alerts[0]!, /^Focus Quality: no ImageJ\.JS to work with: open https:\/\/ij\.imjoy\.io\/\?plugin=http:\/\/127\.0\.0\.1:\d+\/dist\/focus-quality\.imjoy\.html .*Failed to load https:\/\/ij\.imjoy\.io/);
      await ij.run(`run("Close All"); open("${IN_FOCUS_16}");`);
      await app.evaluate(() => { (window as unknown as { __createWindowFails: boolean }).__createWindowFails = false; });
      const r = await app.evaluate(() => (window as unknown as { __plugin: { api: { measure(s: string): Promise<{ results: unknown[] }> } } }).__plugin.api.measure('border=1 overlay'));
      assert.equal(r.results.length, 1);
      assert.equal(await app.evaluate(() => (window as unknown as { __menu: unknown[] }).__menu.length), 3, 'the menu items arrive with the window');
    } finally {
      await app.close();
    }
  });
});
