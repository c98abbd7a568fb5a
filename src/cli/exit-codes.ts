import type { ErrorKind } from '../errors.js';

/** Exit codes, documented in the README. The library knows none of them: the CLI maps error kinds here. */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  InputError: 3,
  ModelMissing: 4,
  ModelCorrupt: 5,
  Network: 6,
  /** A web page (saved or fetched) in which no article text was found. */
  NoArticle: 7,
  /** An output file cannot be written (read-only or missing folder, full disk). */
  OutputError: 8,
  /** Fetching a URL: one code per failure (see README, Exit codes). */
  UrlDns: 20,
  UrlRefused: 21,
  UrlNotFound: 22,
  UrlServerError: 23,
  UrlHttpStatus: 24,
  UrlNotHtml: 25,
  UrlTooBig: 26,
  UrlTimeout: 27,
  UrlRedirects: 28,
  UrlAddressRefused: 29,
  UrlConnection: 30,
  /** SIGHUP: the terminal closed. */
  HungUp: 129,
  Interrupted: 130,
  Terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The stop signals and the exit codes a run they stopped ends with (128 + the signal, as a shell reports it). */
export const SIGNAL_OF_EXIT: Partial<Record<number, NodeJS.Signals>> = {
  [ExitCode.HungUp]: 'SIGHUP',
  [ExitCode.Interrupted]: 'SIGINT',
  [ExitCode.Terminated]: 'SIGTERM',
};

/** How a run stopped by each of them says so ("da2en: interrupted; …"), as the help's exit codes name them. */
export const STOP_WORD_OF_EXIT: Partial<Record<number, string>> = {
  [ExitCode.HungUp]: 'hung up (the terminal closed)',
  [ExitCode.Interrupted]: 'interrupted',
  [ExitCode.Terminated]: 'terminated',
};

const BY_KIND: Record<ErrorKind, ExitCodeValue> = {
  usage: ExitCode.Usage,
  input: ExitCode.InputError,
  // An unusable translation memory is the user's to fix (--no-cache, DA2EN_CACHE_DIR) but has no code of its own.
  storage: ExitCode.Failure,
  output: ExitCode.OutputError,
  'model-missing': ExitCode.ModelMissing,
  'model-corrupt': ExitCode.ModelCorrupt,
  network: ExitCode.Network,
  interrupted: ExitCode.Interrupted,
  'no-article': ExitCode.NoArticle,
  'fetch-dns': ExitCode.UrlDns,
  'fetch-refused': ExitCode.UrlRefused,
  'fetch-not-found': ExitCode.UrlNotFound,
  'fetch-server-error': ExitCode.UrlServerError,
  'fetch-http-status': ExitCode.UrlHttpStatus,
  'fetch-not-html': ExitCode.UrlNotHtml,
  'fetch-too-big': ExitCode.UrlTooBig,
  'fetch-timeout': ExitCode.UrlTimeout,
  'fetch-redirects': ExitCode.UrlRedirects,
  'fetch-address-refused': ExitCode.UrlAddressRefused,
  'fetch-connection': ExitCode.UrlConnection,
};

/** The exit code for an error of `kind`. */
export function exitCodeFor(kind: ErrorKind): ExitCodeValue {
  return BY_KIND[kind];
}
