import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_COMMAND_OPTIONS,
  formatImageJOptions,
  getImageJValue,
  imageJKey,
  isImageJChecked,
  optionKeys,
  parseImageJOptions,
  quoteImageJValue,
  toMeasureOptions,
  toOptionsString,
} from '../../src/hosts/imagej/options.js';

test('the key of a label is its first word, cut at a colon, lower-cased', () => {
  assert.equal(imageJKey('Border width'), 'border');
  assert.equal(imageJKey('Slices:'), 'slices');
  assert.equal(imageJKey('ÜNÏCODE label'), 'ünïcode');
});

test('values: bare up to a space, bracketed with nesting, quoted; first match not glued to a letter', () => {
  assert.equal(getImageJValue('border=2 overlay', 'Border width'), '2');
  assert.equal(getImageJValue('table=[Focus [a] Quality] x', 'Table title'), 'Focus [a] Quality');
  assert.equal(getImageJValue("table='a b' x", 'table'), 'a b');
  assert.equal(getImageJValue('xborder=5 border=3', 'border'), '3');
  assert.equal(getImageJValue('1border=5 border=3', 'border'), '5');
  assert.equal(getImageJValue('overlay', 'border'), undefined);
  assert.equal(getImageJValue('table=[open', 'table', 'dflt'), 'dflt');
});

test('a checkbox is a bare word outside brackets, not right after "="', () => {
  assert.equal(isImageJChecked('border=2 overlay', 'Overlay'), true);
  assert.equal(isImageJChecked('table=[with overlay] x', 'Overlay'), false);
  assert.equal(isImageJChecked('border= overlay', 'Overlay'), false);
  assert.equal(isImageJChecked('overlays', 'Overlay'), false);
});

test('optionKeys lists written keys once, in order; parseImageJOptions gives what ImageJ reads', () => {
  assert.deepEqual(optionKeys('a=[x y] b c=1 b'), ['a', 'b', 'c']);
  assert.deepEqual([...parseImageJOptions('border=2 overlay table=[Focus Quality]')], [
    ['border', '2'],
    ['overlay', true],
    ['table', 'Focus Quality'],
  ]);
});

test('quoted values read back unchanged for spaces, brackets, quotes, unicode and empties', () => {
  for (const v of ['plain', 'with space', 'a [b] c', 'x]y', "it's", '', 'é 中 😀', 'tab\there']) {
    const s = `first=1 key=${quoteImageJValue(v)} last`;
    assert.equal(getImageJValue(s, 'key'), v, s);
    assert.equal(isImageJChecked(s, 'last'), true, s);
  }
  assert.throws(() => quoteImageJValue("x]'y"), { name: 'OptionsError' });
});

test('command options: numbers and choices default, checkboxes absent = unchecked (ImageJ macro rule)', () => {
  assert.deepEqual(toMeasureOptions(''), { ...DEFAULT_COMMAND_OPTIONS, overlay: false, patches: false, select: false });
  assert.deepEqual(toMeasureOptions('border=2 overlay patches slices=all'), {
    border: 2,
    overlay: true,
    table: 'Focus Quality',
    patches: true,
    slices: 'all',
    select: false,
    metrics: '',
  });
  assert.equal(toMeasureOptions('table=[My table]').table, 'My table');
});

test('command options: recorder string round-trips', () => {
  const o = { border: 3.5, overlay: true, table: 'Run [2] é', patches: false, slices: 'all' as const, select: true, metrics: 'brenner' };
  assert.deepEqual(toMeasureOptions(toOptionsString(o)), o);
  assert.equal(formatImageJOptions({ a: 1, b: true, c: false, d: undefined, e: 'x y' }), 'a=1 b e=[x y]');
});

test('command options: unknown keys, bad numbers, bad choices and a wrong patch size are OptionsErrors naming the key', () => {
  assert.throws(() => toMeasureOptions('bordr=3'), { name: 'OptionsError', message: /"bordr"/ });
  assert.throws(() => toMeasureOptions('border=thick'), { name: 'OptionsError', message: /border=thick/ });
  assert.throws(() => toMeasureOptions('border='), { name: 'OptionsError', message: /border/ });
  assert.throws(() => toMeasureOptions('border=-1'), { name: 'OptionsError', message: /outside/ });
  assert.throws(() => toMeasureOptions('slices=some'), { name: 'OptionsError', message: /slices/ });
  assert.throws(() => toMeasureOptions('patch=64', DEFAULT_COMMAND_OPTIONS, 84), { name: 'OptionsError', message: /84/ });
  assert.equal(toMeasureOptions('patch=84 overlay', DEFAULT_COMMAND_OPTIONS, 84).overlay, true);
});

test('command options: metrics=[...] is validated, normalised and round-trips; absent means none', () => {
  assert.equal(toMeasureOptions('metrics=[plls, focus_score]').metrics, 'plls,focus_score');
  assert.equal(toMeasureOptions('metrics=brenner overlay').metrics, 'brenner');
  assert.equal(toMeasureOptions('metrics=all').metrics, 'plls,focus_score,local_focus_score,laplacian_variance,brenner,tenengrad');
  assert.equal(toMeasureOptions('overlay').metrics, '');
  assert.equal(toMeasureOptions('metrics=[]').metrics, '');
  assert.throws(() => toMeasureOptions('metrics=[plls,nope]'), { name: 'OptionsError', message: /metrics=plls,nope.*unknown metric "nope"/ });
  const o = { ...DEFAULT_COMMAND_OPTIONS, metrics: 'tenengrad,plls' };
  assert.match(toOptionsString(o), / metrics=tenengrad,plls$/);
  assert.deepEqual(toMeasureOptions(toOptionsString(o)), o);
  assert.doesNotMatch(toOptionsString(DEFAULT_COMMAND_OPTIONS), /metrics/);
});
