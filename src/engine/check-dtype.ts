import { Da2enError } from '../errors.js';
import { DTYPES, MAX_BEAMS } from './defaults.js';
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

/** A beam width given through the library: 0 would silently mean the default, 99 an endless run. */
export function checkBeams(beams: unknown): number {
  if (typeof beams !== 'number' || !Number.isInteger(beams) || beams < 1 || beams > MAX_BEAMS) {
    throw new Da2enError('usage', `beams must be a whole number from 1 to ${MAX_BEAMS} (1 = greedy), not ${JSON.stringify(beams)}`);
  }
  return beams;
}
