import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FocusResult } from '../../src/core/types.js';
import { IMAGE_COLUMNS, csvField, formatPatchRows, parseCsv, patchColumns, toImageCsv, toPatchCsv } from '../../src/io/csv.js';
import type { ResultRow } from '../../src/io/rows.js';

export const RESULT: FocusResult = {
  width: 168,
  height: 84,
  slice: 0,
  level: 1,
  score: 1.23456,
  certainty: 0.5,
  meanCertainty: 0.25,
  maxCertainty: 0.75,
  inFocus: true,
  verdict: 'in',
  probs: [0.2, 0.5, 0.3],
  patches: [
    { x: 0, y: 0, w: 84, h: 84, level: 1, certainty: 0.75, probs: [0.1, 0.8, 0.1] },
    { x: 84, y: 0, w: 84, h: 84, level: 2, certainty: 0.125, probs: [0.3, 0.3, 0.4] },
  ],
  timings: {},
};

describe('CSV writers', () => {
  it('has the required image columns in order', () => {
    assert.deepEqual(IMAGE_COLUMNS.slice(0, 12), ['file', 'slice', 'width', 'height', 'patches', 'level', 'score', 'certainty', 'mean_certainty', 'in_focus', 'verdict', 'error']);
    assert.deepEqual(patchColumns(3), ['file', 'slice', 'x', 'y', 'w', 'h', 'level', 'certainty', 'p0', 'p1', 'p2']);
  });

  it('quotes commas, quotes, line breaks and edge spaces, and nothing else', () => {
    assert.equal(csvField('plain.tif'), 'plain.tif');
    assert.equal(csvField('a,b.tif'), '"a,b.tif"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(' lead'), '" lead"');
    assert.equal(csvField(undefined), '');
  });

  it('writes a measured row and an error row that parse back to the same fields', () => {
    const rows: ResultRow[] = [
      { file: 'dir, with comma/a.tif', slice: 0, result: RESULT, warnings: ['RGB image: measured its luminance'] },
      { file: 'bad "file".tif', slice: 0, error: 'not a TIFF or PNG image (it looks like text)' },
    ];
    const parsed = parseCsv(toImageCsv(rows));
    assert.deepEqual(parsed[0], [...IMAGE_COLUMNS]);
    assert.deepEqual(parsed[1], ['dir, with comma/a.tif', '0', '168', '84', '2', '1', '1.2346', '0.5000', '0.2500', 'true', 'in', '', '0.7500', 'RGB image: measured its luminance', '', '', '', '']);
    assert.deepEqual(parsed[2], ['bad "file".tif', '0', '', '', '', '', '', '', '', '', '', 'not a TIFF or PNG image (it looks like text)', '', '', '', '', '', '']);
    const uncertain = parseCsv(toImageCsv([{ file: 'flat.tif', slice: 0, result: { ...RESULT, verdict: 'uncertain' } }]));
    assert.equal(uncertain[1]![IMAGE_COLUMNS.indexOf('verdict')], 'uncertain');
    // The pixel size measured at: one value for square pixels, "x,y" (as --pixel-size takes it) otherwise.
    const col = IMAGE_COLUMNS.indexOf('pixel_size_um');
    const sized = parseCsv(toImageCsv([0.325, 0.4].map((y, slice) => ({ file: 'c.tif', slice, result: { ...RESULT, pixelSize: { x: 0.325, y } } }))));
    assert.deepEqual([sized[1]![col], sized[2]![col]], ['0.325', '0.325,0.4']);
    // A hyperstack plane's channel, z and frame (0-based, like slice).
    const placed = parseCsv(toImageCsv([{ file: 'h.tif', slice: 7, result: { ...RESULT, slice: 7, position: { channel: 1, z: 3, frame: 0 } } }]));
    assert.deepEqual(['channel', 'z', 'frame'].map((c) => placed[1]![IMAGE_COLUMNS.indexOf(c as (typeof IMAGE_COLUMNS)[number])]), ['1', '3', '0']);
  });

  it('writes one patch row per patch with every probability', () => {
    const lines = formatPatchRows({ file: 'a.tif', slice: 2, result: RESULT });
    assert.deepEqual(lines, ['a.tif,2,0,0,84,84,1,0.7500,0.100000,0.800000,0.100000', 'a.tif,2,84,0,84,84,2,0.1250,0.300000,0.300000,0.400000']);
    assert.equal(parseCsv(toPatchCsv([{ file: 'a.tif', slice: 0, result: RESULT }], 3)).length, 3);
  });

  it('parses CRLF line ends and quoted line breaks', () => {
    assert.deepEqual(parseCsv('a,b\r\n"x\r\ny",2\r\n'), [['a', 'b'], ['x\r\ny', '2']]);
  });
});
