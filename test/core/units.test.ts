import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibratedPixelSize, micronsPer } from '../../src/core/units.js';

describe('calibration units', () => {
  it('knows the length names ImageJ and OME write, in any case, µ also as ImageJ\'s \\u00B5 escape', () => {
    for (const [unit, um] of [['micron', 1], ['Microns', 1], ['µm', 1], ['μm', 1], ['um', 1], ['\\u00B5m', 1], ['nm', 1e-3], ['mm', 1e3], ['cm', 1e4], ['inch', 25400], [' micron ', 1]] as const) {
      assert.equal(micronsPer(unit), um, unit);
    }
  });

  it('an uncalibrated image (ImageJ: "pixels", 1×1) or an unknown unit has no pixel size', () => {
    for (const unit of ['pixels', 'pixel', '', 'furlong']) assert.equal(calibratedPixelSize(1, 1, unit), undefined, unit);
  });

  it('converts to µm and keeps x and y apart', () => {
    assert.deepEqual(calibratedPixelSize(325, 650, 'nm'), { x: 0.325, y: 0.65 });
    assert.deepEqual(calibratedPixelSize(0.325, 0.325, 'micron'), { x: 0.325, y: 0.325 });
  });

  it('a print resolution is no microscope pixel: 72 dpi (352.8 µm) and 1e-6 µm are refused', () => {
    assert.equal(calibratedPixelSize(1 / 72, 1 / 72, 'inch'), undefined);
    assert.equal(calibratedPixelSize(1e-6, 1e-6, 'micron'), undefined);
  });
});
