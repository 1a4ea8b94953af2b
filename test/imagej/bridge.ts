/**
 * A stand-in for ImageJ.JS's ImJoy service (imjoy-team/imagej.js `src/imjoyAPI.js` `setupImJoyAPI`, `src/index.js`
 * `getImageData` and `runMacroAsync`) over a live ImageJ 1.x, answering as the real one does (docs/imagej.md lists the
 * facts and where they were read):
 * - `getImage()` / `getImage("ndarray")` / `getImage({channel, slice, frame})`: ONE plane, `[h, w, c]` with c computed
 *   from the byte count (1 for grey, 4 for RGB), little-endian; a non-zero position moves the image there (0 = keep);
 *   RGB as the Java ARGB ints read byte-wise, i.e. B,G,R,A (`rgbOrder: 'rgba'` serves the other order, for tests);
 * - `getImage({all: true})`: ImageJ's raw save of the whole image, big-endian, planes one after another,
 *   shape `[t?, z?, h, w, c]` (t and z only when ≠ 1);
 * - `getImage("tiff" | "png" | …)`: the bytes ImageJ saves in that format;
 * - `runMacro(code, args)`: resolves `undefined`; rejects with the returned string, with "[aborted]" on `exit`, with
 *   ImageJ's message on an error. ONE resolve/reject slot: a second call before the first finishes takes the slot,
 *   so the first promise never settles and the second settles when the first macro ends;
 * - `installMacro(code)`: replaces the whole installed macro set; `getDimensions()`: [w, h, c, z, t];
 * - `viewImage(image, {name})`: file bytes are opened as a file named `name`; an ndarray is imported as raw
 *   little-endian data titled `name` ([h, w], [z, h, w], [h, w, 3] uint8 RGB); it resolves without waiting for the
 *   import, as ImageJ.JS's does (imjoyAPI.js `viewImage` does not await `showImage`).
 * Calls without an open image reject ("There are no images open").
 *
 * `handle` serves the same over HTTP for the browser page of test/e2e-imagej/harness.ts:
 *   POST /ij/<name>  body: JSON array of arguments → JSON, raw bytes (x-kind: bytes) or an ndarray (x-kind: ndarray,
 *   x-shape, x-dtype); a rejection answers 500 with its text.
 */
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { LiveImageJ } from './live-imagej.js';

export interface NdArray {
  readonly _rtype: 'ndarray';
  readonly _rvalue: Uint8Array;
  readonly _rshape: number[];
  readonly _rdtype: string;
}

export interface BridgeOptions {
  /** Byte order of RGB pixels from `getImage`: 'bgra' as ImageJ.JS (default) or 'rgba'. */
  rgbOrder?: 'bgra' | 'rgba' | undefined;
  /**
   * Test hook for "ImageJ fails mid-write": a runMacro call whose code matches runs a macro that really fails in
   * ImageJ instead (so the rejection is ImageJ's own).
   */
  failMacro?: RegExp | undefined;
  /**
   * Test hook for "the user does something in ImageJ meanwhile": runs after each macro, before runMacro settles (e.g.
   * selecting another image, as a click would).
   */
  afterMacro?: ((code: string) => Promise<void>) | undefined;
}

export interface ImageJService {
  getImage(format?: unknown): Promise<NdArray | Uint8Array>;
  viewImage(image: NdArray | Uint8Array, options?: { name?: string }): Promise<void>;
  getDimensions(): Promise<number[]>;
  runMacro(code: string, args?: string): Promise<undefined>;
  installMacro(code: string): Promise<void>;
}

