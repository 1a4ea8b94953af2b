// Bundles the browser side from tsc's output (build/src, so run `tsc` first: `npm run build` does both) into dist/:
//   focus-quality.js       the library API (createFocusQuality, …) for embedders
//   focus-quality-view.js  the <focus-quality-view> element, registered: one <script type="module"> tag, no build step
//   worker.js              the inference worker (worker-client.ts starts it from next to the bundles)
//   app.js + index.html    the standalone web app (+ app.css) served by `npm start`; element-example.html, the element in a plain page
//   models/ ort/ samples/  the shipped model and card, onnxruntime-web's .wasm files, the sample images (never a CDN)
// plus whatever the ImageJ.JS plugin config (rollup.imagej.mjs) adds.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import imagej from './rollup.imagej.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'dist');
const ortDist = path.join(here, 'node_modules/onnxruntime-web/dist');

/** Copies the run-time assets the bundles fetch next to them, once the bundles are written. */
function copyAssets() {
  const copy = (from, to) => {
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(from, to);
  };
  return {
    name: 'focus-quality-assets',
    writeBundle() {
      // wasm for the plain wasm backend and the JSEP build the WebGPU backend needs; WebGL needs no binary.
      for (const f of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.jsep.wasm']) copy(path.join(ortDist, f), path.join(out, 'ort', f));
      const models = path.join(here, 'models');
      if (existsSync(models)) {
        for (const f of readdirSync(models).filter((n) => n.endsWith('.onnx') || n.endsWith('.card.json'))) copy(path.join(models, f), path.join(out, 'models', f));
      } else {
        this.warn('models/ is missing: dist/ will have no model');
      }
      const samples = path.join(here, 'samples');
      const names = existsSync(samples) ? readdirSync(samples).filter((n) => /\.(tiff?|png)$/i.test(n)).sort() : [];
      for (const f of names) copy(path.join(samples, f), path.join(out, 'samples', f));
      mkdirSync(path.join(out, 'samples'), { recursive: true });
      // The app reads this list to load the samples on a first visit (a static server cannot list a folder).
      writeFileSync(path.join(out, 'samples', 'index.json'), JSON.stringify(names, null, 1) + '\n');
      copy(path.join(here, 'src/hosts/app/index.html'), path.join(out, 'index.html'));
      copy(path.join(here, 'src/hosts/app/app.css'), path.join(out, 'app.css'));
      copy(path.join(here, 'src/hosts/element/example.html'), path.join(out, 'element-example.html'));
    },
  };
}

/** onnxruntime-web's bundles are prebuilt and use `eval`-free but `this`-at-top-level code; those warnings are noise. */
function onwarn(warning, warn) {
  if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'EVAL' || warning.code === 'CIRCULAR_DEPENDENCY') return;
  if (warning.code === 'SOURCEMAP_ERROR') return;
  warn(warning);
}

const browser = {
  input: {
    'focus-quality': 'build/src/api.js',
    'focus-quality-view': 'build/src/hosts/element/register.js',
    worker: 'build/src/inference/worker.js',
    app: 'build/src/hosts/app/app.js',
  },
  output: {
    dir: out,
    format: 'es',
    entryFileNames: '[name].js',
    // Flat: modules find models/, ort/ and worker.js relative to their own URL, so every chunk must sit beside them.
    chunkFileNames: '[name]-[hash].js',
    sourcemap: true,
  },
  plugins: [nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] }), commonjs(), copyAssets()],
  onwarn,
};

export default [browser, ...imagej];
