// Browser tests (test/browser/**) in Debian's Chromium through @web/test-runner, TypeScript compiled on the fly by esbuild.
// The server root is the folder above the project, so the project is served as /<project folder>/... (real images from
// test/fixtures/images); every response carries COOP/COEP so pages and workers are
// cross-origin isolated (multithreaded wasm), as under `npm start`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';

const project = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(project);
const base = `/${path.basename(project)}`;

/** Cross-origin isolation, so SharedArrayBuffer (wasm threads) works in the page and its workers. */
function isolate(ctx, next) {
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  ctx.set('Cross-Origin-Embedder-Policy', 'require-corp');
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  return next();
}

/**
 * Source imports say `./worker.js` (tsc's NodeNext rule); esbuild's plugin maps those for imports only, not for a URL a
 * module builds itself (`new Worker(new URL('./worker.js', import.meta.url))`), so the server does the same mapping.
 */
function jsToTs(ctx, next) {
  const [pathname, query = ''] = ctx.url.split('?');
  if (pathname.startsWith(`${base}/src/`) && pathname.endsWith('.js')) {
    const file = path.join(root, decodeURIComponent(pathname));
    const ts = file.slice(0, -3) + '.ts';
    if (!existsSync(file) && existsSync(ts)) ctx.url = pathname.slice(0, -3) + '.ts' + (query ? `?${query}` : '');
  }
  return next();
}

/**
 * GET /__node-result?file=<path under the server root> measures that file with the Node engine (tsc's output in build/,
 * so `npm run build` first: the same code the CLI runs) and the shipped model, every slice, patches included. The
 * browser's worker must agree with it.
 */
// FQ_MODEL_DIR (relative to the project) points the reference at another model folder while trying one out.
const modelDir = path.join(project, process.env.FQ_MODEL_DIR ?? 'models');
let nodeModel;
const nodeCache = new Map();
async function nodeMeasure(file) {
  const b = (m) => import(pathToFileURL(path.join(project, 'build/src', m)).href);
  const [{ loadModel }, { modelMeasurer }, { measureStack }, { decodeImage }, { parseModelCard }] = await Promise.all([
    b('inference/session.js'), b('inference/measure.js'), b('core/measure-stack.js'), b('io/decode.js'), b('core/model-card.js'),
  ]);
  nodeModel ??= (async () => {
    const card = parseModelCard(JSON.parse(readFileSync(path.join(modelDir, 'focus-quality.card.json'), 'utf8')));
    return loadModel({ model: new Uint8Array(readFileSync(path.join(modelDir, 'focus-quality.onnx'))), card, numThreads: 1 });
  })();
  const model = await nodeModel;
  const stack = await decodeImage(new Uint8Array(readFileSync(file)), path.basename(file));
  const { results } = await measureStack(modelMeasurer(model), stack);
  return JSON.stringify({ warnings: stack.warnings, results });
}
async function nodeResult(ctx, next) {
  if (!ctx.path.startsWith('/__node-result')) return next();
  const rel = String(ctx.query.file ?? '');
  const file = path.join(root, path.posix.normalize('/' + rel));
  if (!file.startsWith(root + path.sep) || !existsSync(file)) {
    ctx.status = 404;
    ctx.body = `no such file: ${rel}`;
    return undefined;
  }
  if (!nodeCache.has(file)) nodeCache.set(file, nodeMeasure(file));
  try {
    ctx.type = 'application/json';
    ctx.body = await nodeCache.get(file);
  } catch (err) {
    nodeCache.delete(file);
    ctx.status = 500;
    ctx.body = `the Node engine failed on ${rel}: ${err.stack ?? err}`;
  }
  return undefined;
}

/**
 * GET /__card?pixelSizeUm=0.65&… serves the shipped model card with those fields set (numbers), so a browser test can
 * load the shipped model under a card that states, e.g., a native pixel size, without a second copy of the model.
 */
function cardWith(ctx, next) {
  if (!ctx.path.startsWith('/__card')) return next();
  const card = JSON.parse(readFileSync(path.join(modelDir, 'focus-quality.card.json'), 'utf8'));
  for (const [key, value] of Object.entries(ctx.query)) card[key] = Number(value);
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(card);
  return undefined;
}

