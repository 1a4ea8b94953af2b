import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvRecords, geojsonFormat, imageCsvFormat, jsonFormat, recordsText, type RecordFormat } from '../../src/hosts/cli/formats.js';
import { toGeoJSONCollection } from '../../src/io/geojson.js';
import { rowToJson } from '../../src/io/json.js';
import type { ResultRow } from '../../src/io/rows.js';
import { RESULT } from '../io/csv.test.js';

const rows: ResultRow[] = [
  { file: 'a.tif', slice: 0, width: 2, height: 1, result: RESULT },
  { file: 'odd\nname, "x".tif', slice: 0, error: 'file is truncated' },
  { file: '=1+2.tif', slice: 0, width: 2, height: 1, result: RESULT },
];

/** A whole output of `format` for `rows`, laid out as the CLI writes it. */
function whole(format: RecordFormat): string {
  const records = rows.flatMap((r) => format.records(r));
  return format.header + recordsText(format, records, 0) + format.footer(rows.flatMap((r) => format.tail(r)));
}

describe('output formats: written records read back', () => {
  for (const [name, format] of [['CSV', imageCsvFormat([])], ['JSON', jsonFormat()], ['GeoJSON', geojsonFormat()]] as const) {
    it(`${name}: a finished file reads back every record, files and error flags exact`, () => {
      const { records, cut } = format.readBack(whole(format));
      assert.equal(cut, false);
      const files = [...new Set(records.map((r) => r.file))];
      assert.deepEqual(files, ['a.tif', 'odd\nname, "x".tif', '=1+2.tif']);
      assert.deepEqual(records.filter((r) => r.error).map((r) => r.file), ['odd\nname, "x".tif']);
    });

    it(`${name}: a file cut anywhere reads back only complete records, and says when it dropped one`, () => {
      const text = whole(format);
      const full = format.readBack(text).records.filter((r) => !r.tail).map((r) => r.text);
      const bodyEnd = name === 'CSV' ? text.length : text.lastIndexOf(']');
      for (let end = format.header.length; end < bodyEnd; end += 7) {
        const { records, cut } = format.readBack(text.slice(0, end));
        const got = records.map((r) => r.text);
        assert.deepEqual(got, full.slice(0, got.length), `cut at ${end}`);
        // A CSV record is complete only with its line break; a JSON record is complete once it parses.
        if (name === 'CSV') assert.equal(cut, !text.slice(0, end).endsWith('\n'), `cut at ${end}`);
        else if (cut) assert.ok(got.length < full.length, `cut at ${end}`);
      }
    });
  }

  it('valid JSON is valid at every stage: an empty output, and a finished one', () => {
    for (const format of [jsonFormat(), geojsonFormat()]) {
      assert.doesNotThrow(() => JSON.parse(format.header + format.footer([])));
      assert.doesNotThrow(() => JSON.parse(whole(format)));
    }
  });

  it('GeoJSON equals io/geojson.ts toGeoJSONCollection of the same rows, image summaries included', () => {
    assert.deepEqual(JSON.parse(whole(geojsonFormat())), JSON.parse(JSON.stringify(toGeoJSONCollection(rows))));
    assert.deepEqual(JSON.parse(whole(jsonFormat())), JSON.parse(JSON.stringify(rows.map((r) => rowToJson(r)))));
  });

  it('a cut-off GeoJSON has lost its image summaries, so its files count as not done (measured again)', () => {
    const text = whole(geojsonFormat());
    const { records } = geojsonFormat().readBack(text.slice(0, text.lastIndexOf(']')));
    assert.ok(records.length > 0 && records.every((r) => r.error));
  });

  it('csvRecords keeps a quoted line break inside its record', () => {
    assert.deepEqual(csvRecords('h\n"a\nb",1\nc,2\n'), ['h', '"a\nb",1', 'c,2']);
    assert.deepEqual(csvRecords('h\nc,2\nd,'), ['h', 'c,2']);
  });

  it('refuses to read back a CSV with other columns, and a JSON file of something else', () => {
    assert.throws(() => imageCsvFormat([]).readBack('file,slice\nx,0\n'), /has the columns file,slice; this run writes file,slice,width/);
    assert.throws(() => jsonFormat().readBack('{"hello": '), /is not a JSON output of this tool/);
  });
});
