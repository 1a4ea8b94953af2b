/**
 * Chooses the onnxruntime-web backend in a browser (page or worker): WebGPU, WebGL or wasm, with automatic fallback.
 *
 * Why not "GPU if present": a browser may offer WebGPU/WebGL that is only a CPU emulation (SwiftShader, llvmpipe), and there
 * the model runs 20–150× slower than on wasm (measured here: docs/browser-speed.md). So `auto` skips software adapters,
 * tries real GPU backends first, times one warm-up batch on each backend that loaded, keeps the fastest and reports why.
 */
import type { ModelCard } from '../core/model-card.js';
import { ModelError, formatError } from '../core/errors.js';
import type { BackendAttempt, BackendName, BackendPreference, BackendReport } from './worker-protocol.js';

/** What the environment offers for one backend, before anything is loaded. */
export interface BackendProbe {
  readonly backend: BackendName;
  readonly available: boolean;
  /** The backend exists but emulates a GPU in software. */
  readonly software: boolean;
  readonly detail: string;
}

/** The part of a loaded model the choice needs. */
export interface Predictor {
  /** wasm threads it runs with, for the report. */
  readonly numThreads?: number;
  predict(patches: Float32Array, count: number): Promise<Float32Array>;
  dispose(): void | Promise<void>;
}

// Minimal WebGPU shapes: the DOM lib of TypeScript 5.9 does not declare navigator.gpu.
interface GpuAdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: { readonly vendor?: string; readonly architecture?: string; readonly description?: string; readonly isFallbackAdapter?: boolean };
}
interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render|mesa offscreen/i;

async function probeWebGpu(): Promise<BackendProbe> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { backend: 'webgpu', available: false, software: false, detail: 'navigator.gpu is missing' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { backend: 'webgpu', available: false, software: false, detail: 'requestAdapter() returned null' };
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    const software = adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || SOFTWARE_RENDERER.test(name);
    return { backend: 'webgpu', available: true, software, detail: software ? `software fallback adapter (${name})` : name };
  } catch (err) {
    return { backend: 'webgpu', available: false, software: false, detail: `requestAdapter() failed: ${String(err)}` };
  }
}

function probeWebGl(): BackendProbe {
  let gl: WebGL2RenderingContext | WebGLRenderingContext | null = null;
  try {
    // OffscreenCanvas exists in workers, where the worker runs this; a page without it falls back to a DOM canvas.
    const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : globalThis.document?.createElement('canvas');
    gl = (canvas?.getContext('webgl2') ?? canvas?.getContext('webgl') ?? null) as WebGL2RenderingContext | WebGLRenderingContext | null;
  } catch {
    gl = null;
  }
  if (!gl) return { backend: 'webgl', available: false, software: false, detail: 'no WebGL context' };
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  const software = SOFTWARE_RENDERER.test(renderer);
  return { backend: 'webgl', available: true, software, detail: software ? `software renderer (${renderer})` : renderer };
}

/** Looks at what this browser context offers, without loading onnxruntime-web. */
export async function probeBackends(): Promise<BackendProbe[]> {
  return [await probeWebGpu(), probeWebGl(), { backend: 'wasm', available: typeof WebAssembly === 'object', software: false, detail: 'WebAssembly' }];
}

/**
 * Threads for wasm in a browser: several only where SharedArrayBuffer works, i.e. the page is cross-origin isolated
 * (COOP/COEP), and one core left to the page, the browser and the worker's own message handling — up to 4. Why not
 * every core: onnxruntime splits each operator across its threads and waits for all of them, so one thread that loses
 * its core to another process stalls every operator; with as many threads as cores that happens all the time, and 2
 * threads on a 2-core machine ran slower than 1 (bench/browser-bench.mjs; docs/browser-speed.md). Outside a browser
 * (no `crossOriginIsolated` at all, e.g. Node) undefined: onnxruntime-web chooses.
 */
