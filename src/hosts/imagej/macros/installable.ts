/**
 * A macro set for `installMacro`: commands that work from ImageJ's macro world (Plugins › Macros, `run("…")` after
 * installation) on what a measurement left behind. Measuring itself cannot be started from a macro (see
 * docs/imagej.md, "From ImageJ's macro language").
 */
import { macroString, program } from './code.js';
import { removeOurRectangles } from './overlay.js';

export function installableMacroSet(table = 'Focus Quality'): string {
  return [
    'macro "Focus Quality: Remove Overlay" {',
    'if (nImages > 0) {',
    program([removeOurRectangles()]),
    '}',
    '}',
    '',
    // The Best column marks the plane core pickBestSlice chose; this only goes there (no second definition of "best").
    'macro "Focus Quality: Go To Best Slice" {',
    `  fq_t = ${macroString(table)};`,
    '  if (nImages > 0 && isOpen(fq_t)) { if (Table.columnExists("Best", fq_t)) {',
    '    fq_lab = getTitle(); Stack.getPosition(fq_c, fq_z, fq_f); fq_found = false;',
    '    for (fq_r = 0; fq_r < Table.size(fq_t); fq_r++) {',
    '      if (Table.getString("Label", fq_r, fq_t) == fq_lab && Table.get("Best", fq_r, fq_t) == 1) {',
    '        fq_z = Table.get("Slice", fq_r, fq_t); fq_found = true;',
    '        if (Table.columnExists("Channel", fq_t)) fq_c = Table.get("Channel", fq_r, fq_t);',
    '        if (Table.columnExists("Frame", fq_t)) fq_f = Table.get("Frame", fq_r, fq_t);',
    '      }',
    '    }',
    '    if (fq_found) { Stack.setPosition(fq_c, fq_z, fq_f); showStatus("Focus Quality: best-focused slice is " + fq_z); }',
    '  } }',
    '}',
    '',
  ].join('\n');
}
