/**
 * The few error kinds the tool raises. Each carries a `name` tag: check `err.name`, not `instanceof`,
 * because only name, message and stack survive a worker (comlink) boundary.
 */

export interface ErrorContext {
  /** File, URL or label the error is about, when there is one. */
  readonly file?: string;
  readonly cause?: unknown;
}

abstract class FocusQualityError extends Error {
  readonly file: string | undefined;
  constructor(message: string, context: ErrorContext = {}) {
    super(context.file ? `${context.file}: ${message}` : message, context.cause === undefined ? undefined : { cause: context.cause });
    this.file = context.file;
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
