/** The input readers' domain errors as da2en errors: one line, one kind (and so one exit code) each. */
import { Da2enError } from '../errors.js';
import { FetchError } from '../input/fetch/fetch-error.js';
import { InputFileError, NoArticleError } from '../input/errors.js';

/** A Da2enError for an input reader's error; anything else is returned as it is. */
export function inputUserError(err: unknown): unknown {
  if (err instanceof FetchError) return new Da2enError(`fetch-${err.kind}`, err.message, { cause: err });
  if (err instanceof NoArticleError) return new Da2enError('no-article', err.message, { cause: err });
  if (err instanceof InputFileError) return new Da2enError('input', err.message, { cause: err });
  return err;
}
