import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { levelColor } from '../../src/core/colormap.js';
import { toGeoJSON, toGeoJSONCollection } from '../../src/io/geojson.js';
import { toJson } from '../../src/io/json.js';
import { RESULT } from './csv.test.js';

describe('GeoJSON and JSON writers', () => {
  it('writes one closed pixel-coordinate polygon per patch with level, certainty, probs and colour', () => {
    const fc = toGeoJSON(RESULT, { file: 'a.tif' });
    assert.equal(fc.type, 'FeatureCollection');
    assert.equal(fc.features.length, 2);
    const f = fc.features[1]!;
    assert.deepEqual(f.geometry, { type: 'Polygon', coordinates: [[[84, 0], [168, 0], [168, 84], [84, 84], [84, 0]]] });
    assert.deepEqual(f.properties, { file: 'a.tif', slice: 0, level: 2, certainty: 0.125, probs: [0.3, 0.3, 0.4], color: levelColor(2, 0.125, 3).hex });
    assert.equal(fc.properties?.level, 1);
    assert.equal(fc.properties?.inFocus, true);
    assert.equal(fc.properties?.verdict, 'in');
  });

  it('turns a failed file into a feature without geometry that carries the error', () => {
    const fc = toGeoJSONCollection([{ file: 'bad.tif', slice: 0, error: 'truncated' }, { file: 'a.tif', slice: 0, result: RESULT }]);
    assert.equal(fc.features.length, 3);
    assert.deepEqual(fc.features[0], { type: 'Feature', geometry: null, properties: { file: 'bad.tif', slice: 0, error: 'truncated' } });
    assert.equal(JSON.parse(JSON.stringify(fc)).features[2].properties.file, 'a.tif');
    assert.deepEqual(fc.properties?.images, [{ file: 'a.tif', slice: 0, width: 168, height: 84, level: 1, score: RESULT.score, certainty: 0.5, meanCertainty: 0.25, maxCertainty: 0.75, inFocus: true, verdict: 'in', pixelSize: null, probs: RESULT.probs }]);
  });

  it('writes JSON rows with camelCase fields, patches only on request', () => {
    const rows = [{ file: 'a.tif', slice: 0, result: RESULT }];
    const [plain] = JSON.parse(toJson(rows));
    assert.equal(plain.level, 1);
    assert.equal(plain.inFocus, true);
    assert.equal(plain.verdict, 'in');
    assert.deepEqual(Object.keys(plain).slice(Object.keys(plain).indexOf('inFocus'), Object.keys(plain).indexOf('inFocus') + 2), ['inFocus', 'verdict']);
    assert.equal(plain.patches, undefined);
    const [full] = JSON.parse(toJson(rows, { patches: true }));
    assert.equal(full.patches.length, 2);
  });
});
