/**
 * yargs drops a lone "-" given as a positional argument (yargs/yargs#1312, yargs-parser#381) and
 * turns `--output=-` into "", yet "-" is how a command line names standard input and output. So the
 * arguments are handed to yargs with each such "-" swapped for a placeholder yargs leaves alone,
 * and the parsed values are swapped back.
 */
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
