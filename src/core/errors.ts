/**
 * The few error kinds the tool raises. Each carries a `name` tag: check `err.name`, not `instanceof`,
 * because only name, message and stack survive a worker (comlink) boundary unless the worker sends more
 * (ours sends `errorFields`, and the page side rebuilds the class with `reviveError`).
 *
 * What an error is about rides in fields (`file`, `slice`), never inside the message, so a host shows it as it likes
 * (a CSV row already names the file) and no host parses messages. `formatError` is the one way to print an error.
 *
 * @example
 *   try { await fq.measure(blob, { name: 'a.tif' }); } catch (err) { console.error(formatError(err)); } // "a.tif [slice 2]: …"
 */

export interface ErrorContext {
  /** File, URL or label the error is about, when there is one. */
  readonly file?: string | undefined;
  /** 0-based slice of a stack the error happened in, when there is one. */
  readonly slice?: number | undefined;
  readonly cause?: unknown;
}

abstract class FocusQualityError extends Error {
  readonly file: string | undefined;
  readonly slice: number | undefined;
  constructor(message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.file = context.file;
    this.slice = context.slice;
  }
}

/** The input cannot be read as an image we support (corrupt, truncated, unknown format, too large, wrong type). */
export class ImageFormatError extends FocusQualityError {
  override readonly name = 'ImageFormatError';
}

/** The image decoded but cannot be measured (smaller than a patch, NaN pixels, empty stack). */
export class ImageContentError extends FocusQualityError {
  override readonly name = 'ImageContentError';
}

/** Options given by a user (CLI flags, ImageJ option strings, API options) are wrong. */
export class OptionsError extends FocusQualityError {
  override readonly name = 'OptionsError';
}

/** The model or its card could not be loaded, or does not match the I/O contract. */
export class ModelError extends FocusQualityError {
  override readonly name = 'ModelError';
}

/** Work was cancelled by the caller (AbortSignal or a Cancel button). */
export class CancelledError extends FocusQualityError {
  override readonly name = 'CancelledError';
}

export const ERROR_NAMES = ['ImageFormatError', 'ImageContentError', 'OptionsError', 'ModelError', 'CancelledError'] as const;
export type ErrorName = (typeof ERROR_NAMES)[number];

const CLASSES: Record<ErrorName, new (message: string, context?: ErrorContext) => FocusQualityError> = {
  ImageFormatError,
  ImageContentError,
  OptionsError,
  ModelError,
  CancelledError,
};

/** What of an error crosses a worker boundary: plain data a structured clone keeps. */
export interface ErrorFields {
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
  readonly file?: string | undefined;
  readonly slice?: number | undefined;
}

type Loose = { name?: unknown; message?: unknown; stack?: unknown; file?: unknown; slice?: unknown };

const asLoose = (err: unknown): Loose => (typeof err === 'object' && err !== null ? (err as Loose) : {});

/** The fields of any thrown value, for sending it to another thread (see inference/worker.ts). */
export function errorFields(err: unknown): ErrorFields {
  const e = asLoose(err);
  const message = typeof e.message === 'string' ? e.message : String(err);
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message,
    ...(typeof e.stack === 'string' ? { stack: e.stack } : {}),
    ...(typeof e.file === 'string' ? { file: e.file } : {}),
    ...(typeof e.slice === 'number' ? { slice: e.slice } : {}),
  };
}

/**
 * An error that crossed a worker boundary (or any `{ name, message, file?, slice? }`) as an instance of our class of
 * that name, so `instanceof` works again; other names come back as a plain Error with that name.
 */
export function reviveError(fields: unknown): Error {
  if (fields instanceof FocusQualityError) return fields;
  const f = errorFields(fields);
  const Ctor = (ERROR_NAMES as readonly string[]).includes(f.name) ? CLASSES[f.name as ErrorName] : undefined;
  const err: Error = Ctor ? new Ctor(f.message, { file: f.file, slice: f.slice }) : Object.assign(new Error(f.message), { name: f.name, file: f.file, slice: f.slice });
  if (f.stack) err.stack = f.stack;
  return err;
}

/**
 * Adds what the caller knows (the file, the slice) to an error that does not say it yet, and returns the same error
 * (its class, message and stack kept). A non-object thrown value becomes an Error first.
 */
export function withContext(err: unknown, context: Omit<ErrorContext, 'cause'>): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const target = e as Error & { file?: string | undefined; slice?: number | undefined }; // set once, before anyone reads it
  if (target.file === undefined && context.file !== undefined) target.file = context.file;
  if (target.slice === undefined && context.slice !== undefined) target.slice = context.slice;
  return e;
}

/**
 * The one line every host prints for an error: "file [slice k]: message" (k 0-based, as in every output), with the
 * parts that are unknown left out, and only the message's first line (a stack or a multi-line runtime dump is for logs).
 */
export function formatError(err: unknown): string {
  const f = errorFields(err);
  const line = f.message.split('\n')[0]!.trim() || f.name;
  const where = [f.file, f.slice === undefined ? undefined : `[slice ${f.slice}]`].filter((s) => s !== undefined && s !== '').join(' ');
  return where ? `${where}: ${line}` : line;
}
