/**
 * One long-lived real ImageJ 1.x for a test file: its own Xvfb display, `ij.jar -portN`, and one `-eval` client call
 * per macro (≈0.4 s each; the server keeps its state between calls, like ImageJ.JS does).
 *
 * A macro error opens a modal dialog in that instance and the client never returns: every call is guarded by a
 * timeout, after which the instance is restarted (its state is lost) and the call rejects.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const IJ_JAR = '/usr/share/java/ij.jar';
const BASE_PORT = 57294; // ij.ImageJ.DEFAULT_PORT; -portN listens on BASE_PORT + N
const JAVA_FLAGS = ['-XX:TieredStopAtLevel=1', '-Xshare:auto'];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function startXvfb(): Promise<{ proc: ChildProcess; display: number }> {
  return new Promise((resolve, reject) => {
    // -displayfd: Xvfb picks a free display itself and writes its number, so parallel test files never collide.
    const proc = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let text = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not report a display within 10 s')), 10_000);
    proc.once('error', (e) => reject(e));
    (proc.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => {
      text += b.toString();
      const m = /(\d+)\n/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, display: Number(m[1]) });
      }
    });
  });
}

/** An ImageJ port offset whose port is free now (ImageJ's -portN listens on BASE_PORT + N). */
function freePortOffset(): Promise<number> {
  return new Promise((resolve) => {
    const n = 2000 + Math.floor(Math.random() * 6000);
    const srv = createServer();
    srv.once('error', () => resolve(freePortOffset()));
    srv.listen(BASE_PORT + n, '127.0.0.1', () => srv.close(() => resolve(n)));
  });
}

/**
 * The file by which `-eval` clients find the server (ij.OtherInstance writes it to Java's tmpdir, /tmp here, as
 * `ImageJ-<user>-<display>-<port>.stub`). Its presence means the server is ready; a stale one misleads clients.
 */
function stubFiles(port: number): string[] {
  return readdirSync('/tmp')
    .filter((f) => f.startsWith('ImageJ-') && f.endsWith(`-${port}.stub`))
    .map((f) => join('/tmp', f));
}

export class MacroTimeoutError extends Error {
  override readonly name = 'MacroTimeoutError';
}

export class LiveImageJ {
  private calls = 0;
  private constructor(
    private xvfb: ChildProcess,
    private ij: ChildProcess,
    readonly display: number,
    readonly portOffset: number,
    /** Scratch folder for macro files and their outputs; removed by `stop`. */
    readonly dir: string,
  ) {}

  /** Starts Xvfb and ImageJ and waits until ImageJ answers a macro. */
  static async start(): Promise<LiveImageJ> {
    const dir = mkdtempSync(join(tmpdir(), 'fq-imagej-'));
    const { proc: xvfb, display } = await startXvfb();
    const portOffset = await freePortOffset();
    for (const f of stubFiles(BASE_PORT + portOffset)) rmSync(f, { force: true });
    const startedAt = Date.now();
    const ij = spawn('java', [...JAVA_FLAGS, '-jar', IJ_JAR, `-port${portOffset}`], {
      cwd: dir,
      env: { ...process.env, DISPLAY: `:${display}` },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const instance = new LiveImageJ(xvfb, ij, display, portOffset, dir);
    LIVE.add(instance);
    // Never send -eval before the server is ready: the client would start an ImageJ of its own instead.
    const deadline = Date.now() + 30_000;
    while (!stubFiles(BASE_PORT + portOffset).some((f) => statSync(f).mtimeMs >= startedAt - 1000)) {
      if (Date.now() > deadline || ij.exitCode !== null) {
        await instance.stop();
        throw new Error(`ImageJ did not start listening on port ${BASE_PORT + portOffset}`);
      }
      await sleep(200);
    }
    const v = await instance.run('return getVersion();');
    if (!/^1\.\d+/.test(v)) throw new Error(`unexpected ImageJ version answer ${JSON.stringify(v)}`);
    return instance;
  }

  /**
   * Runs macro code in the instance and returns its answer: what it saved to the path in variable `fq_out`
   * (`File.saveString(s, fq_out)`), else what it `return`s, else "". Code that defines functions must use `fq_out`:
   * ImageJ rejects a top-level `return` in a macro with functions. The code is run from a file by `runMacro`, so it
   * may be longer than a command line allows.
   */
  async run(code: string, timeoutMs = 30_000): Promise<string> {
    const n = ++this.calls;
    const file = join(this.dir, `m${n}.ijm`);
    const out = join(this.dir, `m${n}.out`);
    writeFileSync(file, `fq_out = "${out}";\n${code}`);
    const wrapper = `fq_r = runMacro("${file}"); if (!File.exists("${out}")) File.saveString("" + fq_r, "${out}");`;
    const ok = await new Promise<boolean>((resolve, reject) => {
      const client = spawn('java', [...JAVA_FLAGS, '-jar', IJ_JAR, `-port${this.portOffset}`, '-eval', wrapper], {
        cwd: this.dir,
        env: { ...process.env, DISPLAY: `:${this.display}` },
        stdio: 'ignore',
      });
      const timer = setTimeout(() => {
        client.kill('SIGKILL');
        resolve(false);
      }, timeoutMs);
      client.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      client.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!ok || !existsSync(out)) {
      // A macro error leaves a modal dialog open that would swallow later calls: start afresh.
      await this.restart();
      throw new MacroTimeoutError(`ImageJ macro ${file} did not finish within ${timeoutMs} ms (a macro error shows a dialog and blocks)`);
    }
    const text = readFileSync(out, 'latin1');
    return text === 'null' ? '' : text;
  }

  private async restart(): Promise<void> {
    const fresh = await LiveImageJ.start();
    await this.kill();
    LIVE.delete(fresh);
    rmSync(fresh.dir, { recursive: true, force: true }); // macros keep going to this.dir
    this.xvfb = fresh.xvfb;
    this.ij = fresh.ij;
    (this as { display: number }).display = fresh.display;
    (this as { portOffset: number }).portOffset = fresh.portOffset;
  }

  private async kill(): Promise<void> {
    for (const p of [this.ij, this.xvfb]) {
      if (p.exitCode === null && p.signalCode === null) {
        const exited = new Promise((r) => p.once('exit', r));
        // SIGTERM first so Java runs its exit hooks (removing its stub file); SIGKILL if it hangs in a dialog.
        p.kill('SIGTERM');
        const timer = setTimeout(() => p.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
    }
    for (const f of stubFiles(BASE_PORT + this.portOffset)) rmSync(f, { force: true });
  }

  async stop(): Promise<void> {
    LIVE.delete(this);
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const LIVE = new Set<LiveImageJ>();
// A crashed test must not leave Java and Xvfb behind on a shared machine.
process.once('exit', () => {
  for (const l of LIVE) {
    for (const p of [(l as unknown as { ij: ChildProcess }).ij, (l as unknown as { xvfb: ChildProcess }).xvfb]) p.kill('SIGKILL');
    for (const f of stubFiles(BASE_PORT + l.portOffset)) rmSync(f, { force: true });
  }
});
