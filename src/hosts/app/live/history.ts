/**
 * The live meter's memory: the last measurements (for the history plot and the best-so-far mark) and the rates
 * (measurements per second, camera frames per second) over a sliding window of wall-clock time.
 */
export interface Reading {
  /** performance.now() when the frame was grabbed. */
  readonly at: number;
  readonly score: number;
  readonly level: number;
  readonly certainty: number;
}

export class LiveHistory {
  private readings: Reading[] = [];
  private frameTimes: number[] = [];
  /** Camera frames seen / measured since the start. */
  frames = 0;
  measured = 0;
  /** The sharpest reading since the start (lowest score). */
  best: Reading | undefined;

  constructor(
    /** How long readings are kept for the plot, ms. */
    readonly span = 15_000,
    /** Window for the rates, ms. */
    readonly rateWindow = 2_000,
  ) {}

  /** A camera frame arrived (measured or not). */
  frame(at: number): void {
    this.frames++;
    this.frameTimes.push(at);
    this.trim(at);
  }

  add(reading: Reading): void {
    this.measured++;
    this.readings.push(reading);
    if (!this.best || reading.score < this.best.score) this.best = reading;
    this.trim(reading.at);
  }

  /** Readings within the plotted span, oldest first. */
  recent(): readonly Reading[] {
    return this.readings;
  }

  /** Measurements per second over the rate window ending at `now`. */
  measureRate(now: number): number {
    return rate(this.readings.map((r) => r.at), now, this.rateWindow);
  }

  /** Camera frames per second over the rate window ending at `now`. */
  frameRate(now: number): number {
    return rate(this.frameTimes, now, this.rateWindow);
  }

  /** Share of camera frames not measured (skipped because the worker was busy), since the start. */
  get droppedShare(): number {
    return this.frames === 0 ? 0 : Math.max(0, this.frames - this.measured) / this.frames;
  }

  private trim(now: number): void {
    while (this.readings.length > 0 && this.readings[0]!.at < now - this.span) this.readings.shift();
    while (this.frameTimes.length > 0 && this.frameTimes[0]! < now - this.rateWindow) this.frameTimes.shift();
  }
}

/** Events per second in (now − window, now]: (count − 1) intervals over the time they span, so a steady stream reads right at once. */
export function rate(times: readonly number[], now: number, window: number): number {
  const inWindow = times.filter((t) => t > now - window && t <= now);
  if (inWindow.length < 2) return 0;
  const span = inWindow[inWindow.length - 1]! - inWindow[0]!;
  return span > 0 ? ((inWindow.length - 1) * 1000) / span : 0;
}
