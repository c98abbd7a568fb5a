/**
 * Numeric options: each declares its range once, and the value is checked while the command line
 * is parsed, so a bad number is a usage error naming the option and its range (exit 2) before any
 * work starts — never a message from deep inside (p-queue, ONNX Runtime, "the model may be
 * corrupt"), and never a value the run quietly adjusts or records wrongly in its output.
 */
import type { Options } from 'yargs';
import { Da2enError } from '../errors.js';

export interface NumberRange {
  /** Whole numbers only (counts, sizes, ports, milliseconds). */
  integer: boolean;
  min: number;
  max: number;
  /** The minimum itself is not allowed (seconds that must be above 0). */
  minExclusive?: boolean;
  /** One value outside the range with a meaning of its own (-1: no limit). */
  special?: { value: number; means: string };
  /** The unit, for the range's wording (seconds, ms). */
  unit?: string;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** "a whole number from 1 to 16", "-1 (no limit) or a whole number from 1 to 100000000", "a number of seconds above 0, at most 3600". */
export function rangeText(range: NumberRange): string {
  const what = `${range.integer ? 'a whole number' : 'a number'}${range.unit ? ` of ${range.unit}` : ''}`;
  const bounds = range.minExclusive ? `above ${range.min}, at most ${range.max}` : `from ${range.min} to ${range.max}`;
  return `${range.special ? `${range.special.value} (${range.special.means}) or ` : ''}${what} ${bounds}`;
}

function inRange(value: number, range: NumberRange): boolean {
  if (range.special?.value === value) return true;
  if (range.integer && !Number.isInteger(value)) return false;
  return (range.minExclusive ? value > range.min : value >= range.min) && value <= range.max;
}

/**
 * The value of `--name` (what yargs handed over: a string, a number it already read, `true` when
 * no value followed), checked against `range`. Throws a usage error naming the option and range.
 */
export function parseNumberOption(name: string, range: NumberRange, raw: unknown): number {
  if (Array.isArray(raw)) throw new Da2enError('usage', `option --${name} was given more than once; give it once`);
  if (typeof raw === 'boolean' || raw === undefined || raw === null || String(raw).trim() === '') {
    throw new Da2enError('usage', `--${name} needs a value: ${rangeText(range)}`);
  }
  const text = String(raw).trim();
  const value = Number(text);
  if (!(range.integer ? INTEGER : DECIMAL).test(text) || !inRange(value, range)) {
    throw new Da2enError('usage', `--${name} must be ${rangeText(range)}; got ${text}`);
  }
  return value;
}

/**
 * A yargs option definition for a number in `range`: no yargs `type` (which would turn "abc" into
 * NaN before we could name it), a `coerce` that checks the value, and the range in the help text.
 */
export function numberOption<const O extends Omit<Options, 'type' | 'coerce'> & { describe: string }>(
  name: string,
  range: NumberRange,
  option: O,
): O & { describe: string; coerce: (raw: unknown) => number } {
  return { ...option, requiresArg: true, describe: `${option.describe} (${rangeText(range)})`, coerce: (raw: unknown) => parseNumberOption(name, range, raw) };
}
