/**
 * ImageJ macro source, built from typed pieces. A `Block` is a piece of code that states which shared macro variables
 * it reads and which it sets; `program` joins blocks in order and refuses one that reads a variable no earlier block
 * set, so the variables that tie blocks together are visible in every builder's signature and checked, not implied.
 * Variables a block uses only inside itself (loop counters) stay private to it.
 *
 * Generated code is plain ASCII: other characters are built with `fromCharCode`, which reads the same whether the code
 * reaches ImageJ as a Java string (ImageJ.JS), a command-line argument or a file in any charset.
 */

/** A macro variable shared between blocks. */
export interface MacroVar {
  readonly name: string;
  /** What it holds, for the reader of a builder's signature. */
  readonly holds: string;
}

export const IMAGE_TITLE: MacroVar = { name: 'fq_lab', holds: 'the title of the image being written (the Label column)' };
export const TABLE: MacroVar = { name: 'fq_t', holds: 'the title of the table being written' };
export const VALUES: MacroVar = { name: 'fq_v', holds: 'the numbers a probe macro answers with (an array)' };

export interface Block {
  readonly code: string;
  readonly reads: readonly MacroVar[];
  readonly sets: readonly MacroVar[];
}

export function block(code: string, uses: { reads?: readonly MacroVar[]; sets?: readonly MacroVar[] } = {}): Block {
  return { code, reads: uses.reads ?? [], sets: uses.sets ?? [] };
}

/** The blocks as one macro, in order; throws when a block reads a shared variable that no block before it set. */
export function program(blocks: readonly Block[]): string {
  const set = new Set<string>();
  for (const b of blocks) {
    const missing = b.reads.filter((v) => !set.has(v.name));
    if (missing.length) throw new Error(`macro block reads ${missing.map((v) => v.name).join(', ')} before any block sets it:\n${b.code}`);
    for (const v of b.sets) set.add(v.name);
  }
  return blocks.map((b) => b.code).join('\n');
}

/**
 * Macros of at most `limit` characters (one line never split): every one starts with `head(i)` (i = 0 for the first)
 * and ends with `tail`. No lines at all still give one macro, so a head that clears old results always runs.
 */
export function chunked(head: (i: number) => readonly Block[], lines: readonly Block[], tail: readonly Block[], limit: number): string[] {
  const out: string[] = [];
  let body: Block[] = [];
  let size = 0;
  const flush = (): void => {
    out.push(program([...head(out.length), ...body, ...tail]));
    body = [];
    size = 0;
  };
  const fixed = (i: number): number => [...head(i), ...tail].reduce((n, b) => n + b.code.length + 1, 0);
  for (const line of lines) {
    if (body.length > 0 && fixed(out.length) + size + line.code.length + 1 > limit) flush();
    body.push(line);
    size += line.code.length + 1;
  }
  if (body.length > 0 || out.length === 0) flush();
  return out;
}

/** An ImageJ macro expression evaluating to `s` exactly, whatever characters it holds. */
export function macroString(s: string): string {
  const parts: string[] = [];
  let plain = '';
  let codes: number[] = [];
  const flushPlain = (): void => {
    if (plain) parts.push(`"${plain}"`);
    plain = '';
  };
  const flushCodes = (): void => {
    if (codes.length) parts.push(`fromCharCode(${codes.join(',')})`);
    codes = [];
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) {
      flushCodes();
      plain += c === 0x22 || c === 0x5c ? `\\${s[i]}` : s[i];
    } else {
      flushPlain();
      codes.push(c);
    }
  }
  flushPlain();
  flushCodes();
  return parts.length ? parts.join(' + ') : '""';
}

/** A number as macro source: fixed-point (the macro tokenizer's safe subset), NaN for non-finite values. */
export function macroNumber(v: number, digits = 6): string {
  if (!Number.isFinite(v)) return 'NaN';
  if (Number.isInteger(v)) return String(v);
  const s = v.toFixed(digits).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}
