// docs/cluster.md, run: 4 shards through GNU parallel, merged, equal to one unsharded run; and merge's refusals.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { DEFOCUSED_DIR, IN_FOCUS_DIR, REPO, tempDir } from '../io/fixtures.js';
import { makeTinyModels } from '../inference/tiny.js';

const BIN = join(REPO, 'bin', 'focus-quality.js');

function sh(command: string, cwd: string) {
  const r = spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8', timeout: 600_000, env: { ...process.env, FQ: `${process.execPath} ${BIN}` } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('sharded runs and merge (docs/cluster.md)', { timeout: 900_000 }, () => {
  let work: string;
  let single: string;

  before(() => {
    work = tempDir('cluster');
    const plate = join(work, 'plate');
    mkdirSync(join(plate, 'sub'), { recursive: true });
    for (const f of readdirSync(IN_FOCUS_DIR)) copyFileSync(join(IN_FOCUS_DIR, f), join(plate, f));
    for (const f of readdirSync(DEFOCUSED_DIR)) copyFileSync(join(DEFOCUSED_DIR, f), join(plate, 'sub', f));
    writeFileSync(join(plate, 'broken.tif'), 'not an image'); // an error row must travel through shards and merge too
    writeFileSync(join(work, 'model'), join(makeTinyModels(), 'affine.onnx'));
    const r = sh('$FQ plate --model "$(cat model)" --out single.csv --quiet; echo "status $?"', work);
    assert.match(r.stdout, /status 1/, r.stderr);
    single = readFileSync(join(work, 'single.csv'), 'utf8');
  });

  for (const ext of ['csv', 'geojson']) {
    it(`4 shards through GNU parallel, merged, give the single run's ${ext} byte for byte`, () => {
      const r = sh(
        `mkdir -p parts-${ext} && parallel -j 4 '$FQ plate --model "$(cat model)" --shard {}/4 --jobs 1 --out parts-${ext}/part-{}.${ext} --quiet || [ $? -eq 1 ]' ::: 1 2 3 4 && ` +
          `$FQ merge parts-${ext}/part-*.${ext} --out merged.${ext} --expect plate && echo done`,
        work,
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /done/);
      assert.match(r.stderr, new RegExp(`merge: 4 part\\(s\\), 10 file\\(s\\), \\d+ record\\(s\\) → merged\\.${ext}`));
      const parts = readdirSync(join(work, `parts-${ext}`)).filter((f) => f.endsWith(`.${ext}`));
      assert.equal(parts.length, 4);
      if (ext === 'csv') assert.equal(readFileSync(join(work, 'merged.csv'), 'utf8'), single);
      else {
        assert.equal(sh(`$FQ plate --model "$(cat model)" --out single.geojson --quiet || true`, work).status, 0);
        assert.equal(readFileSync(join(work, 'merged.geojson'), 'utf8'), readFileSync(join(work, 'single.geojson'), 'utf8'));
      }
    });
  }

  const refusals: [string, string, RegExp][] = [
    ['a file in two parts (a part copied)', 'cp parts-csv/part-1.csv copy.csv; $FQ merge copy.csv parts-csv/part-1.csv parts-csv/part-2.csv --out m.csv', /merge: \d+ file\(s\) are in more than one part, e.g\. plate\/.* \(in copy\.csv and parts-csv\/part-1\.csv\)/],
    ['a missing shard, with --expect', '$FQ merge parts-csv/part-1.csv parts-csv/part-2.csv parts-csv/part-3.csv --out m.csv --expect plate', /merge: [23] input image\(s\) are in no part, e.g\. plate\/.*: a shard is missing or unfinished/],
    ['parts with other columns', '$FQ plate --model "$(cat model)" --metrics plls --shard 4/4 --out other.csv --quiet; $FQ merge parts-csv/part-1.csv other.csv --out m.csv', /merge: (other|parts-csv\/part-1)\.csv has the columns .* has .*: parts of one merge come from runs with the same options and model/],
    ['a part cut off', 'head -c 300 parts-csv/part-2.csv > cut.csv; $FQ merge parts-csv/part-1.csv cut.csv --out m.csv', /merge: cut\.csv is cut off \(a run that did not finish\): finish it with --resume before merging/],
    ['--out naming a part', '$FQ merge parts-csv/part-1.csv parts-csv/part-2.csv --out parts-csv/part-2.csv', /merge: --out parts-csv\/part-2\.csv is one of the parts; refusing to overwrite it/],
  ];
  for (const [what, command, message] of refusals) {
    it(`merge refuses ${what} with one line and status 2, writing nothing`, () => {
      const r = sh(`rm -f m.csv; ${command}; echo "status $?"`, work);
      assert.match(r.stdout, /status 2/, r.stderr);
      assert.match(r.stderr.trim().split('\n').at(-1)!, message);
      assert.equal(sh('ls m.csv 2>/dev/null | wc -l', work).stdout.trim(), '0');
    });
  }
});
