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
  Interrupted: 130,
  Terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

const BY_KIND: Record<ErrorKind, ExitCodeValue> = {
  usage: ExitCode.Usage,
  input: ExitCode.InputError,
  // An unusable translation memory is the user's to fix (--no-cache, DA2EN_CACHE_DIR) but has no code of its own.
  storage: ExitCode.Failure,
  'model-missing': ExitCode.ModelMissing,
  'model-corrupt': ExitCode.ModelCorrupt,
  network: ExitCode.Network,
  interrupted: ExitCode.Interrupted,
};

/** The exit code for an error of `kind`. */
export function exitCodeFor(kind: ErrorKind): ExitCodeValue {
  return BY_KIND[kind];
}
