/** The human-readable results table printed on a terminal: fixed columns, one line per measured slice, metrics last. */
import type { ResultRow } from '../../io/rows.js';

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** Keeps the end of a long path, where the distinguishing part usually is. */
function fit(s: string, n: number): string {
  return s.length <= n ? s : '…' + s.slice(s.length - n + 1);
}

/** Wide enough for `toPrecision(4)` of any double (`-1.234e+300`) and for the longest metric name. */
const METRIC_WIDTH = 18;

export class ResultTable {
  private readonly fileWidth: number;

  constructor(files: readonly string[], private readonly metrics: readonly string[] = [], maxFileWidth = 48) {
    this.fileWidth = Math.max(4, Math.min(maxFileWidth, Math.max(0, ...files.map((f) => f.length))));
  }

  header(): string {
    const head = [`${pad('file', this.fileWidth)}  slice  level  score  certainty  in focus  verdict    patches`, ...this.metrics.map((m) => lpad(m, METRIC_WIDTH))].join('  ');
    return `${head}\n${'-'.repeat(head.length)}`;
  }

  line(row: ResultRow): string {
    const file = pad(fit(row.file, this.fileWidth), this.fileWidth);
    const r = row.result;
    if (!r) return `${file}  ${lpad(String(row.slice), 5)}  error: ${row.error ?? 'not measured'}`;
    const metrics = this.metrics.map((m) => {
      const v = r.metrics?.[m];
      return lpad(v === undefined || !Number.isFinite(v) ? '-' : v.toPrecision(4), METRIC_WIDTH);
    });
    // A hyperstack's plane says where it sits, after the fixed columns (its slice index alone does not).
    const d = row.dimensions;
    const p = r.position;
    const where = d && p && (d.channels > 1 || d.frames > 1) ? [`c${p.channel} z${p.z}${d.frames > 1 ? ` t${p.frame}` : ''}`] : [];
    return [file, lpad(String(row.slice), 5), lpad(String(r.level), 5), lpad(r.score.toFixed(2), 5), lpad(r.certainty.toFixed(3), 9), pad(r.inFocus ? '   yes' : '   no', 8), pad(r.verdict ?? '-', 9), lpad(String(r.patches.length), 7), ...metrics, ...where].join('  ');
  }
}
