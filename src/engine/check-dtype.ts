import { Da2enError } from '../errors.js';
import { DTYPES } from './defaults.js';
import type { Dtype } from './dtype.js';

/**
 * A dtype given through the library (the CLI's choices already restrict it): an unknown one would
 * otherwise surface as a missing model file with "undefined" in its name.
 */
export function checkDtype(dtype: unknown): Dtype {
  if (!(DTYPES as readonly unknown[]).includes(dtype)) {
    throw new Da2enError('usage', `unknown dtype ${JSON.stringify(dtype)}; choose one of ${DTYPES.join(', ')}`);
  }
  return dtype as Dtype;
}
