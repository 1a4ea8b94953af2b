// The one model loader: byte reader → card → bytes → sha256 and ONNX metadata checked against the card → session.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { formatError } from '../../src/core/errors.js';
import { cardUrlFor, parseModelCard, type ModelCard } from '../../src/core/model-card.js';
import { checkModelAgainstCard, openModel, readModelFiles, type ReadBytes } from '../../src/inference/model-loader.js';
import { readOnnxMetadata } from '../../src/inference/onnx-metadata.js';
import { sha256Hex } from '../../src/inference/sha256.js';
import { defaultModelPath, readFileBytes } from '../../src/node/model-files.js';
import { PYTHON, runTool, tempDir } from '../io/fixtures.js';
import { makeTinyModels } from './tiny.js';

const shipped = defaultModelPath();
const shippedBytes = (): Uint8Array => new Uint8Array(readFileSync(shipped));
const shippedCard = (): ModelCard => parseModelCard(JSON.parse(readFileSync(cardUrlFor(shipped), 'utf8')));
const isModelError = (pattern: RegExp) => (e: Error) => e.name === 'ModelError' && pattern.test(formatError(e));

describe('sha256Hex', () => {
  it("equals node:crypto's SHA-256 at every padding boundary, on random bytes and on the shipped model", () => {
    for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 65_537]) {
      const bytes = new Uint8Array(randomBytes(n));
      assert.equal(sha256Hex(bytes), createHash('sha256').update(bytes).digest('hex'), `${n} bytes`);
    }
    assert.equal(sha256Hex(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'); // FIPS 180-4 example
    assert.equal(sha256Hex(shippedBytes()), createHash('sha256').update(shippedBytes()).digest('hex'));
  });
});

describe('readOnnxMetadata', () => {
  it('reads the same metadata_props as the onnx Python package, from the shipped model', () => {
    const script = 'import json,sys,onnx; m=onnx.load(sys.argv[1]); print(json.dumps({p.key: p.value for p in m.metadata_props}))';
    const expected = JSON.parse(runTool(PYTHON, ['-c', script, shipped])) as Record<string, string>;
    assert.ok(Object.keys(expected).length >= 4, JSON.stringify(expected));
    assert.deepEqual(readOnnxMetadata(shippedBytes()), expected);
  });

  it('gives {} for a model without metadata and refuses bytes that are not a protobuf message', () => {
    const dir = makeTinyModels();
    assert.deepEqual(readOnnxMetadata(new Uint8Array(readFileSync(join(dir, 'affine.onnx')))), {});
    assert.throws(() => readOnnxMetadata(new TextEncoder().encode('not a model at all')), /protobuf|runs past|truncated/);
    assert.throws(() => readOnnxMetadata(shippedBytes().subarray(0, 5000)), /runs past|truncated/);
  });
});

describe('cardUrlFor', () => {
  it('puts the card next to the model, keeping a query or fragment', () => {
    assert.equal(cardUrlFor('https://h/models/focus-quality.onnx'), 'https://h/models/focus-quality.card.json');
    assert.equal(cardUrlFor('https://h/m.ONNX?v=2#x'), 'https://h/m.card.json?v=2#x');
    assert.equal(cardUrlFor('/data/model.b64.onnx'), '/data/model.b64.card.json');
    assert.equal(cardUrlFor('/data/model'), '/data/model.card.json');
  });
});

