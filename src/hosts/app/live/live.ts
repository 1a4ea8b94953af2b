/**
 * The app's Live mode: a focus meter for the microscope. Start a camera or share the microscope software's window; a
 * square region (default the central 336×336) of every frame the worker can keep up with is measured, and the current
 * level, a needle, the recent history and the rates are shown. The header's pixel size, read at Start, resamples each
 * region to the model's native pixels (the region is then whole native patches wide). Each reading is also dispatched as a bubbling
 * `focus-quality-live` event (`CustomEvent<LiveReading>`) from the Live panel, for logging or automation.
 */
import { html, nothing, render } from 'lit';
import { levelColor } from '../../../core/colormap.js';
import { formatError } from '../../../core/errors.js';
import type { FocusQuality } from '../../../api.js';
import type { PixelSize } from '../../../core/types.js';
import { displayVerdict, VERDICT_TEXT } from '../../element/verdict.js';
import { LiveHistory } from './history.js';
import { LiveSession, type LiveReading } from './live-session.js';
import type { SourceKind } from './media-errors.js';
import { DEFAULT_REGION_SIZE, centredRegion, clampRegion, moveRegion, videoPatch, type Region } from './region.js';
import { gauge, historyPlot, rates, type Scale } from './live-view.js';

const REGION_SIZES = [168, 252, 336, 504, 672];

