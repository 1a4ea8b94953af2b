/** Results-table pieces: open a named table for the current image's rows, add a row, update the display. */
import { block, IMAGE_TITLE, macroString, TABLE, type Block } from './code.js';

/** Title of the per-patch table that goes with a results table. */
export function patchesTableTitle(table: string): string {
  return `${table} Patches`;
}

/** Sets IMAGE_TITLE to the current image's title: the Label of every row written for it. */
export function imageTitle(): Block {
  return block('fq_lab = getTitle();', { sets: [IMAGE_TITLE] });
}

/** Sets TABLE to `title` (a table opened by an earlier macro of the same run). */
export function useTable(title: string): Block {
  return block(`fq_t = ${macroString(title)};`, { sets: [TABLE] });
}

/**
 * Sets TABLE to `title` and makes it ready for this image's rows: created when missing, else the rows labelled with
 * this image's title deleted (other images' rows stay, as after repeated Analyze › Measure, minus duplicates).
 */
export function openTableForImage(title: string): Block {
  return block(
    [
      `fq_t = ${macroString(title)};`,
      'if (isOpen(fq_t)) {',
      // "Label" is ResultsTable's row-label column, which Table.columnExists does not report: look in the headings.
      '  if (indexOf("\\t" + Table.headings(fq_t) + "\\t", "\\tLabel\\t") >= 0) {',
      '    for (fq_r = Table.size(fq_t) - 1; fq_r >= 0; fq_r--) if (Table.getString("Label", fq_r, fq_t) == fq_lab) Table.deleteRows(fq_r, fq_r, fq_t);',
      '  }',
      '} else Table.create(fq_t);',
    ].join('\n'),
    { reads: [IMAGE_TITLE], sets: [TABLE] },
  );
}

/** Deletes this image's rows from table `title` if it is open (a rollback), and redraws it. */
export function deleteRowsOfImage(title: string): Block {
  return block(
    [
      `fq_t = ${macroString(title)};`,
      'if (isOpen(fq_t)) { if (indexOf("\\t" + Table.headings(fq_t) + "\\t", "\\tLabel\\t") >= 0) {',
      '  for (fq_r = Table.size(fq_t) - 1; fq_r >= 0; fq_r--) if (Table.getString("Label", fq_r, fq_t) == fq_lab) Table.deleteRows(fq_r, fq_r, fq_t);',
      '  Table.update(fq_t);',
      '} }',
    ].join('\n'),
    { reads: [IMAGE_TITLE], sets: [TABLE] },
  );
}

/** A table cell's value: the image's title, or macro source (a number literal from `macroNumber`, or `macroString`). */
export type CellValue = { readonly imageTitle: true } | { readonly source: string };

export const titleCell: CellValue = { imageTitle: true };
export const sourceCell = (source: string): CellValue => ({ source });

/** Appends one row to TABLE. Column names go through `macroString`, so any name is safe. */
export function tableRow(cells: readonly (readonly [string, CellValue])[]): Block {
  const usesTitle = cells.some(([, v]) => 'imageTitle' in v);
  const set = cells.map(([column, v]) => `Table.set(${macroString(column)}, fq_n, ${'imageTitle' in v ? IMAGE_TITLE.name : v.source}, fq_t);`);
  return block(`fq_n = Table.size(fq_t); ${set.join(' ')}`, { reads: usesTitle ? [TABLE, IMAGE_TITLE] : [TABLE] });
}

export function updateTable(): Block {
  return block('Table.update(fq_t);', { reads: [TABLE] });
}
