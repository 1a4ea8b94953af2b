#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript under build/ (run `npm run build` first).
import { main } from '../build/src/hosts/cli/main.js';
process.exitCode = await main(process.argv.slice(2));
