#!/usr/bin/env node
// `npm run bench`: runs every compiled benchmark (build/bench/*-bench.js) in its own Node process, one after the
// other, so each one's peak memory and timings are its own. `npm run bench -- metrics` runs only names containing "metrics".
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'build/bench');
if (!existsSync(dir)) {
  console.error('no compiled benchmarks in build/bench — run `npm run build` first');
  process.exit(1);
}
const filter = process.argv[2];
const benches = readdirSync(dir).filter((f) => f.endsWith('-bench.js') && (!filter || f.includes(filter))).sort();
if (benches.length === 0) {
  console.error(`no benchmark in build/bench matches ${JSON.stringify(filter ?? '*')}`);
  process.exit(1);
}
let failed = 0;
for (const file of benches) {
  console.log(`\n===== ${file}`);
  const r = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
