import { Da2enError } from '../errors.js';

/**
 * Something is wrong with a checkpoint (a file, its header, its pickle, its config): the message
 * is one line that names the file and what to do; `cause` keeps the underlying error. A model the
 * converter cannot use is a damaged or unsuitable model ('model-corrupt'); the CLI reports a
 * checkpoint folder the user passed to `model convert` as bad input.
 */
export class CheckpointError extends Da2enError {
  override readonly name: string = 'CheckpointError';

  constructor(message: string, options?: { cause?: unknown }) {
    super('model-corrupt', message, options);
  }
}