export class LiveMode {
  private session: LiveSession | undefined;
  private status: 'idle' | 'starting' | 'running' = 'idle';
  private message: { kind: 'error' | 'info'; text: string } | undefined;
  private history = new LiveHistory();
  private last: LiveReading | undefined;
  private announcement = '';
  private regionSize = DEFAULT_REGION_SIZE;
  /** The model's levels, in-focus threshold and patch size, from its card (known once the model has loaded). */
  private scale: (Scale & { patchSize: number }) | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** Counts starts, so a start still waiting for the model knows a newer one (or Stop) came after it. */
  private starts = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly fq: FocusQuality,
    /** The pixel size the user gave (µm), read at each Start; throws OptionsError for a value that is none. */
    private readonly givenPixelSize: () => PixelSize | undefined = () => undefined,
  ) {}

  /** Shows the panel and loads the model (its card gives levels, in-focus threshold and patch size). */
  show(): void {
    this.update();
    this.fq.info().then(
      ({ card }) => {
        this.scale = { levels: card.levels, inFocusMaxLevel: card.inFocusMaxLevel, patchSize: card.patchSize };
        this.update();
      },
      () => undefined, // the first measurement reports a model that cannot load
    );
  }

  /** Leaving Live mode stops the capture: a camera must not stay on unseen. */
  hide(): void {
    this.stop();
  }

  private video(): HTMLVideoElement {
    return this.root.querySelector<HTMLVideoElement>('video.live-video')!;
  }

  private async start(kind: SourceKind): Promise<void> {
    this.stop();
    const ticket = ++this.starts;
    this.history = new LiveHistory();
    this.last = undefined;
    this.status = 'starting';
    this.message = { kind: 'info', text: kind === 'camera' ? 'Starting the camera…' : 'Choose the window or screen to share…' };
    this.update();
    let scale: Scale & { patchSize: number };
    let pixelSize: PixelSize | undefined;
    try {
      pixelSize = this.givenPixelSize();
    } catch (err) {
      this.status = 'idle';
      this.message = { kind: 'error', text: `Pixel size: ${formatError(err)}` };
      return this.update();
    }
    try {
      const { card } = await this.fq.info();
      scale = this.scale = { levels: card.levels, inFocusMaxLevel: card.inFocusMaxLevel, patchSize: videoPatch(card, pixelSize) };
    } catch (err) {
      if (ticket !== this.starts) return;
      this.status = 'idle';
      this.message = { kind: 'error', text: `The model could not be loaded: ${formatError(err)}` };
      return this.update();
    }
    if (ticket !== this.starts || this.status !== 'starting') return; // stopped or restarted while the model loaded
    const session = new LiveSession(this.video(), this.fq, scale.patchSize, {
      onFrame: (at) => this.history.frame(at),
      onReading: (reading) => this.onReading(reading),
      onEnd: (text) => {
        this.status = 'idle';
        this.message = { kind: 'error', text };
        this.stopTicker();
        this.update();
      },
    }, pixelSize);
    this.session = session;
    try {
      await session.start(kind, this.wantedRegionSize());
      if (this.session !== session || !session.active) return;
      this.status = 'running';
      this.message = undefined;
      this.ticker = setInterval(() => this.update(), 500);
    } catch (err) {
      if (this.session !== session) return;
      this.status = 'idle';
      this.message = { kind: 'error', text: (err as Error).message };
    }
    this.update();
  }

  private stop(): void {
    this.starts++;
    this.session?.stop();
    this.session = undefined;
    this.stopTicker();
    if (this.status !== 'idle') {
      this.status = 'idle';
      this.message = { kind: 'info', text: 'Stopped.' };
    }
    this.update();
  }

  private stopTicker(): void {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private onReading(reading: LiveReading): void {
    const r = reading.result;
    this.history.add({ at: reading.at, score: r.score, level: r.level, certainty: r.certainty });
    // Screen readers hear the verdict when it changes, not ten numbers a second.
    const verdict = VERDICT_TEXT[displayVerdict(r)];
    if (displayVerdict(r) !== (this.last && displayVerdict(this.last.result))) this.announcement = `now ${verdict}`;
    this.last = reading;
    this.root.dispatchEvent(new CustomEvent<LiveReading>('focus-quality-live', { detail: reading, bubbles: true }));
    this.update();
  }

  private setRegion(region: Region | undefined): void {
    if (!this.session || !region) return;
    this.session.region = region;
    this.update();
  }

  private onStageClick(ev: MouseEvent): void {
    const s = this.session;
    if (!s?.region) return;
    const box = (ev.currentTarget as HTMLElement).getBoundingClientRect();
    const { width, height } = s.videoSize;
    const cx = ((ev.clientX - box.left) / box.width) * width;
    const cy = ((ev.clientY - box.top) / box.height) * height;
    this.setRegion(clampRegion(cx - s.region.size / 2, cy - s.region.size / 2, s.region.size, width, height));
  }

  private onStageKey(ev: KeyboardEvent): void {
    const s = this.session;
    if (!s?.region || !this.scale || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const next = moveRegion(s.region, ev.key, ev.shiftKey, s.videoSize.width, s.videoSize.height, this.scale.patchSize);
    if (!next) return;
    ev.preventDefault();
    this.setRegion(next);
  }

  private onSize(ev: Event): void {
    this.regionSize = Number((ev.target as HTMLSelectElement).value);
    const s = this.session;
    if (!s?.region || !this.scale) return this.update();
    const { width, height } = s.videoSize;
    this.setRegion(centredRegion(width, height, this.wantedRegionSize(), this.scale.patchSize, s.region.x + s.region.size / 2, s.region.y + s.region.size / 2));
  }

  /** The region size picked, but at least one patch (a patch of a fine camera can exceed the smallest choice). */
  private wantedRegionSize(): number {
    return Math.max(this.regionSize, this.scale?.patchSize ?? 0);
  }

  /** The last reading's patches inside the region, outlined in their level's colour (opacity = certainty), as in Files mode. */
  private patchBoxes() {
    const [r, scale] = [this.last, this.scale];
    if (!r || !scale || r.region !== this.session?.region) return nothing;
    const k = 100 / r.region.size;
    return r.result.patches.map(
      (p) => html`<div
        class="live-patch"
        style="left:${p.x * k}%;top:${p.y * k}%;width:${p.w * k}%;height:${p.h * k}%;border-color:${levelColor(p.level, 1, scale.levels).hex};opacity:${Math.max(0.15, p.certainty).toFixed(2)}"
      ></div>`,
    );
  }

  private update(): void {
    const running = this.status === 'running';
    const region = this.session?.region;
    const size = this.session?.videoSize;
    const pixelSize = this.session?.pixelSize;
    const box = region && size?.width ? { left: (region.x / size.width) * 100, top: (region.y / size.height) * 100, w: (region.size / size.width) * 100, h: (region.size / size.height) * 100 } : undefined;
    const colour = this.last && this.scale ? levelColor(this.last.result.level, 1, this.scale.levels).hex : '#fff';
    const now = performance.now();
    render(
      html`
        <div class="live-controls">
          <button type="button" id="live-camera" @click=${() => void this.start('camera')}>Start camera</button>
          <button type="button" id="live-screen" @click=${() => void this.start('screen')}>Share a screen or window</button>
          <label
            >Region
            <select id="live-size" @change=${(ev: Event) => this.onSize(ev)}>
              ${REGION_SIZES.map((s) => html`<option value=${s} ?selected=${s === this.regionSize}>${s}×${s} px</option>`)}
            </select></label
          >
          ${this.status !== 'idle' ? html`<button type="button" id="live-stop" @click=${() => this.stop()}>${this.status === 'starting' ? 'Cancel' : 'Stop'}</button>` : nothing}
        </div>
        <p class="live-message ${this.message?.kind ?? ''}" role=${this.message?.kind === 'error' ? 'alert' : 'status'}>${this.message?.text ?? ''}</p>
        <p class="sr-only" aria-live="polite">${this.announcement}</p>
        <div class="live-body" ?hidden=${this.status === 'idle' && !this.last}>
          <div
            class="live-stage"
            tabindex=${running ? 0 : -1}
            role="application"
            aria-roledescription="live image"
            aria-label="Live image. Click, tap or use the arrow keys (with Shift: a whole region) to move the measured square."
            @click=${(ev: MouseEvent) => this.onStageClick(ev)}
            @keydown=${(ev: KeyboardEvent) => this.onStageKey(ev)}
          >
            <video class="live-video" muted playsinline></video>
            ${box && running
              ? html`<div class="live-region" style="left:${box.left}%;top:${box.top}%;width:${box.w}%;height:${box.h}%;border-color:${colour}">
                  ${this.patchBoxes()}
                </div>`
              : nothing}
          </div>
          <div class="live-meter">
            ${this.scale ? html`${gauge(this.last, this.scale)} ${historyPlot(this.history, now, this.scale)}` : nothing} ${rates(this.history, this.last, now)}
            ${region
              ? html`<p class="small live-where">
                  Measuring ${region.size}×${region.size} px at (${region.x}, ${region.y}) of ${size?.width}×${size?.height}${pixelSize
                    ? `, ${pixelSize.x === pixelSize.y ? pixelSize.x : `${pixelSize.x}×${pixelSize.y}`} µm per pixel`
                    : ', pixel size unknown (measured as if it were the model\'s)'}.
                </p>`
              : nothing}
          </div>
        </div>
      `,
      this.root,
    );
  }
}
