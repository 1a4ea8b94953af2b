// CSV formula injection (OWASP "CSV Injection"): text cells that a spreadsheet would run are written as text.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { csvField, csvLine, parseCsv, unescapeCsvText } from '../../src/io/csv.js';
import { tempDir } from './fixtures.js';

const HOSTILE = ['=1+2', '+SUM(1,2)', '-2+3', '@SUM(1)', '\tx', '\r=1', "'=quoted", '=HYPERLINK("http://example.com","click")', "'plain"];
const DATA = ['-1.5', '+3', '1e-5', 'a.tif', '-', 'level-3.tif'];

describe('csvField and formula injection', () => {
  it('puts an apostrophe before text a spreadsheet would run, and reads it back exactly', () => {
    for (const s of HOSTILE) {
      const field = parseCsv(csvField(s))[0]![0]!;
      assert.ok(field.startsWith("'"), s);
      assert.equal(unescapeCsvText(field), s);
    }
  });

  it('leaves numbers (-1.5) and ordinary text alone', () => {
    for (const s of DATA.filter((d) => d !== '-')) assert.equal(csvField(s), s);
    assert.equal(csvField(-1.5), '-1.5');
  });

  it('Gnumeric (a real spreadsheet) reads every escaped cell as the original text, and still runs an unescaped one', () => {
    const dir = tempDir('ssconvert');
    const rows = [...HOSTILE, ...DATA].map((s) => csvLine([s, 1]));
    writeFileSync(join(dir, 'in.csv'), ['name,n', ...rows, '=1+2,raw'].join('\n') + '\n');
    const r = spawnSync('timeout', ['60', 'ssconvert', '--export-type=Gnumeric_stf:stf_csv', join(dir, 'in.csv'), join(dir, 'out.csv')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const cells = parseCsv(readFileSync(join(dir, 'out.csv'), 'utf8')).slice(1).map((row) => row[0]);
    // Leading tab/CR are whitespace a spreadsheet may keep or trim; what matters is that it is text, not a formula.
    HOSTILE.forEach((s, i) => assert.equal(cells[i]!.trim(), s.trim(), `row ${i}`));
    // Numbers are numbers (+3 shows as 3), other text is text.
    DATA.forEach((s, i) => assert.equal(cells[HOSTILE.length + i], /^[+-]?[\d.]+(e[+-]?\d+)?$/i.test(s) ? cells[HOSTILE.length + i] : s, s));
    assert.equal(Number(cells[HOSTILE.length]), -1.5);
    assert.equal(Number(cells[HOSTILE.length + 1]), 3);
    assert.equal(cells.at(-1), '3', 'the unescaped control row was run as a formula: the reader does evaluate formulas');
  });
});
