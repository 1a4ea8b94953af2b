/**
 * One long-lived real ImageJ 1.x for a test file: its own Xvfb display and one Java process (test/imagej/FqImageJ.java)
 * that runs every request in the same ImageJ, so state persists between calls as it does in ImageJ.JS.
 *
 * A macro error answers at once with ImageJ's message (the helper closes the error dialog, as ImageJ.JS reports it
 * instead of blocking). A request that does not finish within its timeout (a command's own dialog waiting for a user)
 * restarts the instance, whose state is then lost, and rejects.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const IJ_JAR = '/usr/share/java/ij.jar';
const HELPER = fileURLToPath(new URL('../../../test/imagej/FqImageJ.java', import.meta.url));
const JAVA_FLAGS = ['-XX:TieredStopAtLevel=1', '-Xshare:auto'];

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

export class MacroTimeoutError extends Error {
  override readonly name = 'MacroTimeoutError';
}

/** ImageJ reported an error (a macro error, an `IJ.error` message, no image open): the text is ImageJ's. */
export class MacroError extends Error {
  override readonly name = 'MacroError';
}

/** How a request ended: `return` = the macro returned a string; `aborted` = `exit` or an abort ("[aborted]"). */
export interface Answer {
  readonly status: 'ok' | 'return' | 'aborted' | 'error';
  readonly text: string;
}

/** One plane as ImageJ's processor holds it, in the browser's byte order (see FqImageJ.java `pixels`). */
export interface PlaneBytes {
  /** ImagePlus.getType(): 0 GRAY8, 1 GRAY16, 2 GRAY32, 3 COLOR_256, 4 COLOR_RGB. */
  readonly type: number;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly bytes: Buffer;
}

interface Process {
  xvfb: ChildProcess;
  java: ChildProcess;
  answers: Map<string, (status: string) => void>;
}

async function launch(): Promise<Process> {
  const { proc: xvfb, display } = await startXvfb();
  const java = spawn('java', [...JAVA_FLAGS, '-cp', IJ_JAR, HELPER], { env: { ...process.env, DISPLAY: `:${display}` }, stdio: ['pipe', 'pipe', 'inherit'] });
  const answers = new Map<string, (status: string) => void>();
  const lines = createInterface({ input: java.stdout! });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ImageJ did not start within 90 s')), 90_000);
    java.once('exit', (code) => reject(new Error(`ImageJ exited during start-up (status ${code})`)));
    lines.on('line', (line) => {
      const [id, status] = line.split('\t');
      if (id === 'ready') {
        clearTimeout(timer);
        resolve();
      } else answers.get(id!)?.(status!);
    });
  });
  try {
    await ready;
  } catch (e) {
    java.kill('SIGKILL');
    xvfb.kill('SIGKILL');
    throw e;
  }
  return { xvfb, java, answers };
}

export class LiveImageJ {
  private calls = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private constructor(
    private proc: Process,
    /** Scratch folder for macro files and their outputs; removed by `stop`. */
    readonly dir: string,
  ) {}

  /** Starts Xvfb and ImageJ and waits until ImageJ answers. */
  static async start(): Promise<LiveImageJ> {
    const dir = mkdtempSync(join(tmpdir(), 'fq-imagej-'));
    const instance = new LiveImageJ(await launch(), dir);
    LIVE.add(instance);
    const v = await instance.run('return getVersion();');
    if (!/^1\.\d+/.test(v)) throw new Error(`unexpected ImageJ version answer ${JSON.stringify(v)}`);
    return instance;
  }