/** GET /__alone/focus-quality.{onnx,card.json}: the shipped model and card, served where no fixed-batch copy sits beside them. */
function aloneModel(ctx, next) {
  const m = /^\/__alone\/(focus-quality\.(?:onnx|card\.json))$/.exec(ctx.path);
  if (!ctx.path.startsWith('/__alone/')) return next();
  if (!m) {
    ctx.status = 404;
    ctx.body = 'not here';
    return undefined;
  }
  ctx.type = m[1].endsWith('.onnx') ? 'application/octet-stream' : 'application/json';
  ctx.body = readFileSync(path.join(modelDir, m[1]));
  return undefined;
}

/**
 * GET /__tiff/<kind>.tif serves a TIFF made for a test by the project's own Node helpers (tsc's output in build/):
 * - the hostile files of issue 12 from test/io/hostile.ts: ifd-loop (a page pointing to itself), ifd-loop-back (page 1
 *   pointing back to page 0), lzw-bomb (an LZW strip inflating far beyond its 256×256 header), deflate-bomb;
 * - two-region: test/inference/two-region.ts's 2-slice stack (left sharp in slice 0, right in slice 1), 16-bit;
 * - big?size=N: an N×N 8-bit image tiled (mirrored) from a real in-focus field, uncompressed.
 */
async function craftedTiff(ctx, next) {
  const m = /^\/__tiff\/([a-z-]+)\.tif$/.exec(ctx.path);
  if (!m) return next();
  const built = (f) => import(pathToFileURL(path.join(project, 'build', f)).href);
  const hostile = await built('test/io/hostile.js');
  const makers = { 'ifd-loop': () => hostile.ifdLoopTiff('self'), 'ifd-loop-back': () => hostile.ifdLoopTiff('back'), 'lzw-bomb': () => hostile.lzwBombTiff(), 'deflate-bomb': () => hostile.deflateBombTiff() };
  let bytes;
  if (makers[m[1]]) {
    bytes = makers[m[1]]();
  } else if (m[1] === 'two-region') {
    const [{ twoRegionStack }, { encodeTiff }] = await Promise.all([built('test/inference/two-region.js'), built('src/io/tiff-encode.js')]);
    bytes = encodeTiff(await twoRegionStack());
  } else if (m[1] === 'big') {
    const size = Number(ctx.query.size);
    const { decodeImage } = await import(pathToFileURL(path.join(project, 'build/src/io/decode.js')).href);
    const src = (await decodeImage(new Uint8Array(readFileSync(path.join(project, 'test/fixtures/images/bbbc006-in-focus/BBBC006_a05_s1_w1_z10.tif'))))).slices[0];
    const data = new Uint8Array(size * size);
    const mirror = (v, n) => (v % (2 * n) < n ? v % (2 * n) : 2 * n - 1 - (v % (2 * n)));
    for (let y = 0; y < size; y++) {
      const row = mirror(y, src.height) * src.width;
      for (let x = 0; x < size; x++) data[y * size + x] = Math.min(255, src.data[row + mirror(x, src.width)] >> 4);
    }
    const { craftTiff } = await built('test/io/fixtures.js');
    bytes = craftTiff(size, size, data);
  } else return next();
  ctx.type = 'image/tiff';
  ctx.body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return undefined;
}

/**
 * geotiff's package.json maps its Node file reader to `false` for browsers; node-resolve turns that into a virtual
 * empty module that the dev server does not serve by itself.
 */
const emptyModule = {
  name: 'node-resolve-empty',
  serve(context) {
    if (context.path.endsWith('node-resolve:empty.js')) return { body: 'export default {};\n', type: 'js' };
    return undefined;
  },
};

export default {
  rootDir: root,
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: { browser: true, exportConditions: ['browser', 'import', 'default'] },
  concurrency: 1, // 2 cores: one page at a time keeps the wasm timings out of each other's way
  browserStartTimeout: 60_000,
  testsStartTimeout: 120_000,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 120_000 } },
  middleware: [isolate, jsToTs, nodeResult, cardWith, craftedTiff, aloneModel],
  plugins: [emptyModule, esbuildPlugin({ ts: true, target: 'es2022', tsconfig: path.join(project, 'tsconfig.json') })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
      },
    }),
  ],
};
