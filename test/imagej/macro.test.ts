/**
 * Every macro we generate runs in a real ImageJ 1.x without error, and what ImageJ then holds (overlay, tables,
 * current slice) is what the FocusResult says. One live ImageJ serves the whole file.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { levelColor } from '../../src/core/colormap.js';
import { macroString } from '../../src/hosts/imagej/macros/code.js';
import { installableMacroSet } from '../../src/hosts/imagej/macros/installable.js';
import { patchName, stackLayout } from '../../src/hosts/imagej/macros/overlay.js';
import { rollbackMacro, writeResultsMacros, type MacroOptions } from '../../src/hosts/imagej/macros/results.js';
import { patchesTableTitle } from '../../src/hosts/imagej/macros/table.js';
import { pickBestSlice } from '../../src/core/slices.js';
import type { FocusResult } from '../../src/core/types.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, computeMetrics, metricPerPatch } from '../../src/core/metrics/index.js';
import { readImageFile } from '../../src/node/image-files.js';
import { LiveImageJ } from './live-imagej.js';
import { emptyResult, handMadeResult, IN_FOCUS_16 } from './fixtures.js';
import { readImageState, readOverlay, readTable } from './readback.js';

let ij: LiveImageJ;
before(async () => {
  ij = await LiveImageJ.start();
});
after(async () => {
  await ij?.stop();
});

const BASE: MacroOptions = { levels: 11, border: 2, overlay: true, table: 'Focus Quality', patches: true, select: false };
const RESULT_COLUMNS = ['Label', 'Slice', 'Level', 'Score', 'Certainty', 'Mean certainty', 'In focus', 'Verdict', 'Patches'];
const PATCH_COLUMNS = ['Label', 'Slice', 'X', 'Y', 'Width', 'Height', 'Level', 'Certainty', ...Array.from({ length: 11 }, (_, k) => `P${k}`)];

async function write(results: readonly FocusResult[], o: MacroOptions): Promise<number> {
  const macros = writeResultsMacros(results, o);
  for (const m of macros) await ij.run(m);
  return macros.length;
}

const openReal = (title?: string): string =>
  `run("Close All"); open("${IN_FOCUS_16}");${title === undefined ? '' : ` rename(${macroString(title)});`}`;

function close(a: string, b: number, what: string): void {
  assert.ok(Math.abs(Number(a) - b) < 1e-6, `${what}: ImageJ ${a}, expected ${b}`);
}

test('a 16-bit real image gets one named, coloured rectangle per patch and one row in each table', { timeout: 120_000 }, async () => {
  await ij.run(openReal());
  const r = handMadeResult(696, 520);
  await write([r], BASE);
  const overlay = await readOverlay(ij);
  assert.equal(overlay.length, r.patches.length);
  overlay.forEach((o, i) => {
    const p = r.patches[i]!;
    assert.deepEqual([o.x, o.y, o.w, o.h], [p.x, p.y, p.w, p.h]);
    assert.equal(o.name, patchName(p));
    assert.equal(o.stroke, levelColor(p.level, p.certainty, 11).hex);
    assert.equal(o.strokeWidth, 2);
    assert.equal(o.position, 0);
  });
  const rows = await readTable(ij, 'Focus Quality', RESULT_COLUMNS);
  assert.equal(rows.length, 1);
  const row = rows[0]!;
  assert.equal(row.Label, 'BBBC006_a01_s1_w1_z10.tif');
  assert.equal(Number(row.Slice), 1);
  assert.equal(Number(row.Level), r.level);
  close(row.Score!, r.score, 'score');
  close(row.Certainty!, r.certainty, 'certainty');
  close(row['Mean certainty']!, r.meanCertainty, 'mean certainty');
  assert.equal(Number(row['In focus']), r.inFocus ? 1 : 0);
  assert.equal(row.Verdict, r.inFocus ? 'in' : 'out', 'no engine verdict: the in-focus flag');
  assert.equal(Number(row.Patches), r.patches.length);
  const patchRows = await readTable(ij, patchesTableTitle('Focus Quality'), PATCH_COLUMNS);
  assert.equal(patchRows.length, r.patches.length);
  patchRows.forEach((pr, i) => {
    const p = r.patches[i]!;
    assert.deepEqual([pr.X, pr.Y, pr.Width, pr.Height, pr.Level].map(Number), [p.x, p.y, p.w, p.h, p.level]);
    for (let k = 0; k < 11; k++) close(pr[`P${k}`]!, p.probs[k]!, `patch ${i} P${k}`);
  });
});

test('the Verdict column shows the engine\'s verdict, "uncertain" included', { timeout: 120_000 }, async () => {
  await ij.run(openReal());
  const r: FocusResult = { ...handMadeResult(696, 520), verdict: 'uncertain' };
  await write([r], { ...BASE, patches: false });
  const [row] = await readTable(ij, 'Focus Quality', RESULT_COLUMNS);
  assert.equal(row!.Verdict, 'uncertain');
});

test('metrics=[plls,brenner]: the tables get one column per metric holding the values computed on the same pixels', { timeout: 120_000 }, async () => {
  await ij.run(openReal());
  const image = (await readImageFile(IN_FOCUS_16)).slices[0]!;
  const base = handMadeResult(696, 520);
  const names = ['plls', 'brenner'];
  const perPatch = names.map((n) => metricPerPatch(image, base.patches, METRICS[n as 'plls' | 'brenner']));
  const r: FocusResult = {
    ...base,
    metrics: computeMetrics(image, names),
    patches: base.patches.map((p, i) => ({ ...p, metrics: { plls: perPatch[0]![i]!, brenner: perPatch[1]![i]! } })),
  };
  await write([r], { ...BASE, metrics: names });
  const headings = (await ij.run('File.saveString(Table.headings("Focus Quality") + "\\n" + Table.headings("Focus Quality Patches"), fq_out);')).split('\n');
  assert.deepEqual(headings[0]!.split('\t').slice(-2), names);
  assert.deepEqual(headings[1]!.split('\t').slice(-2), names);
  const [row] = await readTable(ij, 'Focus Quality', [...RESULT_COLUMNS, ...names]);
  for (const n of names) close(row![n]!, r.metrics![n]!, n);
  const patchRows = await readTable(ij, patchesTableTitle('Focus Quality'), ['X', 'Y', ...names]);
  assert.equal(patchRows.length, r.patches.length);
  patchRows.forEach((pr, i) => names.forEach((n, m) => close(pr[n]!, perPatch[m]![i]!, `patch ${i} ${n}`)));
});

test('measuring again replaces our rectangles and rows, keeps the user’s own overlay and other images’ rows', { timeout: 120_000 }, async () => {
  await ij.run(`${openReal()} rename("other.tif");`);
  await write([handMadeResult(696, 520, 0, 3)], BASE);
  await ij.run(`${openReal()} makeRectangle(5, 5, 30, 30); Roi.setName("user roi"); Overlay.addSelection("yellow", 1); run("Select None");`);
  const first = handMadeResult(696, 520, 0, 1);
  const second = handMadeResult(696, 520, 0, 5);
  await write([first], BASE);
  await write([second], { ...BASE, border: 4 });
  const overlay = await readOverlay(ij);
  assert.equal(overlay.length, second.patches.length + 1);
  assert.equal(overlay.filter((o) => o.name === 'user roi').length, 1);
  const ours = overlay.filter((o) => o.name !== 'user roi');
  assert.deepEqual(ours.map((o) => o.name), second.patches.map(patchName));
  assert.ok(ours.every((o) => o.strokeWidth === 4));
  const rows = await readTable(ij, 'Focus Quality', RESULT_COLUMNS);
  assert.deepEqual(rows.map((r) => r.Label).sort(), ['BBBC006_a01_s1_w1_z10.tif', 'other.tif']);
  close(rows.find((r) => r.Label !== 'other.tif')!.Score!, second.score, 'score of the second run');
  const patchRows = await readTable(ij, patchesTableTitle('Focus Quality'), ['Label']);
  assert.equal(patchRows.filter((r) => r.Label !== 'other.tif').length, second.patches.length);
  assert.equal(patchRows.filter((r) => r.Label === 'other.tif').length, first.patches.length);
});

test('a stack: rectangles tied to their slice, one row per slice, best slice marked and selected', { timeout: 120_000 }, async () => {
  // Three real planes: the image, a blurred copy and a more blurred copy.
  await ij.run(`run("Close All"); open("${IN_FOCUS_16}"); id = getImageID();
run("Duplicate...", "title=b1"); run("Gaussian Blur...", "sigma=2");
selectImage(id); run("Duplicate...", "title=b2"); run("Gaussian Blur...", "sigma=6");
run("Images to Stack", "name=zstack title=[] use");`);
  const results = [handMadeResult(696, 520, 0, 4), handMadeResult(696, 520, 1, 0), handMadeResult(696, 520, 2, 8)];
  const best = pickBestSlice(results);
  await write(results, { ...BASE, layout: stackLayout(3), best, select: true, patches: false });
  const state = await readImageState(ij);
  assert.equal(state.dims[3], 3);
  assert.equal(state.slice, best.slice + 1);
  const overlay = await readOverlay(ij);
  assert.equal(overlay.length, results.reduce((n, r) => n + r.patches.length, 0));
  for (const r of results) {
    const onSlice = overlay.filter((o) => o.position === r.slice + 1);
    assert.deepEqual(onSlice.map((o) => o.name), r.patches.map(patchName), `slice ${r.slice + 1}`);
  }
  const rows = (await readTable(ij, 'Focus Quality', [...RESULT_COLUMNS, 'Best'])).filter((r) => r.Label === 'zstack');
  assert.deepEqual(rows.map((r) => Number(r.Slice)), [1, 2, 3]);
  assert.deepEqual(rows.map((r) => Number(r.Best)), results.map((r) => (r === best ? 1 : 0)));
});

test('image and table titles with quotes, brackets, backslashes and unicode survive exactly', { timeout: 120_000 }, async () => {
  const title = 'we"ird [name] \\ back\\slash é中😀 \'q\'.tif';
  const table = 'Focus "Q" [1] \\ é';
  await ij.run(openReal(title));
  const r = handMadeResult(696, 520, 0, 2);
  await write([r], { ...BASE, table });
  const state = await readImageState(ij);
  assert.equal(state.title, title);
  const rows = await readTable(ij, table, RESULT_COLUMNS);
  assert.deepEqual(rows.map((x) => x.Label), [title]);
  const patchRows = await readTable(ij, patchesTableTitle(table), ['Label']);
  assert.equal(patchRows.length, r.patches.length);
  assert.ok(patchRows.every((x) => x.Label === title));
});

test('a result with 0 patches writes a row with Patches 0 and leaves no rectangle', { timeout: 120_000 }, async () => {
  await ij.run(openReal('empty.tif'));
  await write([handMadeResult(696, 520)], BASE);
  await write([emptyResult(696, 520)], BASE);
  assert.equal((await readOverlay(ij)).length, 0);
  const rows = (await readTable(ij, 'Focus Quality', RESULT_COLUMNS)).filter((r) => r.Label === 'empty.tif');
  assert.equal(rows.length, 1);
  assert.equal(Number(rows[0]!.Patches), 0);
  assert.equal(rows[0]!.Level, 'NaN');
});

test('large results split into many small macros give the same overlay; a rollback removes a partial write', { timeout: 180_000 }, async () => {
  await ij.run(`${openReal('chunks.tif')} makeRectangle(1, 1, 10, 10); Roi.setName("mine"); Overlay.addSelection("blue", 1); run("Select None");`);
  const r = handMadeResult(696, 520, 0, 6);
  const n = await write([r], { ...BASE, chunkChars: 1500 });
  assert.ok(n >= 5, `only ${n} macros`);
  const overlay = await readOverlay(ij);
  assert.deepEqual(overlay.map((o) => o.name), ['mine', ...r.patches.map(patchName)]);
  // A run that fails after its first part: the rollback leaves only the user's rectangle and no patch rows of this image.
  const parts = writeResultsMacros([handMadeResult(696, 520, 0, 7)], { ...BASE, chunkChars: 1500 });
  await ij.run(parts[0]!);
  await ij.run(rollbackMacro(BASE));
  assert.deepEqual((await readOverlay(ij)).map((o) => o.name), ['mine']);
  const patchRows = await readTable(ij, patchesTableTitle('Focus Quality'), ['Label']);
  assert.equal(patchRows.filter((x) => x.Label === 'chunks.tif').length, 0);
});

test('the installed macro set removes our rectangles (keeping others) and goes to the best slice', { timeout: 120_000 }, async () => {
  const file = join(ij.dir, 'fq-macros.ijm');
  writeFileSync(file, installableMacroSet('Focus Quality'));
  await ij.run(`run("Install...", "install=[${file}]");`);
  await ij.run(`run("Close All"); open("${IN_FOCUS_16}"); run("Duplicate...", "title=d"); run("Images to Stack", "name=pair title=[] use");
makeRectangle(1, 1, 10, 10); Roi.setName("mine"); Overlay.addSelection("blue", 1); run("Select None");`);
  const results = [handMadeResult(696, 520, 0, 9), handMadeResult(696, 520, 1, 0)];
  const best = pickBestSlice(results).slice + 1;
  await write(results, { ...BASE, layout: stackLayout(2), best: pickBestSlice(results), patches: false });
  await ij.run(`setSlice(${3 - best}); run("Focus Quality: Go To Best Slice");`);
  assert.equal((await readImageState(ij)).slice, best);
  await ij.run('run("Focus Quality: Remove Overlay");');
  assert.deepEqual((await readOverlay(ij)).map((o) => o.name), ['mine']);
});

test('a macro error is reported at once with ImageJ\'s message (not a hang), and ImageJ answers again afterwards', { timeout: 120_000 }, async () => {
  await assert.rejects(ij.run('fq_x = noSuchFunction(3);', 4000), { name: 'MacroError', message: /^Macro Error: Undefined identifier/ });
  assert.match(await ij.run('return getVersion();'), /^1\.\d+/);
});
