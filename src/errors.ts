/**
 * The one error type the library throws for failures a user can act on. `kind` says what went
 * wrong in a form a program can branch on; the message is one line saying what to do; `cause`
 * keeps the original error (a file system error, an ONNX Runtime message, a fetch failure) for
 * `--verbose` and for callers that want the details. Exit codes are not the library's business:
 * the CLI maps kinds to them (src/cli/exit-codes.ts).
 */
import { InputFileError, NestingTooDeepError, NoArticleError } from './input/errors.js';
import { FETCH_FAILURES, FetchError, type FetchFailure } from './input/fetch/fetch-error.js';
import type { SettingName } from './setting-words.js';

export type ErrorKind =
  /** Options that do not fit together, an unknown format, a bad value. */
  | 'usage'
  /** An input that cannot be read or is not text (missing, a directory, binary, bad UTF-8, empty). */
  | 'input'
  /** A folder da2en keeps its own data in (the translation memory) cannot be used. */
  | 'storage'
  /** An output file, or a model into the models folder, cannot be written (a read-only or missing folder, a full disk). */
  | 'output'
  /** The model is not there and may not (or cannot) be fetched. */
  | 'model-missing'
  /** The model's files are damaged, truncated or not a model. */
  | 'model-corrupt'
  /** Fetching the model failed on the way. */
  | 'network'
  /** The work was stopped from outside (Ctrl-C, SIGTERM, an aborted signal). */
  | 'interrupted'
  /** A web page (saved or fetched) in which no article text was found. */
  | 'no-article'
  /** Fetching a URL failed: one kind per failure (src/input/fetch/fetch-error.ts). */
  | `fetch-${FetchFailure}`;

export const ERROR_KINDS: readonly ErrorKind[] = [
  'usage',
  'input',
  'storage',
  'output',
  'model-missing',
  'model-corrupt',
  'network',
  'interrupted',
  'no-article',
  ...FETCH_FAILURES.map((failure) => `fetch-${failure}` as const),
];

// In a module of their own: the input readers' errors (imported above) name settings too.
export { SETTING_WORDS, type SettingName } from './setting-words.js';

export class Da2enError extends Error {
  override readonly name: string = 'Da2enError';
  /** The settings its message names, each in the words SETTING_WORDS gives it (none: an empty list). */
  readonly settings: readonly SettingName[];

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown; settings?: readonly SettingName[] },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.settings = options?.settings ?? [];
  }
}

/** Whether `err` is a da2en error (of `kind`, when given). */
export function isDa2enError(err: unknown, kind?: ErrorKind): err is Da2enError {
  return err instanceof Da2enError && (kind === undefined || err.kind === kind);
}

/** An aborted signal's reason as the library throws it: kind `interrupted`, the reason as its `cause` (a reason already of that kind, the CLI's, as it is). */
export function interruptedError(reason: unknown, what = 'the translation'): Da2enError {
  if (isDa2enError(reason, 'interrupted')) return reason;
  const why = reason instanceof Error ? reason.message : String(reason);
  return new Da2enError('interrupted', `${what} was stopped: ${why}`, { cause: reason });
}

/** The input readers' own errors as da2en errors, one kind each (the CLI gives each kind an exit code, the server a status); anything else is returned as it is. */
export function inputUserError(err: unknown): unknown {
  if (err instanceof FetchError) return new Da2enError(`fetch-${err.kind}`, err.message, { cause: err });
  if (err instanceof NoArticleError) return new Da2enError('no-article', err.message, { cause: err, settings: err.settings });
  if (err instanceof InputFileError || err instanceof NestingTooDeepError) return new Da2enError('input', err.message, { cause: err, settings: err.settings });
  return err;
}
