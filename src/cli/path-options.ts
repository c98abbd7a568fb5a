/**
 * Options whose value is a path, or another name that means nothing empty (an address, a Redis URL,
 * a queue name): an empty value (`--cache-dir ""`, or a shell variable that was not set) is a usage
 * error naming the option, never a quiet fall-back to the default folder, the current one, or
 * every interface.
 */
import type { Options } from 'yargs';
import { Da2enError } from '../errors.js';

/**
 * The value of an option that names `what` ("a folder", "a file"), as yargs handed it over; `flag`
 * is how the message names the option ("--cache-dir", "-o/--output").
 */
export function parsePathOption(flag: string, what: string, raw: unknown): string {
  if (Array.isArray(raw)) throw new Da2enError('usage', `option ${flag} was given more than once; give it once`);
  const value = typeof raw === 'string' ? raw : raw === undefined || raw === null || typeof raw === 'boolean' ? '' : String(raw);
  if (value === '') throw new Da2enError('usage', `${flag} needs ${what}; got an empty value`);
  return value;
}

/**
 * A yargs option definition for a path: a string that may not be empty (checked while parsing).
 * `requiresArg`: yargs gives an option written with no value its default, so `--model` last on a
 * line would quietly mean the default model.
 */
export function pathOption<const O extends Omit<Options, 'type' | 'coerce'> & { describe: string }>(
  flag: string,
  what: string,
  option: O,
): O & { type: 'string'; coerce: (raw: unknown) => string } {
  return { ...option, type: 'string', requiresArg: true, coerce: (raw: unknown) => parsePathOption(flag, what, raw) };
}