export function defaultThreadCount(cores = globalThis.navigator?.hardwareConcurrency ?? 1): number | undefined {
  if (globalThis.crossOriginIsolated === undefined) return undefined;
  if (!globalThis.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, cores - 1));
}

/**
 * Orders the candidates for `preference`; the rest are reported as skipped with their reason. A dynamic batch does not
 * rule WebGL out: loadModel gives the model a fixed batch for it.
 */
export function planBackends(preference: BackendPreference, probes: readonly BackendProbe[]): { try: BackendName[]; skipped: BackendAttempt[] } {
  // An explicit choice is tried first but still falls back to wasm (reported), so a page never ends up without a model.
  if (preference !== 'auto') return { try: preference === 'wasm' ? ['wasm'] : [preference, 'wasm'], skipped: [] };
  const order: BackendName[] = [];
  const skipped: BackendAttempt[] = [];
  for (const p of probes) {
    if (p.backend === 'wasm') continue;
    if (!p.available) skipped.push({ backend: p.backend, outcome: 'skipped', reason: p.detail });
    else if (p.software) skipped.push({ backend: p.backend, outcome: 'skipped', reason: `${p.detail}: slower than wasm` });
    else order.push(p.backend);
  }
  order.push('wasm');
  return { try: order, skipped };
}

async function timeWarmup(model: Predictor, card: ModelCard): Promise<number> {
  const count = 16;
  const patches = new Float32Array(count * card.patchSize * card.patchSize).fill(0.05);
  await model.predict(patches, count); // the first run compiles shaders / kernels
  const t0 = performance.now();
  await model.predict(patches, count);
  return performance.now() - t0;
}

/**
 * Loads the model on the preferred backend, falling back in order. With `auto` and more than one backend loaded, the
 * fastest warm-up wins and the others are disposed. Throws a ModelError listing every failure when nothing loads.
 */
export async function chooseBackend<M extends Predictor>(
  preference: BackendPreference,
  card: ModelCard,
  load: (backend: BackendName) => Promise<M>,
): Promise<{ model: M; report: BackendReport }> {
  const probes = preference === 'auto' ? await probeBackends() : [];
  const plan = planBackends(preference, probes);
  const attempts: BackendAttempt[] = [...plan.skipped];
  const loaded: { backend: BackendName; model: M; ms?: number; detail: string }[] = [];
  for (const backend of plan.try) {
    if (preference !== 'auto' && loaded.length > 0) break;
    try {
      const model = await load(backend);
      const detail = probes.find((p) => p.backend === backend)?.detail ?? 'requested';
      loaded.push({ backend, model, detail });
    } catch (err) {
      attempts.push({ backend, outcome: 'failed', reason: formatError(err) });
    }
  }
  if (loaded.length === 0) {
    const why = attempts.filter((a) => a.outcome === 'failed').map((a) => `${a.backend}: ${a.reason}`).join('; ');
    throw new ModelError(`no onnxruntime-web backend could load the model (${why})`, { file: card.file });
  }
  if (loaded.length > 1) {
    for (const l of loaded) l.ms = await timeWarmup(l.model, card);
    loaded.sort((a, b) => (a.ms ?? 0) - (b.ms ?? 0));
  }
  const [best, ...rest] = loaded as [(typeof loaded)[number], ...typeof loaded];
  for (const r of rest) {
    attempts.push({ backend: r.backend, outcome: 'loaded', reason: `slower warm-up than ${best.backend}`, ...(r.ms === undefined ? {} : { warmupMs: r.ms }) });
    await r.model.dispose();
  }
  attempts.push({ backend: best.backend, outcome: 'chosen', reason: best.detail, ...(best.ms === undefined ? {} : { warmupMs: best.ms }) });
  return {
    model: best.model,
    report: { backend: best.backend, numThreads: best.model.numThreads ?? 1, crossOriginIsolated: globalThis.crossOriginIsolated === true, attempts },
  };
}
