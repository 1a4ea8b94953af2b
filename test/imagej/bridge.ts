/**
 * The ImageJ.JS service API (`getImage`, `getDimensions`, `runMacro`) served over HTTP from a live ImageJ 1.x, so a
 * browser page can hand a plugin a host whose answers come from real ImageJ.
 *
 *   POST /ij/getDimensions            → JSON [width, height, channels, slices, frames]
 *   POST /ij/getImage                 → the raw pixels (little-endian), headers x-shape (JSON) and x-dtype
 *   POST /ij/runMacro   {code}        → 204, or 500 with the error text
 *   POST /ij/installMacro {code}      → 204: installs the macro set (Plugins › Macros) as ImageJ's Install… does
 * Errors (no image, a macro that fails or hangs) answer 500 with a message, as ImageJ.JS rejects the call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LiveImageJ } from './live-imagej.js';

export interface BridgeOptions {
  /** Test hook for "ImageJ returns an error": runMacro calls whose code matches are refused (not sent to ImageJ). */
  failMacro?: RegExp;
}

export interface Bridge {
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  readonly options: BridgeOptions;
  /** Every macro received, in order. */
  readonly macros: string[];
}

async function body(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function fail(res: ServerResponse, e: unknown): void {
  res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(e instanceof Error ? e.message : String(e));
}

const DTYPE: Record<number, string> = { 8: 'uint8', 16: 'uint16', 24: 'uint8', 32: 'float32' };

export function createBridge(ij: LiveImageJ, options: BridgeOptions = {}): Bridge {
  const macros: string[] = [];
  async function getDimensions(): Promise<number[]> {
    const out = await ij.run('if (nImages == 0) File.saveString("none", fq_out); else { getDimensions(w, h, c, z, t); File.saveString("" + w + "," + h + "," + c + "," + z + "," + t, fq_out); }');
    if (out === 'none') throw new Error('There are no images open');
    return out.split(',').map(Number);
  }
  async function getImage(): Promise<{ shape: number[]; dtype: string; bytes: Buffer }> {
    const raw = join(ij.dir, `image-${Date.now()}.raw`);
    // Raw Data of a duplicate: saveAs would rename the user's image to the file name.
    const out = await ij.run(`if (nImages == 0) File.saveString("none", fq_out); else {
getDimensions(w, h, c, z, t); bd = bitDepth(); id = getImageID();
setBatchMode(true); run("Duplicate...", "title=fq-bridge-copy duplicate"); saveAs("Raw Data", "${raw}"); close(); setBatchMode(false);
selectImage(id);
File.saveString("" + w + "," + h + "," + (c * z * t) + "," + bd, fq_out); }`);
    if (out === 'none') throw new Error('There are no images open');
    const [w, h, planes, bd] = out.split(',').map(Number) as [number, number, number, number];
    const bytes = readFileSync(raw);
    rmSync(raw, { force: true });
    // ImageJ writes raw data big-endian; the browser side reads little-endian typed arrays.
    if (bd === 16) bytes.swap16();
    else if (bd === 32) bytes.swap32();
    const samples = bd === 24 ? 3 : 1;
    const shape = planes > 1 ? [planes, h, w, samples] : samples === 3 ? [h, w, 3] : [h, w];
    return { shape, dtype: DTYPE[bd]!, bytes };
  }
  return {
    options,
    macros,
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!url.pathname.startsWith('/ij/')) return false;
      try {
        const name = url.pathname.slice(4);
        const text = await body(req);
        if (name === 'getDimensions') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(await getDimensions()));
        } else if (name === 'getImage') {
          const img = await getImage();
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-shape': JSON.stringify(img.shape), 'x-dtype': img.dtype, 'access-control-expose-headers': 'x-shape, x-dtype' });
          res.end(img.bytes);
        } else if (name === 'runMacro') {
          const { code } = JSON.parse(text) as { code: string };
          macros.push(code);
          if (options.failMacro?.test(code)) throw new Error('Macro Error (injected by the test bridge)');
          await ij.run(code);
          res.writeHead(204);
          res.end();
        } else if (name === 'installMacro') {
          const { code } = JSON.parse(text) as { code: string };
          const file = join(ij.dir, 'installed-macros.ijm');
          writeFileSync(file, code);
          await ij.run(`run("Install...", "install=[${file}]");`);
          res.writeHead(204);
          res.end();
        } else {
          res.writeHead(404);
          res.end(`unknown ImageJ call ${name}`);
        }
      } catch (e) {
        fail(res, e);
      }
      return true;
    },
  };
}
