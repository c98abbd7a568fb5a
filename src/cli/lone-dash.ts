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

/** Options whose value is a path, as they may be written; a value may be a name that starts with a dash. */
const PATH_OPTION_WORDS = new Set(['-o', '--output', '--out-dir', '--outDir', '--cache-dir', '--cacheDir']);

/**
 * `-o -.html`: yargs reads a dashed word after an option as options of its own (here a cluster that
 * holds -h, so the help was printed, exit 0, and nothing written). After an option that takes a path,
 * a dashed word with an extension plainly names a file, and is bound to that option (`-o=-.html`,
 * which yargs reads as a value); any other dashed word there (`-o -x`) is refused, saying how to write
 * it, rather than guessed at. Words after `--` are inputs and are left alone.
 */
export function bindDashedPathValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    // -qo and -vo are -o after on/off letters (-q, -v), -o taking the next word all the same.
    const takesPath = PATH_OPTION_WORDS.has(arg) || /^-[qv]+o$/.test(arg);
    if (!takesPath || next === undefined || !/^-[^-]/.test(next)) {
      out.push(arg);
      continue;
    }
    if (!/^-.*\.[A-Za-z0-9]+$/s.test(next)) {
      throw new Da2enError('usage', `${arg} ${next}: ${next} starts with a dash, so it is read as options; to name a file so, write ${arg} ./${next}`);
    }
    out.push(`${arg}=${next}`);
    i++;
  }
  return out;
}
