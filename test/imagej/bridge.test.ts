/**
 * The ImageJ.JS stand-in answers as the real service does (test/imagej/bridge.ts lists the contract; docs/imagej.md
 * says where in ImageJ.JS's source each point was read). One test per behaviour, against a live ImageJ 1.x, so the
 * stand-in cannot drift back to answers the real host never gives.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createBridge, type NdArray } from './bridge.js';
import { LiveImageJ } from './live-imagej.js';

let ij: LiveImageJ;
before(async () => {
  ij = await LiveImageJ.start();
});
after(async () => {
  await ij?.stop();
});

const W = 90;
const H = 70;

/** A 16-bit hyperstack whose plane (c, z, t) holds ramp + 1000·c + 100·z + 10·t, so every plane differs. */
async function openHyperstack(c: number, z: number, t: number): Promise<void> {
  await ij.run(`run("Close All"); newImage("hs", "16-bit ramp", ${W}, ${H}, ${c}, ${z}, ${t});
for (ti = 1; ti <= ${t}; ti++) for (zi = 1; zi <= ${z}; zi++) for (ci = 1; ci <= ${c}; ci++) {
  Stack.setPosition(ci, zi, ti); run("Add...", "value=" + (1000 * ci + 100 * zi + 10 * ti) + " slice");
}
Stack.setPosition(1, 1, 1);`);
}

/** One plane as ImageJ's own raw writer saves it (big-endian), read as little-endian values like the ndarray's. */
async function planeViaRawSave(c: number, z: number, t: number): Promise<number[]> {
  const file = join(ij.dir, `plane-${c}-${z}-${t}.raw`);
  await ij.run(`id = getImageID(); Stack.getPosition(c0, z0, t0); Stack.setPosition(${c}, ${z}, ${t});
run("Duplicate...", "title=fq-plane"); saveAs("Raw Data", "${file}"); close(); selectImage(id); Stack.setPosition(c0, z0, t0);`);
  const b = readFileSync(file);
  rmSync(file);
  return Array.from({ length: b.length / 2 }, (_, i) => b.readUInt16BE(2 * i));
}

const position = async (): Promise<number[]> => (await ij.run('Stack.getPosition(c, z, t); return "" + c + "," + z + "," + t;')).split(',').map(Number);
const asNd = (r: NdArray | Uint8Array): NdArray => {
  assert.ok(!(r instanceof Uint8Array), 'an ndarray');
  return r;
};
const u16 = (nd: NdArray): number[] => Array.from(new Uint16Array(nd._rvalue.buffer.slice(nd._rvalue.byteOffset, nd._rvalue.byteOffset + nd._rvalue.byteLength)));

test('getImage() is the current plane only, [h, w, 1] little-endian, and leaves the position alone', { timeout: 60_000 }, async () => {
  await openHyperstack(1, 3, 1);
  await ij.run('setSlice(2);');
  const { service } = createBridge(ij);
  const nd = asNd(await service.getImage());
  assert.deepEqual([nd._rshape, nd._rdtype], [[H, W, 1], 'uint16']);
  assert.deepEqual(u16(nd), await planeViaRawSave(1, 2, 1));
  assert.deepEqual(await position(), [1, 2, 1]);
  assert.deepEqual(u16(asNd(await service.getImage('ndarray'))), u16(nd));
});

test('getImage({slice}) returns that plane and moves the image there; 0 keeps, beyond the end clamps (ImagePlus.setPosition)', { timeout: 60_000 }, async () => {
  await openHyperstack(1, 3, 1);
  const { service } = createBridge(ij);
  assert.deepEqual(u16(asNd(await service.getImage({ slice: 3 }))), await planeViaRawSave(1, 3, 1));
  assert.deepEqual(await position(), [1, 3, 1]);
  await service.getImage({ slice: 0 });
  assert.deepEqual(await position(), [1, 3, 1]);
  await service.getImage({ slice: 1 });
  assert.deepEqual(await service.getImage({ slice: 9 }).then((r) => u16(asNd(r))), await planeViaRawSave(1, 3, 1));
  assert.deepEqual(await position(), [1, 3, 1]);
});

test('getImage({channel, slice, frame}) addresses a hyperstack plane; an axis given as 0 keeps its current value', { timeout: 60_000 }, async () => {
  await openHyperstack(2, 3, 2);
  const { service } = createBridge(ij);
  assert.deepEqual(u16(asNd(await service.getImage({ channel: 2, slice: 3, frame: 2 }))), await planeViaRawSave(2, 3, 2));
  assert.deepEqual(await position(), [2, 3, 2]);
  const nd = asNd(await service.getImage({ slice: 1 }));
  assert.deepEqual(nd._rshape, [H, W, 1]);
  assert.deepEqual(u16(nd), await planeViaRawSave(2, 1, 2));
  assert.deepEqual(await position(), [2, 1, 2]);
});

