/**
 * An error the user can act on: the CLI prints its message as one line (no stack trace unless
 * --verbose) and exits with its code.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Failure,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Exit codes, documented in the README. */
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
