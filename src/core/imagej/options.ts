/**
 * ImageJ recorder option strings (`"border=2 overlay table=[Focus Quality]"`), read with ImageJ's own rules so a
 * string that works in `run("Measure Focus Quality", ...)` means the same to our scripting API.
 *
 * The rules are those of ImageJ 1.x `ij.Macro.getValue`, `ij.Macro.trimKey` and `ij.gui.GenericDialog.isMatch`
 * (read from the bytecode of ij 1.52i; the test suite checks agreement against a running ImageJ):
 * - the key of a dialog field is the first word of its label, cut at `:`, lower-cased;
 * - `key=value`: the value ends at the next space, or is `[...]` (brackets may nest) or `'...'`;
 *   the first `key=` not preceded by a letter wins;
 * - a checkbox is checked when ` key ` appears as a bare word outside `[...]`; an absent checkbox is unchecked
 *   (in a recorded string unchecked boxes are simply left out).
 */
import { OptionsError } from '../errors.js';
import { parseMetricNames } from '../metrics/registry.js';
import { MAX_BORDER_WIDTH } from '../options.js';

/** ImageJ's `Macro.trimKey`: the key a dialog label is addressed by. */
export function imageJKey(label: string): string {
  let key = label;
  const space = key.indexOf(' ');
  if (space > -1) key = key.slice(0, space);
  const colon = key.indexOf(':');
  if (colon > -1) key = key.slice(0, colon);
  return key.toLowerCase();
}

// Java's Character.isLetter on one UTF-16 unit: a lone surrogate is not a letter.
const isLetter = (c: string): boolean => /^\p{L}$/u.test(c);

/** The value a `key=value` pair in `options` gives the field labelled `label`, or `defaultValue` (ImageJ's `Macro.getValue`). */
export function getImageJValue(options: string, label: string, defaultValue: string): string;
export function getImageJValue(options: string, label: string): string | undefined;
export function getImageJValue(options: string, label: string, defaultValue?: string): string | undefined {
  const key = `${imageJKey(label)}=`;
  const s = options.endsWith(' ') ? options : `${options} `;
  let index = -1;
  do {
    index = s.indexOf(key, index + 1);
    if (index < 0) return defaultValue;
  } while (index !== 0 && isLetter(s[index - 1]!));
  const rest = s.slice(index + key.length);
  if (rest[0] === "'") {
    const end = rest.indexOf("'", 1);
    return end < 0 ? defaultValue : rest.slice(1, end);
  }
  if (rest[0] === '[') {
    let depth = 1;
    for (let i = 1; i < rest.length; i++) {
      if (rest[i] === '[') depth++;
      else if (rest[i] === ']') depth--;
      if (depth === 0) return rest.slice(1, i);
    }
    return defaultValue;
  }
  return rest.slice(0, rest.indexOf(' '));
}

/** Whether the checkbox labelled `label` is checked by `options` (ImageJ's `GenericDialog.isMatch` on `options + " "`). */
export function isImageJChecked(options: string, label: string): boolean {
  const s1 = `${options} `;
  const word = `${imageJKey(label)} `;
  if (s1.startsWith(word)) return true;
  const s2 = ` ${word}`;
  let inLiteral = false;
  for (let i = 0; i < s1.length - s2.length + 1; i++) {
    const c = s1[i];
    if (inLiteral && c === ']') inLiteral = false;
    else if (c === '[') inLiteral = true;
    // ImageJ tests `i > 1` here, not `i > 0`; kept so both read the same strings the same way.
    if (c !== ' ' || inLiteral || (i > 1 && s1[i - 1] === '=')) continue;
    if (s1.startsWith(s2, i)) return true;
  }
  return false;
}

/**
 * The keys written in an option string, in order, without repeats: the word before each `=` and every bare word
 * outside `[...]`/`'...'` values. Text glued to a closing bracket (`a=[x]y`) is skipped, as ImageJ skips it.
 */
