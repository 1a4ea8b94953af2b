// The ImageJ.JS / ImJoy plugin build (imported by rollup.config.mjs; input is tsc's output, so `tsc` first):
//   dist/focus-quality-imagej.js     the plugin code as one ES module (worker client, option parser, macro builders)
//   dist/focus-quality.imjoy.html    the ImJoy plugin file ImageJ.JS loads with ?plugin=<its URL>
//   dist/plugin-manifest.json        the manifest with the model's checksum and the entry URL
//   dist/focus-quality-icon.svg
// The plugin runs in ImJoy's frame on another origin, so the plugin file must name where dist/ is served:
// FQ_PLUGIN_BASE_URL (ending in "/"; default http://127.0.0.1:8080/, i.e. `node scripts/serve.mjs` locally).
// That server must send `Access-Control-Allow-Origin: *` (the module, worker, model and wasm are fetched cross-origin).
// `node rollup.imagej.mjs` rewrites the top-level plugin-manifest.json from package.json, the options and the model.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8'));
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080/';
export const PLUGIN_NAME = 'Focus Quality';
export const BUNDLE = 'focus-quality-imagej.js';
export const PLUGIN_FILE = 'focus-quality.imjoy.html';

/** The ImJoy plugin file for dist/ served at `baseUrl`. */
export function imjoyPluginHtml(baseUrl = process.env.FQ_PLUGIN_BASE_URL || DEFAULT_BASE_URL) {
  if (!/^https?:\/\/.+\/$/.test(baseUrl)) throw new Error(`FQ_PLUGIN_BASE_URL must be an http(s) URL ending in "/", got ${JSON.stringify(baseUrl)}`);
  const config = {
    name: PLUGIN_NAME,
    type: 'iframe',
    tags: [],
    ui: '',
    version: pkg.version,
    cover: '',
    description: 'Rates every 84×84 patch of a fluorescence image on 11 defocus levels (Yang et al. 2018) and draws the result as an ImageJ overlay and results table.',
    icon: `${baseUrl}focus-quality-icon.svg`,
    api_version: '0.2.3',
    env: '',
    permissions: [],
    requirements: [],
    dependencies: [],
  };
  return `<docs lang="markdown">
# Focus Quality for ImageJ.JS

Adds **Plugins › Measure Focus Quality**: every patch of the current image outlined in the colour of its defocus
level (0 = in focus … 10), a "Focus Quality" results table, and for stacks the best-focused slice; and **Plugins ›
Compose All-in-Focus**: the stack's all-in-focus composite as a new image.
Scripting: \`(await api.getPlugin("${PLUGIN_NAME}")).measure("border=2 overlay patches slices=all")\`.
</docs>

<config lang="json">
${JSON.stringify(config, null, 2)}
</config>

<script lang="javascript" type="module">
// ImJoy runs this as a data: module, so the bundle is imported by its absolute URL (set at build time).
const { startPlugin } = await import(${JSON.stringify(`${baseUrl}${BUNDLE}`)});
await startPlugin(api, { pluginUrl: ${JSON.stringify(`${baseUrl}${PLUGIN_FILE}`)} });
</script>
`;
}

/** The manifest: what the plugin offers and what it downloads. */
export async function pluginManifest(baseUrl = process.env.FQ_PLUGIN_BASE_URL || DEFAULT_BASE_URL) {
  const opts = await import(pathToFileURL(path.join(here, 'build/src/hosts/imagej/options.js')).href);
  const cardPath = path.join(here, 'models/focus-quality.card.json');
  const card = JSON.parse(readFileSync(cardPath, 'utf8'));
  const onnx = readFileSync(path.join(here, 'models', card.file));
  return {
    id: 'focus-quality',
    name: PLUGIN_NAME,
    version: pkg.version,
    description: pkg.description,
    author: pkg.author || 'focus-quality contributors',
    licence: pkg.license,
    entry: { imjoy: `${baseUrl}${PLUGIN_FILE}`, module: `${baseUrl}${BUNDLE}`, imagejJs: `https://ij.imjoy.io/?plugin=${baseUrl}${PLUGIN_FILE}` },
    icon: `${baseUrl}focus-quality-icon.svg`,
    commands: [
      {
        label: 'Measure Focus Quality',
        // ImageJ.JS's addMenuItem appends to a menu of the menu bar; it has no submenus.
        menuPath: 'Plugins > Measure Focus Quality',
        api: 'measure(options?: string)',
        defaults: opts.toOptionsString(opts.DEFAULT_COMMAND_OPTIONS),
        options: opts.COMMAND_FIELDS.map((f) => ({
          key: opts.imageJKey(f.label),
          label: f.label,
          kind: f.kind,
          default: opts.DEFAULT_COMMAND_OPTIONS[f.name],
          ...(f.kind === 'number' ? { min: f.min, max: f.max } : {}),
          ...(f.kind === 'choice' ? { choices: f.choices } : {}),
        })),
      },
      {
        label: 'Compose All-in-Focus',
        menuPath: 'Plugins > Compose All-in-Focus',
        api: 'compose(options?: string)',
        defaults: '',
        description: 'Measures every slice of the current stack and opens the all-in-focus composite as a new image (depth: the depth map too).',
        options: [{ key: 'depth', label: 'Depth map', kind: 'checkbox', default: false }],
      },
      {
        label: 'Install Focus Quality Macros',
        menuPath: 'Plugins > Install Focus Quality Macros',
        api: 'installMacros()',
        description: 'Asks first, then installs "Focus Quality: Go To Best Slice" and "Focus Quality: Remove Overlay" in Plugins › Macros (replacing the installed macro set).',
      },
    ],
    model: {
      file: `models/${card.file}`,
      card: 'models/focus-quality.card.json',
      version: card.version,
      sha256: createHash('sha256').update(onnx).digest('hex'),
      bytes: onnx.length,
      patchSize: card.patchSize,
      levels: card.levels,
    },
  };
}

function pluginFiles() {
  return {
    name: 'focus-quality-imjoy-plugin',
    async writeBundle(outputOptions) {
      const dir = outputOptions.dir;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, PLUGIN_FILE), imjoyPluginHtml());
      copyFileSync(path.join(here, 'src/hosts/imagej/icon.svg'), path.join(dir, 'focus-quality-icon.svg'));
      if (existsSync(path.join(here, 'models/focus-quality.card.json'))) {
        writeFileSync(path.join(dir, 'plugin-manifest.json'), JSON.stringify(await pluginManifest(), null, 2) + '\n');
      }
    },
  };
}

export default [
  {
    input: { 'focus-quality-imagej': 'build/src/hosts/imagej/plugin.js' },
    output: { dir: path.join(here, 'dist'), format: 'es', entryFileNames: '[name].js', inlineDynamicImports: true, sourcemap: true },
    plugins: [nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] }), commonjs(), pluginFiles()],
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
      warn(warning);
    },
  },
];

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Top-level manifest for the repository: the published base URL comes from the environment as for the build.
  writeFileSync(path.join(here, 'plugin-manifest.json'), JSON.stringify(await pluginManifest(), null, 2) + '\n');
  console.log('wrote plugin-manifest.json');
}
