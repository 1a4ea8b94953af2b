import { test } from 'node:test';
import assert from 'node:assert/strict';
import { macroNumber, macroString, program, block, IMAGE_TITLE, TABLE, chunked } from '../../src/hosts/imagej/macros/code.js';
import { patchName, stackLayout } from '../../src/hosts/imagej/macros/overlay.js';
import { writeResultsMacros, type MacroOptions } from '../../src/hosts/imagej/macros/results.js';
import type { FocusResult } from '../../src/core/types.js';

const O: MacroOptions = { levels: 11, border: 2, overlay: true, table: 'Focus Quality', patches: true, select: true, layout: stackLayout(2) };

function result(slice: number, score: number, certainty: number, patches = 3): FocusResult {
  return {
    width: 300, height: 100, slice, level: Math.round(score), score, certainty, meanCertainty: certainty, maxCertainty: certainty, inFocus: score < 2.5,
    probs: [], timings: {},
    patches: Array.from({ length: patches }, (_, i) => ({ x: i * 84, y: 0, w: 84, h: 84, level: i % 11, certainty: 0.5, probs: Array(11).fill(1 / 11) })),
  };
}

test('macroString writes printable ASCII as a literal and everything else with fromCharCode', () => {
  assert.equal(macroString(''), '""');
  assert.equal(macroString('a "b" \\c'), '"a \\"b\\" \\\\c"');
  assert.equal(macroString('é\n😀x'), 'fromCharCode(233,10,55357,56832) + "x"');
  for (const s of ['L3 c0.82', '[x]', "'", 'tab\tend']) assert.ok(/^[\x20-\x7e]*$/.test(macroString(s)), s);
});

test('macroNumber is fixed-point (no exponent) and NaN for non-finite values', () => {
  assert.equal(macroNumber(1e-7), '0');
  assert.equal(macroNumber(0.1234567), '0.123457');
  assert.equal(macroNumber(3), '3');
  assert.equal(macroNumber(Infinity), 'NaN');
  assert.equal(macroNumber(-1e-9), '0');
});

test('patchName shows level and certainty to two decimals', () => {
  assert.equal(patchName({ level: 3, certainty: 0.8249 }), 'L3 c0.82');
  assert.equal(patchName({ level: 10, certainty: 1 }), 'L10 c1.00');
});

test('macros stay under the size limit, are plain ASCII, and end with the results table', () => {
  const results = [result(0, 3, 0.5, 400), result(1, 1, 0.7, 400)];
  const macros = writeResultsMacros(results, { ...O, best: results[1], table: 'Tïtle "q"', chunkChars: 8000 });
  assert.ok(macros.length > 4);
  for (const m of macros) {
    assert.ok(m.length <= 8000 + 2000, `macro of ${m.length} characters`); // + the fixed head (removal loop)
    assert.ok(/^[\x09\x0a\x20-\x7e]*$/.test(m), 'ASCII only');
  }
  const last = macros.at(-1)!;
  assert.match(last, /Table\.set\("Best", fq_n, 1, fq_t\)/);
  assert.match(last, /Stack\.setPosition\(1, 2, 1\);/);
  const rectangles = macros.join('\n').match(/makeRectangle/g) ?? [];
  assert.equal(rectangles.length, 800);
});

test('no overlay and no patches table: one macro that only clears old rectangles, then the table', () => {
  const macros = writeResultsMacros([result(0, 1, 0.5)], { ...O, overlay: false, patches: false, layout: undefined });
  assert.equal(macros.length, 2);
  assert.doesNotMatch(macros.join('\n'), /makeRectangle|Overlay\.show/);
});

test('metrics add one column each to the results and patch tables, NaN where a value is missing', () => {
  const r = { ...result(0, 1, 0.8, 2), metrics: { plls: -1.8563654, brenner: 1064.75 } };
  const patchMetrics: Record<string, number>[] = [{ plls: 0.5 }, { plls: 1.25, brenner: 33.5 }];
  const withPatchMetrics: FocusResult = { ...r, patches: r.patches.map((p, i) => ({ ...p, metrics: patchMetrics[i]! })) };
  const macros = writeResultsMacros([withPatchMetrics], { ...O, layout: undefined, metrics: ['plls', 'brenner'] });
  const final = macros.at(-1)!;
  assert.match(final, /Table\.set\("plls", fq_n, -1\.8563654, fq_t\); Table\.set\("brenner", fq_n, 1064\.75, fq_t\);/);
  const patchRows = macros.join('\n').split('\n').filter((l) => l.includes('Table.set("P10"'));
  assert.equal(patchRows.length, 2);
  assert.match(patchRows[0]!, /Table\.set\("plls", fq_n, 0\.5, fq_t\); Table\.set\("brenner", fq_n, NaN, fq_t\);$/);
  assert.match(patchRows[1]!, /Table\.set\("plls", fq_n, 1\.25, fq_t\); Table\.set\("brenner", fq_n, 33\.5, fq_t\);$/);
  const plain = writeResultsMacros([r], { ...O, layout: undefined });
  assert.doesNotMatch(plain.join('\n'), /plls|brenner/);
});

test('program joins blocks and refuses one that reads a shared variable no earlier block set', () => {
  const setsTitle = block('fq_lab = getTitle();', { sets: [IMAGE_TITLE] });
  const readsBoth = block('Table.set("Label", 0, fq_lab, fq_t);', { reads: [IMAGE_TITLE, TABLE] });
  assert.throws(() => program([setsTitle, readsBoth]), /reads fq_t before any block sets it/);
  assert.throws(() => program([readsBoth, setsTitle]), /reads fq_lab, fq_t/);
  assert.equal(program([setsTitle, block('fq_t = "T";', { sets: [TABLE] }), readsBoth]), 'fq_lab = getTitle();\nfq_t = "T";\nTable.set("Label", 0, fq_lab, fq_t);');
});

test('chunked: every macro within the limit with its own head, the first head different, never an empty run', () => {
  const head = (i: number) => [block(i === 0 ? '// first' : '// next')];
  const lines = Array.from({ length: 10 }, (_, i) => block(`x${i} = ${i};`));
  const parts = chunked(head, lines, [block('// tail')], 40);
  assert.ok(parts.length > 1);
  parts.forEach((p, i) => {
    assert.ok(p.length <= 40, p);
    assert.ok(p.startsWith(i === 0 ? '// first' : '// next'));
    assert.ok(p.endsWith('// tail'));
  });
  assert.equal(parts.join('\n').match(/x\d = /g)!.length, 10);
  assert.deepEqual(chunked(head, [], [block('// tail')], 40), ['// first\n// tail']);
});

test('every macro of a run passes the shared-variable check: the patches table continues in later parts by name', () => {
  const results = [result(0, 3, 0.5, 300)];
  const macros = writeResultsMacros(results, { ...O, layout: undefined, chunkChars: 4000 });
  const patchParts = macros.filter((m) => m.includes('Table.set("P10"'));
  assert.ok(patchParts.length > 1);
  assert.match(patchParts[0]!, /Table\.create\(fq_t\)/);
  for (const p of patchParts.slice(1)) {
    assert.doesNotMatch(p, /Table\.create/);
    assert.match(p, /^fq_lab = getTitle\(\);\nfq_t = "Focus Quality Patches";/);
  }
});
