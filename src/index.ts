/**
 * focus-quality — microscope image focus quality (Yang et al. 2018, BMC Bioinformatics 19:77) for the web.
 *
 * A compact CNN rates every 84×84 patch of a grayscale fluorescence image on 11 ordered defocus levels
 * (0 = in focus … 10 = most defocused) with a certainty; the whole image gets a certainty-weighted verdict.
 *
 * @example
 * ```js
 * import { createFocusQuality } from 'focus-quality';
 *
 * const fq = createFocusQuality();                 // model + onnxruntime wasm from next to the bundle, inference in a worker
 * const blob = await (await fetch('cells.tif')).blob();
 * const m = await fq.measure(blob, { slices: 'all', onProgress: (done, total) => console.log(done, '/', total) });
 * console.log(m.results[0].level, m.results[0].inFocus); // e.g. 1 true
 * const geojson = m.toGeoJSON();                     // one polygon per patch, pixel coordinates
 * fq.dispose();
 * ```
 *
 * Host-specific entry points live in package subpaths: the lit element (`focus-quality/element`) and the Node helpers
 * used by the CLI (`focus-quality/node`). This file exports only what runs in every environment.
 */

// The one-call API for embedders.
export { createFocusQuality, decodeNdArray, toImageStack } from './api.js';
export type { ChannelOrder, FocusQuality, FocusQualityOptions, MeasureCall, Measurement, ImageInput, ImJoyNdArray, NdArrayOptions, Preview, RawImage, AllInFocus } from './api.js';

// Shapes and errors.
export type { BitDepth, FocusResult, GrayImage, ImageStack, PatchRect, PatchScore, PixelArray, PixelSize, Verdict } from './core/types.js';
export { CancelledError, ERROR_NAMES, ImageContentError, ImageFormatError, ModelError, OptionsError, formatError, reviveError, withContext } from './core/errors.js';
export type { ErrorContext, ErrorFields, ErrorName } from './core/errors.js';
export { parseModelCard } from './core/model-card.js';
export type { Aggregation, ModelCard, TensorSpec, VerdictRule } from './core/model-card.js';

// The pure engine: patches, certainty, aggregation, colours, options.
export { splitIntoPatches } from './core/patches.js';
export { extractPatches, fullScale } from './core/scaling.js';
export { patchCertainty } from './core/certainty.js';
export { aggregatePatches, argmaxLevel, medianLevel } from './core/aggregate.js';
export { levelColor } from './core/colormap.js';
export type { Rgb } from './core/colormap.js';
export { DEFAULT_OPTIONS, MAX_BATCH_SIZE, MAX_BORDER_WIDTH, resolveOptions } from './core/options.js';
export type { MeasureOptions, SliceSelection } from './core/options.js';
export { pickBestSlice, selectSlices } from './core/slices.js';
export { measureStack, planesOf } from './core/measure-stack.js';
export { composeAllInFocus } from './core/composite.js';
export type { Composite, CompositeOptions } from './core/composite.js';
export type { Measurer, PlaneHooks, PlaneOptions, PlaneSource, StackHooks, StackMeasurement, StackOptions } from './core/measure-stack.js';

// Classic focus metrics (PLLS and friends).
export { METRIC_NAMES, METRICS, computeMetrics, plls, focusScore, localFocusScore, varianceOfLaplacian, brenner, tenengrad, metricPerPatch } from './core/metrics/index.js';
export type { MetricName } from './core/metrics/index.js';

// Decoding and result formats.
export { decodeImage } from './io/decode.js';
export { toGeoJSON, toGeoJSONCollection } from './io/geojson.js';
export { toImageCsv, toPatchCsv } from './io/csv.js';
export { toJson } from './io/json.js';
export type { ResultRow } from './io/rows.js';
export type { Feature, FeatureCollection } from './io/geojson.js';
export { renderOverlayPng } from './io/overlay.js';

// Inference: in-thread (Node, or a page that wants no worker) and through the comlink worker.
export { loadModel } from './inference/session.js';
export type { FocusModel, LoadModelOptions } from './inference/session.js';
export { measureImage, modelMeasurer } from './inference/measure.js';
export { createWorkerClient, defaultAssetUrls } from './inference/worker-client.js';
export type { FileHooks, WorkerClient, WorkerClientOptions, MeasureHooks } from './inference/worker-client.js';
export type { BackendName, BackendPreference, BackendReport, BackendAttempt, WorkerFileOptions, WorkerFileResult } from './inference/worker-protocol.js';
