/**
 * Checks made on the command-line words themselves, for every command.
 *
 * One rule for an option given twice: it is a usage error. yargs would otherwise turn
 * `--format md --format json` into an array the command does not expect (an "unexpected error"),
 * and let the last of `--cache --no-cache` or `-q --quiet` win silently. Read from the command-line
 * words themselves, so booleans, aliases (`-o a --output b`), `--no-` forms and camelCase spellings
 * count as the same option.
 */

export interface OptionTable {
  /** Every option's name (yargs' getOptions().key). */
  key: Record<string, unknown>;
  /** Each option's aliases, keyed by its name (yargs' getOptions().alias). */
  alias: Record<string, readonly string[]>;
  /** Options that take several values on purpose (yargs' getOptions().array). */
  array: readonly string[];
  /** On/off options (yargs' getOptions().boolean). */
  boolean: readonly string[];
}

/** An option's name as yargs matches it: camelCase spelled kebab-case, lower-case; single letters as they are. */
export function kebab(name: string): string {
  return name.length > 1 ? name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase() : name;
}

/** Option names as they appear in `args` (before `--`), one entry per occurrence. */
export function optionOccurrences(args: readonly string[]): string[] {
  const names: string[] = [];
  for (const arg of args) {
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-' || /^-\d|^-\.\d/.test(arg)) continue; // a value (negative numbers included)
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0]!;
      names.push(name);
    } else {
      // -abc is -a -b -c; a letter followed by anything else takes the rest as its value (-ofile, -n5).
      for (const ch of arg.slice(1)) {
        if (!/[A-Za-z]/.test(ch)) break;
        names.push(ch);
      }
    }
  }
  return names;
}

/** Every spelling of every option (aliases, camelCase) → the option's declared name. */
function canonicalNames(table: OptionTable): Map<string, string> {
  const canonical = new Map<string, string>();
  for (const key of Object.keys(table.key)) canonical.set(kebab(key), kebab(key));
  for (const [key, aliases] of Object.entries(table.alias)) {
    for (const name of [key, ...aliases]) canonical.set(kebab(name), kebab(key));
  }
  return canonical;
}

/** The name (as declared) of the first option `args` give more than once, or undefined. */
export function repeatedOption(args: readonly string[], table: OptionTable): string | undefined {
  const canonical = canonicalNames(table);
  const arrays = new Set(table.array.map((a) => canonical.get(kebab(a)) ?? kebab(a)));
  const seen = new Set<string>();
  for (const raw of optionOccurrences(args)) {
    let name = kebab(raw);
    // --no-cache is --cache said the other way.
    if (!canonical.has(name) && name.startsWith('no-')) name = name.slice(3);
    const key = canonical.get(name);
    // Unknown options are strict mode's to report; help and version stop the run anyway.
    if (key === undefined || arrays.has(key) || key === 'help' || key === 'version') continue;
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return undefined;
}

/** yargs' option table (getOptions is public in yargs but missing from its type definitions). */
export function optionTableOf(yargs: object): OptionTable {
  if (!('getOptions' in yargs) || typeof yargs.getOptions !== 'function') throw new TypeError('not a yargs instance: no getOptions()');
  const table: OptionTable = yargs.getOptions();
  return table;
}

/**
 * An on/off option given a value other than true/false (`--quiet=abc`, `--cache=0`), which yargs
 * would read as "off" without a word: the word as given, or undefined.
 */
export function flagWithValue(args: readonly string[], table: OptionTable): string | undefined {
  const canonical = canonicalNames(table);
  const booleans = new Set(table.boolean.map((b) => canonical.get(kebab(b)) ?? kebab(b)));
  for (const arg of args) {
    if (arg === '--') break;
    const m = /^--([^=]+)=(.*)$/s.exec(arg);
    if (!m) continue;
    let name = kebab(m[1]!);
    if (!canonical.has(name) && name.startsWith('no-')) name = name.slice(3);
    const key = canonical.get(name);
    if (key !== undefined && booleans.has(key) && !/^(true|false)$/.test(m[2]!)) return arg;
  }
  return undefined;
}

/**
 * On/off options that cannot both be on: each pair, and why (a command line that says both is asked
 * which it means, as one given twice is). `--quiet --no-progress` and `--verbose --no-quiet` agree.
 */
export const CONTRADICTIONS: readonly (readonly [string, string, string])[] = [
  ['quiet', 'verbose', '--quiet hides the notices --verbose adds details to'],
  ['quiet', 'progress', '--quiet means no progress bar'],
];

/** The on/off options `args` turn on (by their declared names): `--x`, `--x=true`, `-x`, `-xy`. */
function flagsTurnedOn(args: readonly string[], table: OptionTable): Set<string> {
  const canonical = canonicalNames(table);
  const booleans = new Set(table.boolean.map((b) => canonical.get(kebab(b)) ?? kebab(b)));
  const on = new Set<string>();
  for (const arg of args) {
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-' || /^-\d|^-\.\d/.test(arg)) continue;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      let name = kebab(eq === -1 ? arg.slice(2) : arg.slice(2, eq));
      const value = eq === -1 ? 'true' : arg.slice(eq + 1);
      let negated = false;
      if (!canonical.has(name) && name.startsWith('no-')) {
        name = name.slice(3);
        negated = true;
      }
      const key = canonical.get(name);
      if (key !== undefined && booleans.has(key) && (value === 'false') === negated) on.add(key);
    } else {
      // -qv is -q -v; the first letter that takes a value takes the rest of the word.
      for (const ch of arg.slice(1)) {
        const key = canonical.get(ch);
        if (key === undefined || !booleans.has(key)) break;
        on.add(key);
      }
    }
  }
  return on;
}

