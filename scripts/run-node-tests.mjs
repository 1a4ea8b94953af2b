// Runs every compiled Node test (build/test/**/*.test.js) with Node's built-in runner.
// Node 20's `--test` takes no globs, so the file list is gathered here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  let out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(findTests(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filter = process.argv[2];
const files = findTests('build/test').filter((f) => !filter || f.includes(filter));
if (files.length === 0) {
  console.error('no compiled tests under build/test — run `npm run build` first');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-timeout=900000', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
