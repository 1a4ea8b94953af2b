/**
 * What the app's end-to-end tests share: the built app (dist/, `npm run build` first) served by scripts/serve.mjs,
 * Debian's Chromium driven by playwright-core, drag and drop as a user's, real images from test/fixtures/images, and
 * axe-core run inside the page.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

// Compiled to build/test/e2e/: the project is three folders up.
export const project = fileURLToPath(new URL('../../../', import.meta.url));
export const dist = path.join(project, 'dist');
export const IMAGE = path.join(project, 'test/fixtures/images/bbbc006-in-focus/BBBC006_a05_s1_w1_z10.tif');
export const DEFOCUSED = path.join(project, 'test/fixtures/images/mcf7-defocused/mcf7_b01_s2_w1.tif');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'];

export interface Served {
  server: { close(): void };
  url: string;
}

export interface Session {
  readonly served: Served;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Serves dist/ and starts Chromium (extra flags for e.g. a fake camera). */
export async function start(extraArgs: readonly string[] = []): Promise<Session> {
  assert.ok(existsSync(path.join(dist, 'index.html')), 'dist/index.html is missing: run `npm run build` first');
  const { startServer } = (await import(pathToFileURL(path.join(project, 'scripts/serve.mjs')).href)) as { startServer(o: { port: number; root: string }): Promise<Served> };
  const served = await startServer({ port: 0, root: dist });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...extraArgs], timeout: 60_000 }).catch((err) => {
    served.server.close();
    throw err;
  });
  return {
    served,
    browser,
    async close() {
      await browser.close();
      served.server.close();
    },
  };
}

/** Drops files on the page body the way a user's drag and drop does (a DataTransfer holding File objects). */
export async function drop(page: Page, files: { name: string; bytes: Buffer }[]): Promise<void> {
  await page.evaluate(
    (list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') })),
  );
}

/** Opens the app without the samples and waits until the element is defined. */
export async function openEmpty(page: Page, served: Served): Promise<void> {
  await page.goto(`${served.url}?samples=0`);
  await page.waitForFunction(() => customElements.get('focus-quality-view') !== undefined);
}

/** Opens the empty app, drops the real in-focus sample and waits until its row is in the table and the viewer shows it. */
export async function openWithImage(page: Page, served: Served): Promise<string> {
  await openEmpty(page, served);
  const name = path.basename(IMAGE);
  await drop(page, [{ name, bytes: readFileSync(IMAGE) }]);
  await page.waitForSelector(`table.results tbody tr[data-file="${name}"]`, { timeout: 120_000 });
  await viewerShows(page, name);
  return name;
}

/** Opens the app with the bundled samples and waits until every one has a row or card. */
export async function openWithSamples(page: Page, served: Served): Promise<string[]> {
  const samples = JSON.parse(readFileSync(path.join(dist, 'samples/index.json'), 'utf8')) as string[];
  await page.goto(`${served.url}?samples=1`);
  await page.waitForFunction((n) => document.querySelectorAll('[data-key][data-file]').length >= n && !document.querySelector('.progress'), samples.length, { timeout: 120_000 });
  return samples;
}

/**
 * A 16-bit z-stack TIFF, one plane per sigma: a real in-focus image Gaussian-blurred by that sigma (0 = as is),
 * optionally cropped to its top-left `crop`×`crop` pixels first (a small stack measures fast).
 */
export function writeStack(file: string, sigmas: readonly number[], { source = IMAGE, crop = 0 } = {}): void {
  const py =
    'import sys,json,tifffile,numpy as n\nfrom scipy.ndimage import gaussian_filter as g\na=tifffile.imread(sys.argv[1]).astype(n.float64)\n' +
    'c=int(sys.argv[4])\na=a[:c,:c] if c>0 else a\ns=json.loads(sys.argv[3])\n' +
    'tifffile.imwrite(sys.argv[2], n.stack([g(a,v) if v>0 else a for v in s]).round().astype(n.uint16), photometric="minisblack")\n';
  execFileSync('/usr/bin/python3', ['-c', py, source, file, JSON.stringify(sigmas), String(crop)], { timeout: 120_000 });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core in the page (shadow roots included) and returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: path.join(project, 'node_modules/axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export const describeViolations = (vs: readonly AxeViolation[]): string =>
  vs.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('\n  ')}`).join('\n');

/** The app's viewer draws a measured file once the worker has rendered its picture: waits until it shows `file`. */
export async function viewerShows(page: Page, file: string, slice?: number): Promise<void> {
  await page.waitForFunction(
    ([f, s]) => {
      const label = document.querySelector('focus-quality-view')?.shadowRoot?.querySelector('.stage')?.getAttribute('aria-label') ?? '';
      return label.startsWith(s === null ? `${f}:` : `${f} [slice ${s}]:`);
    },
    [file, slice ?? null] as const,
    { timeout: 60_000 },
  );
}