test('getImage({all: true}) is the raw save: big-endian, planes one after another, shape [z, h, w, c] (t = 1 left out)', { timeout: 60_000 }, async () => {
  await openHyperstack(2, 3, 1);
  const { service } = createBridge(ij);
  const nd = asNd(await service.getImage({ all: true }));
  assert.deepEqual([nd._rshape, nd._rdtype], [[3, H, W, 2], 'uint16']);
  const b = Buffer.from(nd._rvalue);
  const plane = W * H;
  const be = (p: number): number[] => Array.from({ length: plane }, (_, i) => b.readUInt16BE(2 * (p * plane + i)));
  // ImageJ's stack order: channel fastest, then slice.
  assert.deepEqual(be(0), await planeViaRawSave(1, 1, 1));
  assert.deepEqual(be(1), await planeViaRawSave(2, 1, 1));
  assert.deepEqual(be(5), await planeViaRawSave(2, 3, 1));
  assert.notDeepEqual(u16(nd).slice(0, plane), be(0), 'read little-endian the values are wrong');
  await ij.run('run("Close All"); newImage("one", "16-bit ramp", 90, 70, 1);');
  assert.deepEqual(asNd(await service.getImage({ all: true }))._rshape, [H, W, 1]);
});

test('an RGB image is [h, w, 4] uint8 in the ARGB ints\' byte order B,G,R,A; the rgba option swaps R and B', { timeout: 60_000 }, async () => {
  await ij.run(`run("Close All"); newImage("rgb", "RGB black", 40, 30, 1);
for (y = 0; y < 30; y++) for (x = 0; x < 40; x++) setPixel(x, y, ((6 * x) << 16) | ((8 * y) << 8) | ((x + 3 * y) & 255));`);
  const pixels = (await ij.run('s = ""; for (y = 0; y < 30; y++) for (x = 0; x < 40; x++) { v = getPixel(x, y); s = s + ((v >> 16) & 255) + "," + ((v >> 8) & 255) + "," + (v & 255) + ";"; } return s;'))
    .split(';').filter(Boolean).map((p) => p.split(',').map(Number));
  const bgra = asNd(await createBridge(ij).service.getImage());
  assert.deepEqual([bgra._rshape, bgra._rdtype], [[30, 40, 4], 'uint8']);
  const rgba = asNd(await createBridge(ij, { rgbOrder: 'rgba' }).service.getImage());
  pixels.forEach(([r, g, b], i) => {
    assert.deepEqual([...bgra._rvalue.subarray(4 * i, 4 * i + 3)], [b, g, r], `pixel ${i}`);
    assert.deepEqual([...rgba._rvalue.subarray(4 * i, 4 * i + 3)], [r, g, b], `pixel ${i}`);
  });
});

test('8-bit and 32-bit planes are uint8 and little-endian float32 [h, w, 1]', { timeout: 60_000 }, async () => {
  const { service } = createBridge(ij);
  await ij.run('run("Close All"); newImage("f", "32-bit ramp", 50, 40, 1); run("Multiply...", "value=3.5");');
  const f = asNd(await service.getImage());
  assert.deepEqual([f._rshape, f._rdtype], [[40, 50, 1], 'float32']);
  const floats = new Float32Array(f._rvalue.buffer.slice(f._rvalue.byteOffset, f._rvalue.byteOffset + f._rvalue.byteLength));
  assert.equal(floats[49], Math.fround(Number(await ij.run('return d2s(getPixel(49, 0), 9);'))));
  await ij.run('run("8-bit");');
  const b = asNd(await service.getImage());
  assert.deepEqual([b._rshape, b._rdtype, b._rvalue[49]], [[40, 50, 1], 'uint8', Number(await ij.run('return "" + getPixel(49, 0);'))]);
});

test('getImage("tiff") is the file ImageJ saves; the image keeps its title', { timeout: 60_000 }, async () => {
  await openHyperstack(1, 2, 1);
  const bytes = await createBridge(ij).service.getImage('tiff');
  assert.ok(bytes instanceof Uint8Array);
  assert.equal(Buffer.from(bytes.subarray(0, 4)).toString('latin1'), 'MM\0*');
  assert.equal(await ij.run('return getTitle();'), 'hs');
});