  /**
   * Sends one request; requests run one after another, each timed from its own start. `args` must hold no tabs or
   * line breaks (they are numbers, formats and paths of this instance's scratch files).
   */
  request(command: string, args: readonly string[], timeoutMs = 30_000): Promise<Answer> {
    const run = async (): Promise<Answer> => {
      const id = String(++this.calls);
      const resultFile = join(this.dir, `r${id}.txt`);
      const status = await new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), timeoutMs);
        this.proc.answers.set(id, (s) => {
          clearTimeout(timer);
          resolve(s);
        });
        this.proc.java.stdin!.write(`${[id, command, ...args, resultFile].join('\t')}\n`);
      });
      this.proc.answers.delete(id);
      if (status === undefined) {
        // Left waiting in a dialog: start afresh so later calls are not swallowed.
        await this.restart();
        throw new MacroTimeoutError(`ImageJ request ${command} ${args.join(' ')} did not finish within ${timeoutMs} ms (a dialog waiting for a user?)`);
      }
      const text = existsSync(resultFile) ? readFileSync(resultFile, 'utf8') : '';
      rmSync(resultFile, { force: true });
      return { status: status as Answer['status'], text };
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Runs macro code as ImageJ.JS's `runMacro` does (Macro_Runner.runMacro with `arg` for getArgument()). */
  async runMacro(code: string, arg?: string, timeoutMs?: number): Promise<Answer> {
    const n = ++this.calls;
    const file = join(this.dir, `m${n}.ijm`);
    writeFileSync(file, code);
    let argFile = '-';
    if (arg !== undefined) {
      argFile = join(this.dir, `m${n}.arg`);
      writeFileSync(argFile, arg);
    }
    try {
      return await this.request('macro', [file, argFile], timeoutMs);
    } finally {
      rmSync(file, { force: true });
      if (argFile !== '-') rmSync(argFile, { force: true });
    }
  }

  /**
   * Runs macro code and returns its answer: what it saved to the path in variable `fq_out`
   * (`File.saveString(s, fq_out)`), else what it `return`s, else "" ("[aborted]" after `exit`). Code that defines
   * functions must use `fq_out`: ImageJ rejects a top-level `return` in a macro with functions. An error in the macro
   * rejects with a MacroError carrying ImageJ's message.
   */
  async run(code: string, timeoutMs = 30_000): Promise<string> {
    const out = join(this.dir, `o${++this.calls}.txt`);
    try {
      const answer = await this.runMacro(`fq_out = "${out}";\n${code}`, undefined, timeoutMs);
      if (answer.status === 'error') throw new MacroError(answer.text);
      if (existsSync(out)) return readFileSync(out, 'latin1');
      return answer.text;
    } finally {
      rmSync(out, { force: true });
    }
  }

  /** [width, height, channels, slices, frames] of the current image (ImagePlus.getDimensions). */
  async dimensions(): Promise<number[]> {
    const a = await this.request('dims', []);
    if (a.status !== 'ok') throw new MacroError(a.text);
    return a.text.split(' ').map(Number);
  }

  /** The processor's pixels at a hyperstack position (1-based; 0 = the current one), which becomes the displayed position. */
  async pixels(channel: number, slice: number, frame: number): Promise<PlaneBytes> {
    const file = join(this.dir, `p${++this.calls}.bin`);
    try {
      const a = await this.request('pixels', [channel, slice, frame].map(String).concat(file));
      if (a.status !== 'ok') throw new MacroError(a.text);
      const [type, width, height, channels] = a.text.split(' ').map(Number) as [number, number, number, number];
      return { type, width, height, channels, bytes: readFileSync(file) };
    } finally {
      rmSync(file, { force: true });
    }
  }

  /** The bytes ImageJ saves the current image as (`IJ.saveAs(imp, format, path)`, title kept), and its type and dimensions. */
  async save(format: string, extension: string): Promise<{ bytes: Buffer; type: number; dims: number[] }> {
    const file = join(this.dir, `s${++this.calls}${extension}`);
    try {
      const a = await this.request('save', [format, file]);
      if (a.status !== 'ok') throw new MacroError(a.text);
      const [type, ...dims] = a.text.split(' ').map(Number) as [number, ...number[]];
      return { bytes: readFileSync(file), type, dims };
    } finally {
      rmSync(file, { force: true });
    }
  }

  /** Installs a macro set in Plugins › Macros (MacroInstaller.install), replacing the one there. */
  async installMacros(code: string): Promise<void> {
    const file = join(this.dir, `i${++this.calls}.ijm`);
    writeFileSync(file, code);
    try {
      const a = await this.request('install', [file]);
      if (a.status !== 'ok') throw new MacroError(a.text);
    } finally {
      rmSync(file, { force: true });
    }
  }

  private async restart(): Promise<void> {
    const old = this.proc;
    this.proc = await launch();
    await kill(old);
  }

  async stop(): Promise<void> {
    LIVE.delete(this);
    await kill(this.proc);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function kill(p: Process): Promise<void> {
  for (const c of [p.java, p.xvfb]) {
    if (c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    }
  }
}

const LIVE = new Set<LiveImageJ>();
// A crashed test must not leave Java and Xvfb behind on a shared machine.
process.once('exit', () => {
  for (const l of LIVE) {
    const p = (l as unknown as { proc: Process }).proc;
    p.java.kill('SIGKILL');
    p.xvfb.kill('SIGKILL');
  }
});
