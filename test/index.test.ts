// The public surface is a contract with embedders: this test makes every change to it deliberate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../src/index.js';

test('index exports exactly the documented runtime names', () => {
  assert.deepEqual(Object.keys(api).sort(), [
    'CancelledError', 'ERROR_NAMES', 'ImageContentError', 'ImageFormatError', 'MAX_BATCH_SIZE', 'MAX_BORDER_WIDTH', 'METRICS', 'METRIC_NAMES', 'ModelError', 'OptionsError',
    'DEFAULT_OPTIONS', 'aggregatePatches', 'argmaxLevel', 'brenner', 'composeAllInFocus', 'computeMetrics', 'createFocusQuality', 'createWorkerClient',
    'decodeImage', 'decodeNdArray', 'defaultAssetUrls', 'extractPatches', 'focusScore', 'formatError', 'fullScale', 'levelColor', 'loadModel', 'localFocusScore',
    'measureImage', 'measureStack', 'medianLevel', 'modelMeasurer', 'planesOf', 'metricPerPatch', 'parseModelCard', 'patchCertainty', 'pickBestSlice', 'plls',
    'renderOverlayPng', 'resolveOptions', 'reviveError', 'selectSlices', 'splitIntoPatches', 'tenengrad', 'toGeoJSON', 'toGeoJSONCollection', 'toImageCsv', 'toImageStack', 'toJson', 'toPatchCsv', 'varianceOfLaplacian', 'withContext',
  ].sort());
});