test('runMacro resolves undefined when the macro returns nothing', { timeout: 60_000 }, async () => {
  assert.equal(await createBridge(ij).service.runMacro('fq_x = 1 + 1;'), undefined);
});

test('runMacro rejects with the string a macro returns, and with "[aborted]" on exit', { timeout: 60_000 }, async () => {
  const { service } = createBridge(ij);
  await assert.rejects(service.runMacro('return "42";'), (e) => e === '42');
  await assert.rejects(service.runMacro('exit;'), (e) => e === '[aborted]');
});

test('runMacro rejects at once with ImageJ\'s message on a macro error and on IJ.error, and ImageJ keeps its state', { timeout: 60_000 }, async () => {
  await openHyperstack(1, 2, 1);
  const { service } = createBridge(ij);
  const started = Date.now();
  await assert.rejects(service.runMacro('selectImage(-12345);'), (e) => typeof e === 'string' && /^Macro Error: Image -12345 not found/.test(e));
  await assert.rejects(service.runMacro('run("No Such Command FQ");'), (e) => typeof e === 'string' && /Unrecognized command/.test(e));
  await assert.rejects(service.runMacro('call("ij.IJ.error", "FQ title", "FQ message");'), (e) => e === 'FQ title:FQ message');
  assert.ok(Date.now() - started < 10_000, 'errors answer without waiting for a timeout');
  assert.equal(await ij.run('return getTitle();'), 'hs');
});

test('runMacro has one resolve/reject slot: a second call takes it, the first promise never settles', { timeout: 60_000 }, async () => {
  const { service } = createBridge(ij);
  const settled: string[] = [];
  const first = service.runMacro('wait(300); fq_a = 1;').then(() => settled.push('first'), () => settled.push('first rejected'));
  const second = service.runMacro('return "second";').then(() => 'resolved', (e: unknown) => `rejected ${String(e)}`);
  // The first macro ends first and settles the slot, which is now the second call's: it resolves, though the second
  // macro returns a string; the second macro's own end then finds the slot settled.
  assert.equal(await second, 'resolved');
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(settled, []);
  void first;
});

test('installMacro replaces the whole installed macro set', { timeout: 60_000 }, async () => {
  const { service } = createBridge(ij);
  await service.installMacro('macro "FQ Set A" { fq_a = 1; }');
  assert.equal(await service.runMacro('run("FQ Set A");'), undefined);
  await service.installMacro('macro "FQ Set B" { fq_b = 1; }');
  assert.equal(await service.runMacro('run("FQ Set B");'), undefined);
  await assert.rejects(service.runMacro('run("FQ Set A");'), (e) => typeof e === 'string' && /Unrecognized command/.test(e));
});

test('with no image open getImage and getDimensions reject', { timeout: 60_000 }, async () => {
  await ij.run('run("Close All");');
  const { service } = createBridge(ij);
  await assert.rejects(service.getImage(), /There are no images open/);
  await assert.rejects(service.getDimensions(), /There are no images open/);
});

test('getDimensions is [width, height, channels, slices, frames] of the current image', { timeout: 60_000 }, async () => {
  await openHyperstack(2, 3, 2);
  assert.deepEqual(await createBridge(ij).service.getDimensions(), [W, H, 2, 3, 2]);
});

test('viewImage imports an ndarray as raw little-endian data titled with its name, and resolves without waiting for it', { timeout: 60_000 }, async () => {
  await ij.run('run("Close All");');
  const { service } = createBridge(ij);
  const px = Uint16Array.from({ length: 30 * 20 }, (_, i) => (i * 97) % 65536);
  await service.viewImage({ _rtype: 'ndarray', _rvalue: new Uint8Array(px.buffer), _rshape: [20, 30], _rdtype: 'uint16' }, { name: 'fq_view' });
  const out = await ij.run('getDimensions(w, h, c, z, t); return getTitle() + "," + bitDepth() + "," + w + "," + h + "," + z + "," + getPixel(7, 3);');
  assert.equal(out, `fq_view,16,30,20,1,${px[3 * 30 + 7]}`);
  const stack = Float32Array.from({ length: 2 * 6 * 5 }, (_, i) => i / 4);
  await service.viewImage({ _rtype: 'ndarray', _rvalue: new Uint8Array(stack.buffer), _rshape: [2, 6, 5], _rdtype: 'float32' }, { name: 'fq_stack' });
  assert.equal(await ij.run('setSlice(2); getDimensions(w, h, c, z, t); return getTitle() + "," + bitDepth() + "," + w + "," + h + "," + z + "," + getPixel(1, 1);'), `fq_stack,32,5,6,2,${(30 + 6) / 4}`);
});
