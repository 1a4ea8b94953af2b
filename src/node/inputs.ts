/**
 * Node-only: turning command-line arguments (files, folders, globs) into a sorted, de-duplicated file list.
 * - a file is taken as given, whatever its extension (the decoder sniffs the format);
 * - a folder is searched recursively for *.tif, *.tiff and *.png (any case); hidden entries are skipped;
 * - an argument with glob syntax (`*`, `?`, `[..]`, `**` across folders, braces `{in,out}`) is expanded here
 *   (picomatch), so quoting it works on every shell;
 * - links are followed, loops are not (see `walk`), and each real file is listed once.
 * Paths are kept as the user wrote them (folder + relative name), so output rows and `--resume` agree between runs.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import picomatch from 'picomatch';
import { OptionsError } from '../core/errors.js';

const IMAGE_EXT = /\.(tiff?|png)$/i;

/** Real path, or undefined for a dangling link or an unreadable entry. */
function real(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

const isWithin = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);

/**
 * Recursive listing of `dir` (entries as `rel` paths under it). Symbolic links to folders are followed once: a link
 * back to the folder itself or to one of its ancestors (`ln -s . self`, `up -> ..`) is a loop and is skipped, and a
 * folder reached twice through links is listed once. `seen` holds the real paths of folders listed so far.
 */
function walk(dir: string, out: string[], match: (rel: string) => boolean, rel = '', seen = new Set<string>()): void {
  const here = real(join(dir, rel));
  if (here === undefined || seen.has(here)) return;
  seen.add(here);
  let entries;
  try {
    entries = readdirSync(join(dir, rel), { withFileTypes: true });
  } catch (err) {
    throw new OptionsError(`cannot list folder ${join(dir, rel)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      const target = real(join(dir, r));
      if (target === undefined) continue; // a dangling link is not an image
      const s = statSync(target);
      isDir = s.isDirectory();
      isFile = s.isFile();
      if (isDir && isWithin(here, target)) continue; // a link to this folder or above it: a loop
    }
    if (isDir) walk(dir, out, match, r, seen);
    else if (isFile && match(r)) out.push(dir === '.' ? r : join(dir, r));
  }
}

/** Does the argument hold glob syntax (`*`, `?`, `[..]`, `{a,b}`, `{1..3}`)? Then it is expanded here. */
const hasGlob = (arg: string): boolean => picomatch.scan(arg).isGlob;

/**
 * Files matching a glob, through picomatch (a maintained matcher: `**`, `*`, `?`, `[..]`, braces `{in,out}` and
 * ranges `{1..3}`): the folder before the first glob character is walked and every file's path under it is matched.
 */
function expandGlob(pattern: string): string[] {
  const { base, glob } = picomatch.scan(pattern);
  const root = base || (pattern.startsWith('/') ? '/' : '.');
  const match = picomatch(glob);
  const out: string[] = [];
  try {
    if (!statSync(root).isDirectory()) return [];
  } catch {
    return [];
  }
  walk(root, out, (rel) => match(rel));
  return out;
}

/** Every image file named by `args`, sorted by code unit order and de-duplicated. Throws OptionsError for a missing path or an empty glob. */
export function expandInputs(args: readonly string[]): string[] {
  const files = new Set<string>();
  for (const arg of args) {
    let stat;
    try {
      stat = statSync(arg);
    } catch {
      stat = undefined;
    }
    if (stat?.isDirectory()) {
      const found: string[] = [];
      walk(arg.replace(/[\\/]+$/, '') || sep, found, (rel) => IMAGE_EXT.test(rel));
      found.forEach((f) => files.add(f));
    } else if (stat) files.add(arg);
    else if (hasGlob(arg)) {
      const found = expandGlob(arg);
      if (found.length === 0) throw new OptionsError(`no files match ${arg}`);
      found.forEach((f) => files.add(f));
    } else throw new OptionsError(`no such file or folder: ${arg}`);
  }
  // Each real file once, under the first of its names in sorted order (links and `.` vs `samples` name it twice).
  const sorted = [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reals = new Set<string>();
  return sorted.filter((f) => {
    const r = real(f) ?? f;
    if (reals.has(r)) return false;
    reals.add(r);
    return true;
  });
}
