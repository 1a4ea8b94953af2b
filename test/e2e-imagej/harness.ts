/**
 * An offline ImJoy host page, as ImageJ.JS sets itself up for `?plugin=URL`: imjoy-core + imjoy-rpc from npm, served
 * with the project's dist/ and a bridge to a real ImageJ 1.x, so that the plugin's `api.getWindow("ImageJ.JS")` is
 * answered by a service whose calls run in that ImageJ with ImageJ.JS's semantics (test/imagej/bridge.ts); like the
 * real service it rejects with a plain string. Menu items the plugin adds are kept in `window.__menu`;
 * alert/prompt/confirm/status/progress calls are recorded in `window.__log`; prompts and confirms are answered from
 * `window.__answers` / `window.__confirms` (null = Cancel), else with the proposed default / yes.
 *
 * `window.callPlugin(plugin, fn, ...args, promise)` is standalone ImageJ.JS's bridge for Java plugins, as it behaves.
 *
 * `/?route=app` is the ImJoy app instead (imjoy-core's own `getWindow`, null while no ImageJ.JS window is open): a
 * `createWindow({src: "https://ij.imjoy.io", …})` opens the ImageJ.JS window, i.e. registers the service under its
 * name (ij.imjoy.io itself cannot load offline), unless `window.__createWindowFails` makes it fail as an unreachable
 * page does. Calls are recorded in `window.__createWindowCalls`.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bridge } from '../imagej/bridge.js';

export const PROJECT = fileURLToPath(new URL('../../../', import.meta.url));
const MODULES = path.join(PROJECT, 'node_modules');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json',
  '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.svg': 'image/svg+xml', '.map': 'application/json',
};

const PAGE = `<!doctype html><meta charset="utf-8"><title>ImJoy host (test)</title>
<script src="/imjoy-core.js"></script>
<script type="module">
const O = location.origin;
const route = new URLSearchParams(location.search).get('route') || 'imagej';
const log = (window.__log = { alerts: [], status: [], prompts: [], confirms: [], progress: [] });
window.__menu = [];
window.__answers = [];
window.__confirms = [];
window.__createWindowCalls = [];
window.__createWindowFails = false;
async function call(name, args) {
  const r = await fetch('/ij/' + name, { method: 'POST', body: JSON.stringify(args) });
  if (!r.ok) throw await r.text();
  return r;
}
const service = {
  _rintf: true,
  async getDimensions() { return (await call('getDimensions', [])).json(); },
  async getImage(format) {
    const r = await call('getImage', format === undefined ? [] : [format]);
    if (r.headers.get('x-kind') === 'bytes') return r.arrayBuffer();
    return { _rtype: 'ndarray', _rvalue: new Uint8Array(await r.arrayBuffer()), _rshape: JSON.parse(r.headers.get('x-shape')), _rdtype: r.headers.get('x-dtype') };
  },
  async runMacro(code, args) { await call('runMacro', args === undefined ? [code] : [code, args]); },
  async addMenuItem(item) { window.__menu.push(item); },
  async installMacro(code) { await call('installMacro', [code]); },
  async viewImage(img, options) {
    const nd = img && img._rtype === 'ndarray';
    const headers = { 'x-kind': nd ? 'ndarray' : 'bytes', 'x-name': encodeURIComponent((options && options.name) || 'tmp') };
    if (nd) Object.assign(headers, { 'x-shape': JSON.stringify(img._rshape), 'x-dtype': img._rdtype });
    const r = await fetch('/ij/viewImage', { method: 'POST', body: nd ? img._rvalue : img, headers });
    if (!r.ok) throw await r.text();
  },
};
const windowName = (cfg) => (typeof cfg === 'string' ? cfg : cfg && cfg.name);
const opened = new Map();
const windowApi = route === 'app' ? {
  async getWindow(plugin, cfg) {
    return opened.get(windowName(cfg)) ?? imjoy.pm.getWindow(plugin, cfg);
  },
  async createWindow(plugin, cfg) {
    window.__createWindowCalls.push(JSON.parse(JSON.stringify(cfg)));
    if (cfg && ['https://ij.imjoy.io', 'https://ij.imjoy.io/'].includes(cfg.src)) {
      if (window.__createWindowFails) throw new Error('Failed to load https://ij.imjoy.io');
      opened.set(cfg.name, service);
      return service;
    }
    return imjoy.pm.createWindow(plugin, cfg);
  },
} : {
  // ImageJ.JS's own override (src/imjoyApp.js): its service for "ImageJ.JS", any other window as imjoy-core finds it.
  async getWindow(plugin, cfg) {
    return windowName(cfg) === 'ImageJ.JS' ? service : imjoy.pm.getWindow(plugin, cfg);
  },
};
const imjoy = new imjoyCore.ImJoy({
  imjoy_api: {
    ...windowApi,
    async alert(_p, msg) { log.alerts.push(String(msg)); },
    async prompt(_p, msg, dflt) { log.prompts.push({ msg, dflt }); return window.__answers.length ? window.__answers.shift() : dflt; },
    async confirm(_p, msg) { log.confirms.push(String(msg)); return window.__confirms.length ? window.__confirms.shift() : true; },
    async showStatus(_p, s) { log.status.push(String(s)); },
    async showProgress(_p, p) { log.progress.push(p); },
  },
  default_base_frame: O + '/default_base_frame.html',
  default_rpc_base_url: O + '/rpc/',
});
await imjoy.init();
window.__imjoy = imjoy;
if (route !== 'app') {
  // Standalone ImageJ.JS's bridge for Java plugins (src/imjoyApp.js callPlugin): the last argument is the Java
  // promise object; a string (or empty) result goes to resolveString, an ndarray to resolveImagePlus (ImageJ.JS makes
  // an ImagePlus of it), anything else is refused. (ImagePlus arguments, turned into ndarrays there, are not used here.)
  window.callPlugin = async function (pluginName, functionName, ...rest) {
    const promise = rest.length > 0 ? rest[rest.length - 1] : null;
    const args = rest.slice(0, -1);
    const plugin = await imjoy.pm.imjoy_api.getPlugin(null, pluginName);
    try {
      const result = await plugin[functionName].apply(plugin, args);
      if (promise && typeof promise === 'object') {
        if (!result || typeof result === 'string') promise.resolveString(result);
        else if (result._rtype === 'ndarray') promise.resolveImagePlus(result);
        else promise.reject('unsupported result type');
      }
    } catch (e) {
      if (promise) promise.reject(e.toString());
    }
  };
}
window.__loadPlugin = async (uri) => {
  const p = await imjoy.pm.reloadPluginRecursively({ uri });
  window.__plugin = p;
  return p.name;
};
window.__ready = true;
</script>`;

export interface HostServer {
  readonly url: string;
  readonly server: Server;
  /** Test hook: answer 404 for the model files (the "model fails to load" case). */
  modelMissing: boolean;
  close(): Promise<void>;
}