export function optionKeys(options: string): string[] {
  const keys: string[] = [];
  const s = options;
  let i = 0;
  const skipWord = (): void => {
    while (i < s.length && !/\s/.test(s[i]!)) i++;
  };
  while (i < s.length) {
    if (/\s/.test(s[i]!)) {
      i++;
      continue;
    }
    const start = i;
    while (i < s.length && !/[\s=]/.test(s[i]!)) i++;
    const key = s.slice(start, i);
    if (!keys.includes(key)) keys.push(key);
    if (s[i] !== '=') continue;
    i++;
    if (s[i] === "'") {
      const end = s.indexOf("'", i + 1);
      i = end < 0 ? s.length : end + 1;
    } else if (s[i] === '[') {
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        if (s[j] === '[') depth++;
        else if (s[j] === ']') depth--;
        if (depth === 0) break;
      }
      i = j + 1;
    }
    skipWord();
  }
  return keys;
}

/**
 * What ImageJ reads from an option string, key by key: the value ImageJ's `Macro.getValue` finds for every key given
 * with `=`, and `true` for every bare word ImageJ's dialog counts as a checked box. (A bare word ImageJ does not see,
 * e.g. `overlay` right after `border=`, is left out.)
 */
export function parseImageJOptions(options: string): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (const key of optionKeys(options)) {
    const value = getImageJValue(options, key);
    if (value !== undefined) out.set(key, value);
    else if (isImageJChecked(options, key)) out.set(key, true);
  }
  return out;
}

