/**
 * `<focus-quality-view>`: shows a microscope image contrast-stretched, measures it in the focus-quality worker and draws
 * every patch outlined in the colour of its defocus level (hue = level, opacity = certainty), with a legend, a summary
 * line and a hover tooltip giving a patch's level, certainty and probabilities.
 *
 * Give it an image by `src` (URL of a TIFF/PNG), by `loadFile(file)`, by the `image` property (a GrayImage or a decoded
 * ImageStack; measured on assignment) or by `display(image, result)` for a result computed elsewhere (not re-measured).
 * A failed load or measurement shows a message and keeps the image and result shown before.
 *
 * @event focus-quality-result - `CustomEvent<FocusQualityResultDetail>` after each successful measurement.
 * @event focus-quality-error - `CustomEvent<FocusQualityErrorDetail>` when loading, decoding or measuring fails (not on cancel).
 * @event focus-quality-progress - `CustomEvent<{ done: number; total: number }>` after each batch of patches.
 * @csspart stage - the box holding both canvases. @csspart image - the image canvas. @csspart overlay - the patch canvas.
 * @csspart summary - the result line. @csspart legend - the colour legend. @csspart tooltip - the hover box.
 * @csspart progress - the progress bar. @csspart error - the error message.
 * @cssproperty --focus-quality-font, --focus-quality-color, --focus-quality-background, --focus-quality-canvas-background,
 *   --focus-quality-tooltip-background, --focus-quality-tooltip-color, --focus-quality-error-color
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { levelColor } from '../../core/colormap.js';
import { formatError, withContext } from '../../core/errors.js';
import type { FocusResult, GrayImage, ImageStack, PatchScore } from '../../core/types.js';
import { decodeImage } from '../../io/decode.js';
import type { WorkerClient } from '../../inference/worker-client.js';
import type { BackendPreference } from '../../inference/worker-protocol.js';
import { sharedClient } from './shared-client.js';
import { stretchToRgba } from './stretch.js';
import { styles } from './focus-quality-view.styles.js';

export interface FocusQualityResultDetail {
  readonly result: FocusResult;
  /** URL or file name the image came from, when known. */
  readonly source: string | undefined;
}

export interface FocusQualityErrorDetail {
  /** The error's tag (`ImageFormatError`, `ModelError`, …, see core/errors.ts). */
  readonly name: string;
  readonly message: string;
  readonly source: string | undefined;
}

interface Hover {
  readonly patch: PatchScore;
  readonly left: number;
  readonly top: number;
}

const isStack = (v: GrayImage | ImageStack): v is ImageStack => Array.isArray((v as ImageStack).slices);

export class FocusQualityView extends LitElement {
  static override styles = styles;
  static override properties = {
    src: { type: String },
    modelUrl: { type: String, attribute: 'model-url' },
    ortUrl: { type: String, attribute: 'ort-url' },
    backend: { type: String },
    borderWidth: { type: Number, attribute: 'border-width' },
    slice: { type: Number },
    image: { attribute: false },
    client: { attribute: false },
    result: { attribute: false },
    shown: { state: true },
    status: { state: true },
    progress: { state: true },
    error: { state: true },
    warnings: { state: true },
    hover: { state: true },
  };

  declare src: string | undefined;
  declare modelUrl: string | undefined;
  declare ortUrl: string | undefined;
  declare backend: BackendPreference | undefined;
  /** Patch border width in image pixels (default 2). */
  declare borderWidth: number;
  /** Slice of a stack to show and measure (0-based). */
  declare slice: number;
  /** The image to measure; assigning measures it. */
  declare image: GrayImage | ImageStack | undefined;
  /** The worker client to use; default one shared by every element with the same model settings. */
  declare client: WorkerClient | undefined;
  /** The result on display (read it; use `display()` to show one computed elsewhere). */
  declare result: FocusResult | undefined;
  declare protected shown: GrayImage | undefined;
  declare protected status: 'idle' | 'loading' | 'measuring';
  declare protected progress: { done: number; total: number } | undefined;
  declare protected error: string | undefined;
  declare protected warnings: readonly string[];
  declare protected hover: Hover | undefined;

  private levels = 11;
  private source: string | undefined;
  private running: AbortController | undefined;
  private pixels: ImageData | undefined;
  private drawn = new WeakMap<HTMLCanvasElement, ImageData>();

  constructor() {
    super();
    this.borderWidth = 2;
    this.slice = 0;
    this.status = 'idle';
    this.warnings = [];
  }

  /** Decodes a TIFF/PNG file (or any Blob) and measures it. */
  async loadFile(file: Blob, name = (file as File).name ?? 'image'): Promise<FocusResult | undefined> {
    return this.run(name, async (signal) => this.pickSlice(await decodeImage(await file.arrayBuffer(), name), name), (img, signal) => this.measurePlane(img, signal));
  }

