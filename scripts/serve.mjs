#!/usr/bin/env node
// Static server for the built web app (dist/): `node scripts/serve.mjs [--port 8080] [--host 127.0.0.1] [--root dist]`.
// Sends COOP/COEP so the page is cross-origin isolated (SharedArrayBuffer → multithreaded wasm) and the MIME types
// browsers insist on (.mjs/.js as JavaScript for module scripts and workers, application/wasm for streaming compilation).
// Port 0 picks a free port; the chosen URL is printed as the first line on stdout ("serving <dir> at <url>").
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.md': 'text/markdown; charset=utf-8',
};

function parseArgs(argv) {
  const project = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const opts = { port: Number(process.env.PORT ?? 8080), host: '127.0.0.1', root: path.join(project, 'dist') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--port') opts.port = Number(value);
    else if (flag === '--host') opts.host = value;
    else if (flag === '--root') opts.root = path.resolve(value);
    else {
      console.error(`serve.mjs: unknown argument ${flag} (use --port N, --host H, --root DIR)`);
      process.exit(2);
    }
    i++;
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    console.error(`serve.mjs: --port must be 0…65535`);
    process.exit(2);
  }
  return opts;
}

/** Maps a URL path to a file inside root, or undefined when it would leave root or names nothing. */
function resolveFile(root, urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return undefined;
  }
  const file = path.join(root, path.posix.normalize('/' + rel));
  if (file !== root && !file.startsWith(root + path.sep)) return undefined;
  try {
    const st = statSync(file);
    if (st.isDirectory()) return resolveFile(root, path.posix.join(rel, 'index.html'));
    return st.isFile() ? { file, size: st.size } : undefined;
  } catch {
    return undefined;
  }
}

export function startServer({ port = 0, host = '127.0.0.1', root }) {
  const server = createServer((req, res) => {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    // The ImageJ.JS plugin runs in an ImJoy frame on another origin and fetches our module, worker, model and wasm
    // from here, so resources must be readable cross-origin (CORS) and embeddable by isolated pages (CORP).
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'no-cache');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const found = resolveFile(root, req.url ?? '/');
    if (!found) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${req.url}\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': found.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(found.file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve({ server, url: `http://${host}:${addr.port}/` });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  try {
    statSync(path.join(opts.root, 'index.html'));
  } catch {
    console.error(`serve.mjs: ${opts.root}/index.html is missing — run \`npm run build\` first`);
    process.exit(1);
  }
  const { url } = await startServer(opts);
  console.log(`serving ${opts.root} at ${url}`);
}
