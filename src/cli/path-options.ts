/**
 * Options whose value is a path, or another name that means nothing empty (an address, a Redis URL,
 * a queue name): an empty value (`--cache-dir ""`, or a shell variable that was not set) is a usage
 * error naming the option, never a quiet fall-back to the default folder, the current one, or
 * every interface.
 *
 * A path's leading `~` or `~/` is the home folder, for every path option alike: the shell expands it
 * only at the start of a word, so `--model=~/x`, `-o=~/x.html` and a quoted `'~/x'` reached da2en as
 * written and named a folder called `~` in the current one. `~user` is left as it is (the shell's
 * other form, rarely meant in an option's value, and not known to Node without reading the user
 * database).
 */
import { homedir } from 'node:os';
import path from 'node:path';
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

/** `~` and `~/…` (`~\…` on Windows) with the home folder in place of the `~`; any other value as it is. */
export function expandHome(value: string, home: string = homedir()): string {
  if (value === '~') return home;
  if (value.startsWith('~/') || (path.sep === '\\' && value.startsWith('~\\'))) return path.join(home, value.slice(2));
  return value;
}

type StringOption<O> = O & { type: 'string'; coerce: (raw: unknown) => string };

/**
 * A yargs option definition for a non-empty string that is not a path (an address, a Redis URL, a
 * name): checked while parsing, taken as written.
 * `requiresArg`: yargs gives an option written with no value its default, so `--redis` last on a
 * line would quietly mean the default server.
 */
export function textOption<const O extends Omit<Options, 'type' | 'coerce'> & { describe: string }>(flag: string, what: string, option: O): StringOption<O> {
  return { ...option, type: 'string', requiresArg: true, coerce: (raw: unknown) => parsePathOption(flag, what, raw) };
}

/**
 * A yargs option definition for a path: a string that may not be empty, its leading `~` the home
 * folder (checked and expanded while parsing). `requiresArg`: yargs gives an option written with no
 * value its default, so `--model` last on a line would quietly mean the default model.
 */
export function pathOption<const O extends Omit<Options, 'type' | 'coerce'> & { describe: string }>(flag: string, what: string, option: O): StringOption<O> {
  return { ...option, type: 'string', requiresArg: true, coerce: (raw: unknown) => expandHome(parsePathOption(flag, what, raw)) };
}
