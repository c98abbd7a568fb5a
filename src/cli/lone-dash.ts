/**
 * yargs drops a lone "-" given as a positional argument (yargs/yargs#1312, yargs-parser#381) and
 * turns `--output=-` into "", yet "-" is how a command line names standard input and output. So the
 * arguments are handed to yargs with each such "-" swapped for a placeholder yargs leaves alone,
 * and the parsed values are swapped back.
 */
import { Da2enError } from '../errors.js';

const PLACEHOLDER = '\u0000stdio';

export function protectLoneDashes(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((arg, i) => {
    if (end !== -1 && i > end) return arg;
    if (arg === '-') return PLACEHOLDER;
    const long = /^(--[^=]+)=-$/.exec(arg);
    return long ? `${long[1]}=${PLACEHOLDER}` : arg;
  });
}

/** Puts the "-" back into parsed values (strings and arrays of strings), in place. */
export function restoreLoneDashes(parsed: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(parsed)) {
    if (value === PLACEHOLDER) parsed[key] = '-';
    else if (Array.isArray(value)) parsed[key] = value.map((v) => (v === PLACEHOLDER ? '-' : v));
  }
}

/**
 * Words after `--` are inputs whatever they look like (`da2en -- -notes.txt`), but yargs binds none
 * of them to a command's `inputs`: with `populate--` it leaves them in `argv['--']`, and without it
 * `da2en a.txt -- b.txt` translated a.txt alone. They are added to the inputs here, in place; a
 * command that takes no inputs refuses them rather than ignoring them.
 */
export function takeWordsAfterDashDash(parsed: Record<string, unknown>): void {
  const rest = parsed['--'];
  delete parsed['--'];
  if (!Array.isArray(rest) || rest.length === 0) return;
  const words = rest.map(String);
  const inputs = parsed['inputs'];
  if (!Array.isArray(inputs)) throw new Da2enError('usage', `this command takes no inputs after --; remove ${words.map((w) => JSON.stringify(w)).join(' ')}`);
  parsed['inputs'] = [...inputs.map(String), ...words];
}
