/**
 * A running live capture: a camera (`getUserMedia`) or a screen/window (`getDisplayMedia`) shown in a <video>, and a
 * frame loop that measures a square region of the newest frame in the worker. At most one frame is in the worker at a
 * time: frames that arrive meanwhile are skipped, never queued, so the meter shows the present even when inference is
 * slower than the camera. A capture that ends (camera unplugged, "Stop sharing", permission revoked) stops the loop
 * with a message; nothing waits on it.
 */
import { formatError } from '../../../core/errors.js';
import type { FocusResult, GrayImage, PixelSize } from '../../../core/types.js';
import type { FocusQuality } from '../../../api.js';
import { interleavedToLuminance } from '../../../io/luminance.js';
import { describeMediaError, type SourceKind } from './media-errors.js';
import { DEFAULT_REGION_SIZE, centredRegion, type Region } from './region.js';

export interface LiveReading {
  readonly result: FocusResult;
  /** The video's presented-frame count when the frame was grabbed (requestVideoFrameCallback metadata). */
  readonly frame: number;
  /** performance.now() at the grab. */
  readonly at: number;
  /** Grab to result, ms. */
  readonly latencyMs: number;
  readonly region: Region;
}

export interface LiveHooks {
  /** A camera frame was presented (measured or skipped). */
  onFrame(at: number): void;
  onReading(reading: LiveReading): void;
  /** The capture stopped by itself or failed; `message` says why. Not called for `stop()`. */
  onEnd(message: string): void;
}

/** What the live view needs of the library API: measuring a plane (in its worker). */
export type LiveMeasurer = Pick<FocusQuality, 'measure'>;

interface VideoFrameMeta {
  readonly presentedFrames: number;
}
type FrameVideo = HTMLVideoElement & { requestVideoFrameCallback?(cb: (now: number, meta: VideoFrameMeta) => void): number };

/** How often a capture that delivers no frames is checked for having ended, ms. */
const WATCHDOG_MS = 500;

export class LiveSession {
  region: Region | undefined;
  private stream: MediaStream | undefined;
  private running = false;
  private busy = false;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private canvas: HTMLCanvasElement | undefined;
  private fallbackFrames = 0;
  /** Counts stops, so a start still waiting for the browser's prompt knows it was abandoned. */
  private generation = 0;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly measurer: LiveMeasurer,
    /** One model patch in video pixels: the region is whole patches wide. */
    private readonly patchSize: number,
    private readonly hooks: LiveHooks,
    /** µm per video pixel, when the user gave it: frames are resampled to the model's native pixels. */
    readonly pixelSize?: PixelSize,
  ) {}

  get active(): boolean {
    return this.running;
  }

  get videoSize(): { width: number; height: number } {
    return { width: this.video.videoWidth, height: this.video.videoHeight };
  }

  /**
   * Starts a camera or a screen capture. Rejects with a one-line message (permission denied, no camera, …). While the
   * browser's prompt or picker is open, `stop()` abandons the start (a capture granted later is closed at once), so a
   * prompt nobody answers leaves nothing stuck.
   */
  async start(kind: SourceKind, regionSize = DEFAULT_REGION_SIZE): Promise<void> {
    this.stop();
    const generation = this.generation;
    const media = navigator.mediaDevices;
    const open = kind === 'camera' ? media?.getUserMedia?.bind(media) : media?.getDisplayMedia?.bind(media);
    if (!open) throw new Error(describeMediaError({ name: 'SecurityError' }, kind));
    let stream: MediaStream;
    try {
      stream = await open({ video: true, audio: false });
    } catch (err) {
      if (generation !== this.generation) return;
      throw new Error(describeMediaError(err, kind));
    }
    if (generation !== this.generation) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    const [track] = stream.getVideoTracks();
    if (!track) {
      for (const t of stream.getTracks()) t.stop();
      throw new Error(describeMediaError({ name: 'NotFoundError' }, kind));
    }
    this.stream = stream;
    this.running = true;
    const source = kind === 'camera' ? 'camera' : 'screen capture';
    track.addEventListener('ended', () => this.end(`The ${source} ended (${kind === 'camera' ? 'camera disconnected or access revoked' : 'sharing was stopped'}).`));
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.srcObject = stream;
    try {
      await this.video.play();
      if (this.video.videoWidth === 0) await new Promise((resolve) => this.video.addEventListener('loadedmetadata', resolve, { once: true }));
    } catch (err) {
      this.stop();
      throw new Error(`The ${source} started but its video could not be shown: ${formatError(err)}`);
    }
    if (!this.running) return; // ended while starting; onEnd has said why
    const { width, height } = this.videoSize;
    this.region = centredRegion(width, height, regionSize, this.patchSize);
    if (!this.region) {
      this.stop();
      throw new Error(`The ${source} is ${width}×${height} pixels, smaller than one ${this.patchSize}×${this.patchSize} patch.`);
    }
    this.watchdog = setInterval(() => {
      if (this.stream && (!this.stream.active || track.readyState === 'ended')) this.end(`The ${source} ended.`);
    }, WATCHDOG_MS);
    this.schedule();
  }

  /** Stops the capture (the user's Stop); a measurement in flight is ignored when it returns. */
  stop(): void {
    this.generation++;
    this.running = false;
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.watchdog = undefined;
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = undefined;
    this.video.srcObject = null;
  }

  private end(message: string): void {
    if (!this.running) return;
    this.stop();
    this.hooks.onEnd(message);
  }

  private schedule(): void {
    if (!this.running) return;
    const video = this.video as FrameVideo;
    // requestVideoFrameCallback fires once per new camera frame; without it, poll at display rate (frames may repeat).
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback((now, meta) => this.onFrame(now, meta.presentedFrames));
    else requestAnimationFrame((now) => this.onFrame(now, ++this.fallbackFrames));
  }

  private onFrame(now: number, frame: number): void {
    if (!this.running) return;
    this.hooks.onFrame(now);
    if (!this.busy && this.region) void this.measure(frame, this.region);
    this.schedule();
  }

  /** The region's pixels as an 8-bit luminance plane (ITU-R BT.601, as for any RGB input). */
  private grab(region: Region): GrayImage {
    const canvas = (this.canvas ??= document.createElement('canvas'));
    if (canvas.width !== region.size) canvas.width = canvas.height = region.size;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(this.video, region.x, region.y, region.size, region.size, 0, 0, region.size, region.size);
    const rgba = ctx.getImageData(0, 0, region.size, region.size).data;
    return { data: interleavedToLuminance(rgba, 4, (n) => new Uint8Array(n)), width: region.size, height: region.size, bitDepth: 8 };
  }

  private async measure(frame: number, region: Region): Promise<void> {
    this.busy = true;
    const at = performance.now();
    try {
      const result = (await this.measurer.measure(this.grab(region), { name: 'live image', pixelSize: this.pixelSize })).best;
      if (this.running) this.hooks.onReading({ result, frame, at, latencyMs: performance.now() - at, region });
    } catch (err) {
      this.end(`Measuring the live image failed: ${formatError(err)}`);
    } finally {
      this.busy = false;
    }
  }
}