describe('checkModelAgainstCard', () => {
  it('accepts the shipped model with its card', () => {
    checkModelAgainstCard(shippedBytes(), shippedCard(), shipped);
  });

  it('refuses bytes whose sha256 is not the card\'s, naming both digests', () => {
    const bytes = shippedBytes();
    bytes[bytes.length - 1] ^= 1;
    assert.throws(() => checkModelAgainstCard(bytes, shippedCard(), 'm.onnx'), isModelError(/^m\.onnx: the model's sha256 is [0-9a-f]{64}, its card says [0-9a-f]{64}/));
  });

  it('refuses a card that disagrees with the ONNX metadata (version, in-focus threshold, scaling), naming the field', () => {
    const { sha256: _, ...unhashed } = shippedCard();
    for (const [key, value] of [['version', '9.9.9'], ['inFocusMaxLevel', 3], ['scaling', { rule: 'per-image min-max' }]] as const) {
      const card = { ...unhashed, [key]: value } as ModelCard;
      assert.throws(() => checkModelAgainstCard(shippedBytes(), card, 'm.onnx'), isModelError(new RegExp(`metadata says ${key} = .*its card says`)), key);
    }
  });
});

describe('readModelFiles / openModel with an injected reader', { timeout: 120_000 }, () => {
  it('reads through the given reader only: the card first, then the model', async () => {
    const asked: string[] = [];
    const reader: ReadBytes = (location) => (asked.push(location), readFileBytes(location));
    const { card, bytes } = await readModelFiles(reader, shipped);
    assert.deepEqual(asked, [cardUrlFor(shipped), shipped]);
    assert.equal(card.levels, shippedCard().levels);
    assert.equal(bytes.length, shippedBytes().length);
  });

  it('says which file it could not read and why, and where the card must be', async () => {
    const dir = tempDir('loader');
    await assert.rejects(readModelFiles(readFileBytes, join(dir, 'none.onnx')), isModelError(/none\.card\.json: cannot read the model card \(ENOENT\); it must sit next to the \.onnx file/));
    copyFileSync(cardUrlFor(shipped), join(dir, 'only-card.card.json'));
    await assert.rejects(readModelFiles(readFileBytes, join(dir, 'only-card.onnx')), isModelError(/only-card\.onnx: cannot read the model \(ENOENT\)/));
    writeFileSync(join(dir, 'bad.card.json'), '{ not json');
    await assert.rejects(readModelFiles(readFileBytes, join(dir, 'bad.onnx')), isModelError(/bad\.card\.json: model card is not valid JSON/));
  });

  it('refuses a model file swapped under its card before opening any session', async () => {
    const dir = tempDir('loader-swap');
    copyFileSync(join(makeTinyModels(), 'affine.onnx'), join(dir, 'focus-quality.onnx'));
    copyFileSync(cardUrlFor(shipped), join(dir, 'focus-quality.card.json'));
    await assert.rejects(openModel({ modelUrl: join(dir, 'focus-quality.onnx'), read: readFileBytes, backend: 'wasm' }), isModelError(/sha256/));
  });

  it('for WebGL reads the fixed-batch copy beside the model, and refuses a stale one (made from another model)', async () => {
    const dir = tempDir('loader-b64');
    const models = dirname(shipped);
    for (const f of ['focus-quality.onnx', 'focus-quality.card.json', 'focus-quality.b64.onnx']) copyFileSync(join(models, f), join(dir, f));
    const copyCard = JSON.parse(readFileSync(join(models, 'focus-quality.b64.card.json'), 'utf8'));
    writeFileSync(join(dir, 'focus-quality.b64.card.json'), JSON.stringify({ ...copyCard, fixedBatchOf: { file: 'focus-quality.onnx', sha256: '0'.repeat(64) } }));
    const asked: string[] = [];
    const reader: ReadBytes = (location) => (asked.push(location), readFileBytes(location));
    const { model, report } = await openModel({ modelUrl: join(dir, 'focus-quality.onnx'), read: reader, backend: 'webgl', numThreads: 1 });
    await model.dispose();
    assert.ok(asked.includes(join(dir, 'focus-quality.b64.card.json')), `read: ${asked}`);
    const webgl = report.attempts.find((a) => a.backend === 'webgl');
    assert.equal(webgl?.outcome, 'failed');
    assert.match(webgl!.reason, /focus-quality\.b64\.onnx: this fixed-batch copy was made from a model with sha256 0{64}, not from [0-9a-f]{64}: re-export it/);
    assert.equal(report.backend, 'wasm', 'falls back to wasm');
  });

  it('opens the shipped model on wasm and reports it', async () => {
    const { model, report } = await openModel({ modelUrl: shipped, read: readFileBytes, backend: 'wasm', numThreads: 1 });
    try {
      assert.equal(report.backend, 'wasm');
      assert.equal(report.numThreads, 1);
      assert.equal(model.card.sha256, shippedCard().sha256);
      const out = await model.predict(new Float32Array(84 * 84).fill(0.01), 1);
      assert.equal(out.length, model.card.levels);
    } finally {
      await model.dispose();
    }
  });
});
