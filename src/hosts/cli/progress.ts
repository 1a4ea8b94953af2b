/**
 * The progress line on stderr: `[#####.....]  12/100 files  3.4 files/s  ETA 0:26  name`. Drawn only on a terminal
 * and without --quiet; redrawn at most 10 times a second; `clear()` before anything else is printed.
 */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class ProgressBar {
  private done = 0;
  private partial = 0;
  private current = '';
  private lastDraw = 0;
  private shown = false;
  private readonly start = Date.now();

  constructor(private readonly total: number, private readonly stream: ProgressStream, private readonly enabled: boolean) {}

  /** A file finished. */
  tick(): void {
    this.done++;
    this.partial = 0;
    this.draw(true);
  }

  /** Progress inside the file being measured (0…1), and its name. */
  update(fraction: number, name?: string): void {
    this.partial = Math.max(0, Math.min(1, fraction));
    if (name !== undefined) this.current = name;
    this.draw(false);
  }

  clear(): void {
    if (this.enabled && this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }

  /** Redraws after something else was printed. */
  redraw(): void {
    this.draw(true);
  }

  line(): string {
    const width = 24;
    const units = this.total > 0 ? (this.done + this.partial) / this.total : 1;
    const filled = Math.round(units * width);
    const elapsed = (Date.now() - this.start) / 1000;
    const rate = elapsed > 0 ? (this.done + this.partial) / elapsed : 0;
    const eta = rate > 0 ? (this.total - this.done - this.partial) / rate : NaN;
    const head = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} files  ${rate.toFixed(1)} files/s  ETA ${clock(eta)}`;
    const room = (this.stream.columns ?? 100) - head.length - 3;
    const name = room > 8 && this.current ? '  ' + (this.current.length > room ? '…' + this.current.slice(-room + 1) : this.current) : '';
    return head + name;
  }

  private draw(force: boolean): void {
    if (!this.enabled) return;
    const t = Date.now();
    if (!force && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    this.stream.write('\r\x1b[K' + this.line());
    this.shown = true;
  }
}
