/**
 * `<focus-quality-view>`: shows a microscope image contrast-stretched, measures it in the focus-quality worker and draws
 * every patch outlined in the colour of its defocus level (hue = level, opacity = certainty), with a legend, a verdict
 * line, a sentence describing the patch levels, and a patch reading: hover with a mouse, tap, or focus the image and
 * move with the arrow keys (Home/End: row ends, PageUp/PageDown: column ends, Escape: clear); the highlighted patch's
 * level and certainty are announced in a live region.
 *
 * Give it an image by `src` (URL of a TIFF/PNG) or `loadFile(file)` — decoded, measured and drawn in the worker, so a
 * huge or malformed file never blocks the page — by the `image` property (a GrayImage or a decoded ImageStack, measured
 * on assignment), or show a result computed elsewhere with `display(image, result)` / `displayPicture(...)`.
 * `slice` picks the slice of a stack (an index the stack lacks is an error, never clamped). `pixel-size` (µm: "0.325"
 * or "x,y"; the property also takes a number or `{x, y}`) overrides the pixel size read from the file, so the image is
 * resampled to the model's native pixels; changing it measures again. A failed load or measurement shows a message
 * and keeps the image and result shown before.
 *
 * @event focus-quality-result - `CustomEvent<FocusQualityResultDetail>` after each successful measurement.
 * @event focus-quality-error - `CustomEvent<FocusQualityErrorDetail>` when loading, decoding or measuring fails (not on cancel).
 * @event focus-quality-progress - `CustomEvent<{ done: number; total: number }>` after each batch of patches.
 * @csspart stage - the box holding both canvases (focusable once there is a result). @csspart image - the image canvas.
 * @csspart overlay - the patch canvas. @csspart summary - the verdict line. @csspart description - the patch-level sentence.
 * @csspart patch-info - the highlighted patch's reading. @csspart legend - the colour legend. @csspart tooltip - the hover box.
 * @csspart progress - the progress bar. @csspart error - the error message. @csspart warning - a decoder remark.
 * @cssproperty --focus-quality-font, --focus-quality-color, --focus-quality-background, --focus-quality-canvas-background,
 *   --focus-quality-tooltip-background, --focus-quality-tooltip-color, --focus-quality-error-color, --focus-quality-focus-color
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { ImageFormatError, formatError, withContext } from '../../core/errors.js';
import type { ModelCard } from '../../core/model-card.js';
import { parsePixelSize } from '../../core/options.js';
import type { FocusResult, GrayImage, ImageStack, PixelSize } from '../../core/types.js';
import type { FocusQuality } from '../../api.js';
import type { BackendPreference } from '../../inference/worker-protocol.js';
import { renderPreview, type Preview } from '../../io/preview.js';
import { describePatches } from './describe.js';
import { PatchFocus } from './patch-focus.js';
import { legend, patchReading, summaryLine, tooltip } from './patch-info.js';
import { sharedFocusQuality } from './shared-focus-quality.js';
import { StagePainter, type StagePicture } from './stage-painter.js';
import { show, type Shown, type Where } from './sources.js';
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


export class FocusQualityView extends LitElement {
  static override styles = styles;
  static override properties = {
    src: { type: String },
    modelUrl: { type: String, attribute: 'model-url' },
    ortUrl: { type: String, attribute: 'ort-url' },
    backend: { type: String },
    borderWidth: { type: Number, attribute: 'border-width' },
    slice: { type: Number },
    pixelSize: { attribute: 'pixel-size' },
    image: { attribute: false },
    focusQuality: { attribute: false },
    card: { attribute: false },
    result: { attribute: false },
    picture: { state: true },
    status: { state: true },
    progress: { state: true },
    error: { state: true },
    warnings: { state: true },
  };

  declare src: string | undefined;
  declare modelUrl: string | undefined;
  declare ortUrl: string | undefined;
  declare backend: BackendPreference | undefined;
  /** Patch border width in image pixels (default 2). */
  declare borderWidth: number;
  /** Slice of a stack to show and measure (0-based); changing it measures that slice. */
  declare slice: number;
  /** Pixel size in µm overriding the file's (a number, "x" or "x,y", or `{x, y}`); unset or "": the file's own. */
  declare pixelSize: number | string | PixelSize | undefined;
  /** The image to measure; assigning measures it. */
  declare image: GrayImage | ImageStack | undefined;
  /** The engine to measure with (`createFocusQuality()`); default one shared by every element with the same model settings. */
  declare focusQuality: FocusQuality | undefined;
  /** The model card (levels, in-focus threshold); read from the engine's model when not set. */
  declare card: ModelCard | undefined;
  /** The result on display (read it; use `display()` to show one computed elsewhere). */
  declare result: FocusResult | undefined;
  /** What is drawn: a picture of the image, at most about the element's width in device pixels. */
  declare protected picture: StagePicture | undefined;
  declare protected status: 'idle' | 'loading' | 'measuring';
  declare protected progress: { done: number; total: number } | undefined;
  declare protected error: string | undefined;
  declare protected warnings: readonly string[];

  private source: string | undefined;
  /** The file or `src` loaded last, so a new `slice` is measured without fetching it again. */
  private file: { readonly blob: Blob; readonly name: string } | undefined;
  private running: AbortController | undefined;
  private readonly painter = new StagePainter();
  private patchFocus = new PatchFocus(this, () => ({
    patches: this.result?.patches ?? [],
    imageSize: this.picture,
    canvas: this.renderRoot?.querySelector<HTMLCanvasElement>('canvas.overlay') ?? null,
  }));

  constructor() {
    super();
    this.borderWidth = 2;
    this.slice = 0;
    this.status = 'idle';
    this.warnings = [];
  }

  /** Levels of the model: from the card, else from the result's distribution; unknown before either. */
  private get levels(): number | undefined {
    return this.card?.levels ?? (this.result?.probs.length || undefined);
  }

  /**
   * Longest side of the picture it draws (for `displayPicture`): the element's width in device pixels, at least 1024
   * (images up to that size are drawn pixel for pixel) and at most 2048 (an 8000² image costs the page a 2048² draw).
   */
  get pictureSide(): number {
    const css = this.getBoundingClientRect().width || 0;
    return Math.round(Math.min(2048, Math.max(1024, css * (globalThis.devicePixelRatio || 1))));
  }

  /** Measures slice `slice` of a TIFF/PNG file (or any Blob) in the worker. */
  async loadFile(file: Blob, name = (file as File).name ?? 'image'): Promise<FocusResult | undefined> {
    this.file = { blob: file, name };
    return this.measure();
  }

  /** Measures again (`image`, else the file or `src` loaded last), e.g. after changing the model or `slice`. */
  async measure(): Promise<FocusResult | undefined> {
    const fq = this.engine();
    const image = this.image;
    if (image) return this.run(this.source, (hooks) => show(fq, image, this.source ?? 'image', this.where(), hooks));
    const file = this.file;
    if (file) return this.run(file.name, (hooks) => show(fq, file.blob, file.name, this.where(), hooks));
    return undefined;
  }

  /** Shows an image with a result computed elsewhere (e.g. by the app for a whole stack), without measuring. */
  display(image: GrayImage, result?: FocusResult, source?: string): void {
    this.displayPicture(renderPreview(image, this.pictureSide), image, result, source);
  }

  /** Shows a picture already rendered (e.g. by the worker's `preview`) of an image of `size`, with its result. */
  displayPicture(picture: Preview, size: { readonly width: number; readonly height: number }, result?: FocusResult, source?: string): void {
    this.running?.abort();
    if (this.focusQuality) this.readCard(this.focusQuality);
    this.commit(picture, size, result, source, []);
  }

  /** Stops a measurement in progress; the previous view stays. */
  cancel(): void {
    this.running?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('src') && this.src) void this.loadUrl(this.src);
    else if (changed.has('image') && this.image) void this.measure();
    else if (changed.has('slice') && changed.get('slice') !== undefined && (this.image ?? this.file)) void this.measure();
    else if (changed.has('pixelSize') && (this.image ?? this.file)) void this.measure();
    else if (changed.get('modelUrl') !== undefined || changed.get('ortUrl') !== undefined || changed.get('backend') !== undefined) void this.measure();
  }

  private async loadUrl(url: string): Promise<void> {
    const name = decodeURIComponent(url.split('/').pop()?.split('?')[0] ?? url);
    const fq = this.engine();
    await this.run(name, async (hooks) => {
      const response = await fetch(url, { signal: hooks.signal });
      if (!response.ok) throw new ImageFormatError(`cannot fetch the image: HTTP ${response.status} ${response.statusText}`.trim(), { file: url });
      const blob = await response.blob();
      this.file = { blob, name };
      return show(fq, blob, name, this.where(), hooks);
    });
  }

  /** What to measure and draw of the input; a bad `pixelSize` throws OptionsError, shown as the element's error. */
  private where(): Where {
    const given = this.pixelSize;
    const pixelSize = given === undefined || given === null || given === '' ? undefined : parsePixelSize(given);
    return { slice: this.slice, maxSide: this.pictureSide, pixelSize };
  }

  private engine(): FocusQuality {
    return this.focusQuality ?? sharedFocusQuality({ modelUrl: this.modelUrl, ortUrl: this.ortUrl, backend: this.backend });
  }

  /** The card comes with the loaded model; a failure to load is reported by the measurement, not here. */
  private readCard(fq: FocusQuality): void {
    if (this.card) return;
    fq.info().then(
      (info) => (this.card ??= info.card),
      () => undefined,
    );
  }

  private onProgress(done: number, total: number): void {
    this.progress = { done, total };
    this.dispatchEvent(new CustomEvent('focus-quality-progress', { detail: { done, total }, bubbles: true, composed: true }));
  }

  /** One load-and-measure at a time: a newer one cancels the older; failures keep what was shown before. */
  private async run(source: string | undefined, work: (hooks: { signal: AbortSignal; onProgress: (done: number, total: number) => void }) => Promise<Shown>): Promise<FocusResult | undefined> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    this.error = undefined;
    this.status = 'measuring';
    this.progress = undefined;
    this.readCard(this.engine());
    try {
      const shown = await work({ signal: controller.signal, onProgress: (done, total) => this.onProgress(done, total) });
      if (this.running !== controller) return undefined;
      this.commit(shown.picture, shown, shown.result, source, shown.warnings);
      const result = shown.result;
      this.dispatchEvent(new CustomEvent<FocusQualityResultDetail>('focus-quality-result', { detail: { result, source }, bubbles: true, composed: true }));
      return result;
    } catch (err) {
      if (this.running !== controller) return undefined; // superseded: the newer run reports for itself
      const e = err as { name?: string };
      if (e?.name === 'CancelledError' || e?.name === 'AbortError') return undefined;
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

  private commit(picture: Preview, size: { width: number; height: number }, result: FocusResult | undefined, source: string | undefined, warnings: readonly string[]): void {
    this.picture = { pixels: new ImageData(picture.data as Uint8ClampedArray<ArrayBuffer>, picture.width, picture.height), width: size.width, height: size.height };
    this.result = result;
    this.source = source;
    // The decoder's remarks and the result's (e.g. "no content to judge"), each once.
    this.warnings = [...new Set([...warnings, ...(result?.warnings ?? [])])];
    this.error = undefined;
    this.patchFocus.reset();
  }

  protected override updated(): void {
    const image = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.image');
    const overlay = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.overlay');
    if (!image || !overlay || !this.picture) return;
    this.painter.paint(image, overlay, this.picture, this.result?.patches, this.patchFocus.highlightedPatch, { levels: this.levels ?? 1, borderWidth: this.borderWidth });
  }

  private renderStage() {
    if (!this.picture) return nothing;
    const name = this.source ?? 'image';
    if (!this.result) {
      return html`<div class="stage" part="stage" role="img" aria-label="${name} (not measured)">
        <canvas class="image" part="image"></canvas><canvas class="overlay" part="overlay"></canvas>
      </div>`;
    }
    // role=application: the arrow keys belong to the patch map, not to a screen reader's browse mode.
    return html`<div
      class="stage"
      part="stage"
      tabindex="0"
      role="application"
      aria-roledescription="patch map"
      aria-label="${name}: patch levels. Arrow keys move between patches."
      aria-describedby="description"
      @keydown=${this.patchFocus.onKeyDown}
      @pointerdown=${this.patchFocus.onPointerDown}
      @pointermove=${this.patchFocus.onPointerMove}
      @pointerleave=${this.patchFocus.onPointerLeave}
    >
      <canvas class="image" part="image" aria-hidden="true"></canvas>
      <canvas class="overlay" part="overlay" aria-hidden="true"></canvas>
      ${tooltip(this.patchFocus.hover, this.levels ?? this.result.probs.length)}
    </div>`;
  }

  /** The words for what the overlay shows in colour: all patches in one sentence, and the highlighted one. */
  private renderReading() {
    if (!this.result) return nothing;
    const max = this.card?.inFocusMaxLevel;
    return html`<p id="description" class="description" part="description">${describePatches(this.result.patches, max)}</p>
      ${patchReading(this.result.patches, this.patchFocus.highlighted, this.levels ?? this.result.probs.length, max)}`;
  }

  protected override render() {
    return html`
      ${this.renderStage()}
      ${this.status !== 'idle'
        ? html`<progress part="progress" aria-label="measuring" max=${this.progress?.total ?? 1} value=${this.progress?.done ?? 0}></progress>`
        : nothing}
      ${this.error ? html`<div class="error" part="error" role="alert">${this.error}</div>` : nothing}
      ${this.warnings.map((w) => html`<div class="warning" part="warning">${w}</div>`)} ${this.result ? summaryLine(this.result) : nothing}
      ${this.renderReading()} ${this.levels ? legend(this.levels) : nothing}
    `;
  }
}