  /** Measures the image on display (or `image`) again, e.g. after changing the model. */
  async measure(): Promise<FocusResult | undefined> {
    const target = this.image ?? this.shown;
    if (!target) return undefined;
    return this.run(this.source, async () => this.pickSlice(target, this.source), (img, signal) => this.measurePlane(img, signal));
  }

  /** Shows an image with a result computed elsewhere (e.g. by the app for a whole stack), without measuring. */
  display(image: GrayImage, result?: FocusResult, source?: string): void {
    this.running?.abort();
    this.commit(image, result, source, []);
  }

  /** Stops a measurement in progress; the previous view stays. */
  cancel(): void {
    this.running?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('src') && this.src) void this.loadUrl(this.src);
    if (changed.has('image') && this.image) void this.measure();
    if (changed.has('modelUrl') || changed.has('ortUrl') || changed.has('backend')) {
      if (changed.get('modelUrl') !== undefined || changed.get('ortUrl') !== undefined || changed.get('backend') !== undefined) void this.measure();
    }
  }

  private async loadUrl(url: string): Promise<void> {
    const name = decodeURIComponent(url.split('/').pop()?.split('?')[0] ?? url);
    await this.run(
      name,
      async (signal) => {
        const response = await fetch(url, { signal });
        if (!response.ok) throw Object.assign(new Error(`${url}: HTTP ${response.status} ${response.statusText}`.trim()), { name: 'ImageFormatError' });
        return this.pickSlice(await decodeImage(await response.arrayBuffer(), name), url);
      },
      (img, signal) => this.measurePlane(img, signal),
    );
  }

  private pickSlice(input: GrayImage | ImageStack, source: string | undefined): { plane: GrayImage; warnings: readonly string[] } {
    if (!isStack(input)) return { plane: input, warnings: [] };
    const plane = input.slices[Math.min(Math.max(0, this.slice), input.slices.length - 1)];
    if (!plane) throw Object.assign(new Error(`${source ?? 'image'}: the stack holds no image planes`), { name: 'ImageContentError' });
    return { plane, warnings: input.warnings };
  }

  private measurePlane(plane: GrayImage, signal: AbortSignal): Promise<FocusResult> {
    const client = this.client ?? sharedClient({ modelUrl: this.modelUrl, ortUrl: this.ortUrl, backend: this.backend });
    return client.measure(plane, { slice: Math.max(0, this.slice) }, { signal, onProgress: (done, total) => this.onProgress(done, total) });
  }

  private onProgress(done: number, total: number): void {
    this.progress = { done, total };
    this.dispatchEvent(new CustomEvent('focus-quality-progress', { detail: { done, total }, bubbles: true, composed: true }));
  }

  /** One load-and-measure at a time: a newer one cancels the older; failures keep what was shown before. */
  private async run(
    source: string | undefined,
    load: (signal: AbortSignal) => Promise<{ plane: GrayImage; warnings: readonly string[] }>,
    measure: (plane: GrayImage, signal: AbortSignal) => Promise<FocusResult>,
  ): Promise<FocusResult | undefined> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    this.error = undefined;
    this.status = 'loading';
    this.progress = undefined;
    try {
      const { plane, warnings } = await load(controller.signal);
      this.status = 'measuring';
      const result = await measure(plane, controller.signal);
      if (this.running !== controller) return undefined;
      this.commit(plane, result, source, warnings);
      this.dispatchEvent(new CustomEvent<FocusQualityResultDetail>('focus-quality-result', { detail: { result, source }, bubbles: true, composed: true }));
      return result;
    } catch (err) {
      if (this.running !== controller) return undefined; // superseded: the newer run reports for itself
      const e = err as { name?: string; message?: string };
      if (e?.name === 'CancelledError' || e?.name === 'AbortError') return undefined;
      // Worker-side errors (e.g. "image is 1×1 pixels, …") do not know the file: name it here.
      this.error = formatError(withContext(err, { file: source }));
      const detail: FocusQualityErrorDetail = { name: e?.name ?? 'Error', message: this.error, source };
      this.dispatchEvent(new CustomEvent<FocusQualityErrorDetail>('focus-quality-error', { detail, bubbles: true, composed: true }));
      return undefined;
    } finally {
      if (this.running === controller) {
        this.running = undefined;
        this.status = 'idle';
        this.progress = undefined;
      }
    }
  }

  private commit(plane: GrayImage, result: FocusResult | undefined, source: string | undefined, warnings: readonly string[]): void {
    if (plane !== this.shown) this.pixels = new ImageData(stretchToRgba(plane), plane.width, plane.height);
    this.shown = plane;
    this.result = result;
    this.source = source;
    this.warnings = warnings;
    this.error = undefined;
    this.hover = undefined;
    if (result) this.levels = result.probs.length || this.levels;
  }

  protected override updated(): void {
    const image = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.image');
    const overlay = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.overlay');
    if (!image || !overlay || !this.shown || !this.pixels) return;
    // Lit may replace the canvas (first image after none): remember per canvas which pixels it holds.
    if (this.drawn.get(image) !== this.pixels) {
      image.width = overlay.width = this.shown.width;
      image.height = overlay.height = this.shown.height;
      image.getContext('2d')?.putImageData(this.pixels, 0, 0);
      this.drawn.set(image, this.pixels);
    }
    this.drawOverlay(overlay);
  }

  private drawOverlay(canvas: HTMLCanvasElement): void {
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const bw = Math.max(0, this.borderWidth);
    if (!this.result || bw === 0) return;
    ctx.lineWidth = bw;
    for (const p of this.result.patches) {
      // Inset by half the line width so the border lies inside its own patch and neighbours do not paint over it.
      ctx.globalAlpha = Math.min(1, Math.max(0, p.certainty));
      ctx.strokeStyle = levelColor(p.level, 1, this.levels).hex;
      ctx.strokeRect(p.x + bw / 2, p.y + bw / 2, p.w - bw, p.h - bw);
    }
    ctx.globalAlpha = 1;
  }

  private onPointerMove(ev: PointerEvent): void {
    const canvas = ev.currentTarget as HTMLCanvasElement;
    if (!this.result || !this.shown) return;
    const box = canvas.getBoundingClientRect();
    const x = ((ev.clientX - box.left) * this.shown.width) / box.width;
    const y = ((ev.clientY - box.top) * this.shown.height) / box.height;
    // Edge patches may overlap their neighbour (shifted to end at the border): take the one whose centre is nearest.
    let best: PatchScore | undefined;
    let bestD = Infinity;
    for (const p of this.result.patches) {
      if (x < p.x || y < p.y || x >= p.x + p.w || y >= p.y + p.h) continue;
      const d = (x - p.x - p.w / 2) ** 2 + (y - p.y - p.h / 2) ** 2;
      if (d < bestD) [best, bestD] = [p, d];
    }
    this.hover = best ? { patch: best, left: ev.clientX - box.left + 12, top: ev.clientY - box.top + 12 } : undefined;
  }

  private renderTooltip() {
    if (!this.hover) return nothing;
    const { patch, left, top } = this.hover;
    return html`<div class="tooltip" part="tooltip" role="tooltip" style="left:${left}px;top:${top}px">
      <div><b>Level ${patch.level}</b> · certainty ${patch.certainty.toFixed(2)} · (${patch.x}, ${patch.y})</div>
      ${patch.probs.map(
        (p, k) => html`<div>
          ${k}: <span class="bar" style="width:${Math.round(p * 80)}px;color:${levelColor(k, 1, this.levels).hex}"></span> ${p.toFixed(3)}
        </div>`,
      )}
    </div>`;
  }

  private renderSummary() {
    const r = this.result;
    if (!r) return nothing;
    const ms = r.timings.totalMs ?? Object.values(r.timings).reduce((a, b) => a + b, 0);
    return html`<div class="summary" part="summary" aria-live="polite">
      <span class="level">Level ${r.level}</span> (${r.inFocus ? 'in focus' : 'out of focus'}) · score ${r.score.toFixed(2)} · certainty
      ${r.certainty.toFixed(2)} · ${r.patches.length} patches${r.backend ? ` · ${r.backend}` : ''} · ${Math.round(ms)} ms
    </div>`;
  }

  protected override render() {
    const busy = this.status !== 'idle';
    return html`
      ${this.shown
        ? html`<div class="stage" part="stage">
            <canvas class="image" part="image" role="img" aria-label="image ${this.source ?? ''}"></canvas>
            <canvas class="overlay" part="overlay" @pointermove=${this.onPointerMove} @pointerleave=${() => (this.hover = undefined)}></canvas>
            ${this.renderTooltip()}
          </div>`
        : nothing}
      ${busy
        ? html`<progress part="progress" aria-label="measuring" max=${this.progress?.total ?? 1} value=${this.progress?.done ?? 0}></progress>`
        : nothing}
      ${this.error ? html`<div class="error" part="error" role="alert">${this.error}</div>` : nothing}
      ${this.warnings.map((w) => html`<div class="warning" part="warning">${w}</div>`)} ${this.renderSummary()}
      <div class="legend" part="legend" aria-label="defocus levels">
        ${Array.from(
          { length: this.levels },
          (_, k) => html`<span class="swatch" style="background:${levelColor(k, 1, this.levels).hex}" title="level ${k}">${k}</span>`,
        )}
        <span>in focus → defocused</span>
      </div>
    `;
  }
}