/** Writes one value the way ImageJ's recorder does: bare when it has no space, else in brackets. */
export function quoteImageJValue(value: string): string {
  if (value !== '' && !/[\s[\]']/.test(value)) return value;
  if (!value.includes(']') || isBalanced(value)) return `[${value}]`;
  if (!value.includes("'")) return `'${value}'`;
  throw new OptionsError(`the value ${JSON.stringify(value)} holds an unbalanced ']' and a "'": ImageJ option strings cannot carry it`);
}

function isBalanced(v: string): boolean {
  let depth = 0;
  for (const c of v) {
    if (c === '[') depth++;
    else if (c === ']' && --depth < 0) return false;
  }
  return depth === 0;
}

/** Builds an option string from values (`true` = checked box, `false`/`undefined` = left out). */
export function formatImageJOptions(values: Readonly<Record<string, string | number | boolean | undefined>>): string {
  const parts: string[] = [];
  for (const [key, v] of Object.entries(values)) {
    if (v === undefined || v === false) continue;
    parts.push(v === true ? key : `${key}=${quoteImageJValue(String(v))}`);
  }
  return parts.join(' ');
}

/** The "Measure Focus Quality" command's settings, as its dialog and its option string carry them. */
export interface FocusCommandOptions {
  /** Stroke width of the patch rectangles, in pixels (ImageJ allows 0 = one screen pixel). */
  readonly border: number;
  /** Draw one rectangle per patch on the image. */
  readonly overlay: boolean;
  /** Title of the per-image results table. */
  readonly table: string;
  /** Also write a per-patch table with every level's probability. */
  readonly patches: boolean;
  /** Stacks: measure the current slice only, or every slice. */
  readonly slices: 'current' | 'all';
  /** Stacks: make the best-focused slice the current one afterwards. */
  readonly select: boolean;
  /** Classic focus metrics as extra table columns, comma-separated (`plls,focus_score`; `all` is expanded); '' = none. */
  readonly metrics: string;
}

/** One field of the command's dialog; `key` is what an option string calls it (ImageJ's rule applied to `label`). */
export type CommandField =
  | { readonly name: keyof FocusCommandOptions; readonly label: string; readonly kind: 'number'; readonly min: number; readonly max: number }
  | { readonly name: keyof FocusCommandOptions; readonly label: string; readonly kind: 'checkbox' | 'string' }
  | { readonly name: keyof FocusCommandOptions; readonly label: string; readonly kind: 'choice'; readonly choices: readonly string[] };

export const COMMAND_FIELDS: readonly CommandField[] = [
  { name: 'border', label: 'Border width', kind: 'number', min: 0, max: MAX_BORDER_WIDTH },
  { name: 'overlay', label: 'Overlay', kind: 'checkbox' },
  { name: 'table', label: 'Table title', kind: 'string' },
  { name: 'patches', label: 'Patches table', kind: 'checkbox' },
  { name: 'slices', label: 'Slices', kind: 'choice', choices: ['current', 'all'] },
  { name: 'select', label: 'Select best slice', kind: 'checkbox' },
  { name: 'metrics', label: 'Metrics', kind: 'string' },
];

export const DEFAULT_COMMAND_OPTIONS: FocusCommandOptions = {
  border: 2,
  overlay: true,
  table: 'Focus Quality',
  patches: false,
  slices: 'current',
  select: false,
  metrics: '',
};

/** `patch=N` may be given (the shared docs' recorder example carries it) but must match the model's patch size. */
const PATCH_LABEL = 'Patch size';

/**
 * Reads the command's settings from an option string with ImageJ's rules. A missing number, string or choice takes its
 * value from `defaults`; a missing checkbox is unchecked, as in ImageJ. Unknown keys, bad numbers, bad choices and a
 * `patch=` other than the model's raise an OptionsError naming the key, instead of ImageJ's silent ignore.
 */
export function toMeasureOptions(options: string, defaults: FocusCommandOptions = DEFAULT_COMMAND_OPTIONS, patchSize?: number): FocusCommandOptions {
  const known = new Set([...COMMAND_FIELDS.map((f) => imageJKey(f.label)), imageJKey(PATCH_LABEL)]);
  const unknown = optionKeys(options).filter((k) => !known.has(imageJKey(k)));
  if (unknown.length > 0) {
    throw new OptionsError(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} in "${options}"; known: ${[...known].join(', ')}`);
  }
  const out: Record<string, string | number | boolean> = {};
  for (const f of COMMAND_FIELDS) {
    const key = imageJKey(f.label);
    const fallback = defaults[f.name];
    if (f.kind === 'checkbox') out[f.name] = isImageJChecked(options, f.label);
    else if (f.kind === 'number') out[f.name] = readNumber(options, f.label, fallback as number, f.min, f.max);
    else {
      const v = getImageJValue(options, f.label, String(fallback));
      if (f.kind === 'choice' && !f.choices.includes(v)) throw new OptionsError(`"${v}" is not a valid choice for "${key}" (one of ${f.choices.join(', ')})`);
      out[f.name] = v;
    }
  }
  try {
    out.metrics = parseMetricNames(String(out.metrics)).join(',');
  } catch (err) {
    throw new OptionsError(`"metrics=${String(out.metrics)}": ${(err as Error).message}`);
  }
  if (patchSize !== undefined) {
    const p = readNumber(options, PATCH_LABEL, patchSize, 1, Number.MAX_SAFE_INTEGER);
    if (p !== patchSize) throw new OptionsError(`patch=${p} does not match the model, which rates ${patchSize}×${patchSize} patches`);
  }
  return out as unknown as FocusCommandOptions;
}

function readNumber(options: string, label: string, fallback: number, min: number, max: number): number {
  const raw = getImageJValue(options, label);
  if (raw === undefined) return fallback;
  // ImageJ parses with Tools.parseDouble (Double.parseDouble after trim); JavaScript's Number('') is 0, so refuse empties first.
  const v = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(v)) throw new OptionsError(`"${imageJKey(label)}=${raw}" is not a number`);
  if (v < min || v > max) throw new OptionsError(`${imageJKey(label)}=${raw} is outside ${min}…${max}`);
  return v;
}

/** The option string the macro recorder would write for these settings (checked boxes as bare words). */
export function toOptionsString(o: FocusCommandOptions): string {
  const values: Record<string, string | number | boolean> = {};
  for (const f of COMMAND_FIELDS) values[imageJKey(f.label)] = o[f.name];
  // No metrics is the usual case: `metrics=[]` in every recorded string would only be noise.
  if (o.metrics === '') delete values[imageJKey('Metrics')];
  return formatImageJOptions(values);
}