export interface Bridge {
  readonly service: ImageJService;
  readonly options: BridgeOptions;
  /** Every macro received by runMacro, in order. */
  readonly macros: string[];
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

// ImagePlus.getType() → ndarray dtype and bytes per sample, as ImageJ.JS's getImageData maps them.
const DTYPE = ['uint8', 'uint16', 'float32', 'uint8', 'uint8'] as const;
const BYTES = [1, 2, 4, 1, 1] as const;
// ImageJ.JS showImage's dtype → File › Import › Raw type.
const RAW_FORMAT: Record<string, string> = { uint8: '8-bit', uint16: '16-bit Unsigned', int16: '16-bit Signed', uint32: '32-bit Unsigned', int32: '32-bit Signed', float32: '32-bit Real' };
const EXTENSION: Record<string, string> = { tiff: '.tif', tif: '.tif', png: '.png', jpeg: '.jpg', jpg: '.jpg', gif: '.gif', zip: '.zip', raw: '.raw', bmp: '.bmp' };

export function createBridge(ij: LiveImageJ, options: BridgeOptions = {}): Bridge {
  const macros: string[] = [];
  // ImageJ.JS keeps one global pair window.onMacroResolve / onMacroReject, replaced by every runMacro call.
  let slot: { resolve(v: undefined): void; reject(e: unknown): void } | undefined;

  const service: ImageJService = {
    async getImage(format) {
      if (typeof format === 'string' && format !== '' && format !== 'ndarray') {
        const saved = await ij.save(format, EXTENSION[format.toLowerCase()] ?? `.${format}`);
        return new Uint8Array(saved.bytes);
      }
      const o = (typeof format === 'object' && format !== null ? format : {}) as { all?: boolean; channel?: number; slice?: number; frame?: number };
      if (o.all) {
        const { bytes, type, dims } = await ij.save('raw', '.raw');
        const [w, h, , z, t] = dims as [number, number, number, number, number];
        const shape = [h, w, bytes.length / (h * w * z * t) / BYTES[type as 0]!];
        if (z !== 1) shape.unshift(z);
        if (t !== 1) shape.unshift(t);
        return { _rtype: 'ndarray', _rvalue: new Uint8Array(bytes), _rshape: shape, _rdtype: DTYPE[type as 0]! };
      }
      const p = await ij.pixels(o.channel || 0, o.slice || 0, o.frame || 0);
      const bytes = new Uint8Array(p.bytes);
      if (p.type === 4 && options.rgbOrder === 'rgba') {
        for (let i = 0; i < bytes.length; i += 4) [bytes[i], bytes[i + 2]] = [bytes[i + 2]!, bytes[i]!];
      }
      return { _rtype: 'ndarray', _rvalue: bytes, _rshape: [p.height, p.width, bytes.length / (p.width * p.height) / BYTES[p.type as 0]!], _rdtype: DTYPE[p.type as 0]! };
    },
    getDimensions: () => ij.dimensions(),
    runMacro(code, args) {
      macros.push(code);
      const failing = options.failMacro?.test(code);
      return new Promise((resolve, reject) => {
        slot = { resolve, reject };
        void ij.runMacro(failing ? 'fq_injected_failure = noSuchFunction();' : code, args).then(
          async (a) => {
            await options.afterMacro?.(code);
            // Java's Macro_Runner result decides: null resolves, any string (a return value, "[aborted]") rejects.
            if (a.status === 'ok') slot?.resolve(undefined);
            else slot?.reject(a.text);
          },
          (e: unknown) => slot?.reject(e instanceof Error ? e.message : String(e)),
        );
      });
    },
    installMacro: (code) => ij.installMacros(code),
    async viewImage(image, options = {}) {
      const name = options.name || 'tmp';
      const file = join(ij.dir, name);
      let macro: string;
      if (image instanceof Uint8Array) {
        writeFileSync(file, image);
        macro = `open("${file}");`;
      } else {
        writeFileSync(file, image._rvalue);
        const s = image._rshape;
        const rgb = s.length === 3 && s[2] === 3 && image._rdtype === 'uint8';
        const format = rgb ? '24-bit RGB' : RAW_FORMAT[image._rdtype];
        if (!format) throw new Error(`unsupported dtype ${image._rdtype}`);
        const [h, w, n] = s.length === 2 || rgb ? [s[0], s[1], 1] : [s[1], s[2], s[0]];
        macro = `run("Raw...", "open=${file} image=[${format}] width=${w} height=${h} number=${n} little-endian");`;
      }
      // Not awaited, as in ImageJ.JS; later requests queue behind it.
      void ij.runMacro(macro);
    },
  };

  async function body(req: IncomingMessage): Promise<unknown[]> {
    const parts: Buffer[] = [];
    for await (const c of req) parts.push(c as Buffer);
    const text = Buffer.concat(parts).toString('utf8');
    return text ? (JSON.parse(text) as unknown[]) : [];
  }

  return {
    service,
    options,
    macros,
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!url.pathname.startsWith('/ij/')) return false;
      const name = url.pathname.slice(4);
      try {
        if (name === 'viewImage') {
          const parts: Buffer[] = [];
          for await (const c of req) parts.push(c as Buffer);
          const bytes = new Uint8Array(Buffer.concat(parts));
          const h = (k: string): string => decodeURIComponent(String(req.headers[k] ?? ''));
          const image: NdArray | Uint8Array = h('x-kind') === 'ndarray' ? { _rtype: 'ndarray', _rvalue: bytes, _rshape: JSON.parse(h('x-shape')) as number[], _rdtype: h('x-dtype') } : bytes;
          await service.viewImage(image, { name: h('x-name') });
          res.writeHead(204);
          res.end();
          return true;
        }
        const args = await body(req);
        if (name === 'getImage') {
          const r = await service.getImage(args[0]);
          if (r instanceof Uint8Array) {
            res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-kind': 'bytes', 'access-control-expose-headers': 'x-kind' });
            res.end(r);
          } else {
            res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-kind': 'ndarray', 'x-shape': JSON.stringify(r._rshape), 'x-dtype': r._rdtype, 'access-control-expose-headers': 'x-kind, x-shape, x-dtype' });
            res.end(r._rvalue);
          }
        } else if (name === 'getDimensions') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(await service.getDimensions()));
        } else if (name === 'runMacro') {
          await service.runMacro(String(args[0]), args[1] === undefined ? undefined : String(args[1]));
          res.writeHead(204);
          res.end();
        } else if (name === 'installMacro') {
          await service.installMacro(String(args[0]));
          res.writeHead(204);
          res.end();
        } else {
          res.writeHead(404);
          res.end(`unknown ImageJ call ${name}`);
        }
      } catch (e) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(e instanceof Error ? e.message : String(e));
      }
      return true;
    },
  };
}