/** Serves the host page, imjoy-core/rpc, dist/ (the plugin file generated for this origin) and the ImageJ bridge. */
export async function startHostServer(bridge: Bridge): Promise<HostServer> {
  const { imjoyPluginHtml } = (await import(pathToFileURL(path.join(PROJECT, 'rollup.imagej.mjs')).href)) as { imjoyPluginHtml(base: string): string };
  const state = { modelMissing: false, url: '' };
  const files: Record<string, string> = {
    '/imjoy-core.js': path.join(MODULES, 'imjoy-core/dist/imjoy-core.min.js'),
    '/default_base_frame.html': path.join(MODULES, 'imjoy-core/dist/default_base_frame.html'),
    '/imjoy-loader.js': path.join(MODULES, 'imjoy-core/dist/imjoy-loader.js'),
  };
  const server = createServer((req, res) => {
    void (async () => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      if (await bridge.handle(req, res)) return;
      const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      if (p === '/') {
        res.writeHead(200, { 'content-type': TYPES['.html']! });
        res.end(PAGE);
        return;
      }
      if (p === '/dist/focus-quality.imjoy.html') {
        // The same generator the build uses, for this server's origin (the build writes it for FQ_PLUGIN_BASE_URL).
        res.writeHead(200, { 'content-type': TYPES['.html']! });
        res.end(imjoyPluginHtml(`${state.url}/dist/`));
        return;
      }
      let file: string | undefined = files[p];
      if (!file && p.startsWith('/rpc/')) file = path.join(MODULES, 'imjoy-rpc/dist', path.basename(p));
      if (!file && p.startsWith('/dist/')) {
        // The model comes from models/ itself, so the plugin and the CLI it is compared with use the same one even when
        // dist/ was built before the model last changed.
        if (p.startsWith('/dist/models/')) file = state.modelMissing ? undefined : path.join(PROJECT, 'models', path.basename(p));
        else file = path.join(PROJECT, 'dist', path.normalize(p.slice(6)));
      }
      if (!file || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404);
        res.end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  state.url = `http://127.0.0.1:${port}`;
  return {
    url: state.url,
    server,
    get modelMissing() {
      return state.modelMissing;
    },
    set modelMissing(v: boolean) {
      state.modelMissing = v;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