/** The first pair of CONTRADICTIONS that `args` both turn on, as a usage line, or undefined. */
export function contradiction(args: readonly string[], table: OptionTable): string | undefined {
  const on = flagsTurnedOn(args, table);
  for (const [a, b, why] of CONTRADICTIONS) {
    if (on.has(a) && on.has(b)) return `--${a} and --${b} say opposite things (${why}); give one of them`;
  }
  return undefined;
}

/**
 * yargs' strict-mode line for unknown options names each by its parsed key, not as typed: a typo
 * such as `--out-dirr` came back as "Unknown arguments: out-dirr, outDirr" (its camelCase twin too),
 * `--no-cahce` as "cahce" and `-x` as "x", which reads like a stray word rather than an option.
 * This names each unknown option as the command line spells it (`unknown option --out-dirr`); words
 * that are no option (a positional too many) keep yargs' wording. Undefined for any other message.
 */
export function unknownOptionsLine(message: string, args: readonly string[]): string | undefined {
  const m = /^Unknown arguments?: (.*)$/s.exec(message.trim());
  if (!m) return undefined;
  const keys = new Set(m[1]!.split(', ').map((k) => k.trim()).filter((k) => k !== ''));
  const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const typed: string[] = [];
  const covered = new Set<string>();
  const claim = (word: string, names: readonly string[]) => {
    const hits = names.filter((n) => keys.has(n));
    if (hits.length === 0) return;
    for (const n of hits) covered.add(n);
    if (!typed.includes(word)) typed.push(word);
  };
  for (const arg of args) {
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-' || /^-\d|^-\.\d/.test(arg)) continue;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0]!;
      const names = [name, camel(name)];
      // yargs reads --no-x as x turned off, and names x when it knows no such option.
      if (name.startsWith('no-')) names.push(name.slice(3), camel(name.slice(3)));
      claim(`--${name}`, names);
    } else {
      for (const ch of arg.slice(1)) {
        if (!/[A-Za-z]/.test(ch)) break;
        claim(`-${ch}`, [ch]);
      }
    }
  }
  if (typed.length === 0) return undefined;
  const others = [...keys].filter((k) => !covered.has(k));
  const options = `unknown option${typed.length > 1 ? 's' : ''} ${typed.join(', ')}`;
  return others.length === 0 ? options : `${options}; unknown argument${others.length > 1 ? 's' : ''}: ${others.join(', ')}`;
}
