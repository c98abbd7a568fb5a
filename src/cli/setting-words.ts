/**
 * The library's errors in the command line's words: a message names settings the library's way
 * ("offline mode forbids downloading", SETTING_WORDS in src/errors.ts), and the CLI names them by its
 * options ("--offline forbids downloading"). Every line the CLI prints from a library error goes
 * through `cliMessage`, and every notice of the input readers (Windows-1252 detected) through `cliNotice`.
 */
import { Da2enError, type SettingName } from '../errors.js';
import { ALL_SETTINGS, inWords } from '../setting-words.js';

const OPTION_WORDS: Record<SettingName, string> = {
  offline: '--offline',
  model: '--model',
  localModel: 'a local --model DIR',
  modelsDir: '--models-dir',
  sameModel: 'the same --model, --dtype and --models-dir',
  noCache: 'with --no-cache',
  // translate's outputs; `model convert` says --out (cliMessage's `words`).
  outputFolder: 'choose another --out-dir or -o',
  textInput: 'pass --input-format text',
  markdownInput: 'leave out --input-format md',
  encoding: 'pass --encoding',
  otherEncoding: 'pass --encoding to choose another',
  redisUrl: '--redis',
};

/**
 * The error's message with each setting it names said as the CLI's option. `words`: a command's own
 * options for some settings, where they are not the usual ones (`model convert` writes to --out).
 */
export function cliMessage(error: Pick<Da2enError, 'message' | 'settings'>, words: Partial<Record<SettingName, string>> = {}): string {
  return inWords(error.message, error.settings, { ...OPTION_WORDS, ...words });
}

/**
 * A library notice (a line, with no list of settings: "read as Windows-1252 (choose another with the
 * encoding option)") with any setting it names said as the CLI's option.
 */
export function cliNotice(notice: string): string {
  return inWords(notice, ALL_SETTINGS, OPTION_WORDS);
}

/** The error, its message already in the CLI's words with a command's own `words` (cliMessage does nothing more to it). */
export function inCommandWords(error: Da2enError, words: Partial<Record<SettingName, string>>): Da2enError {
  if (error.settings.length === 0) return error;
  return new Da2enError(error.kind, cliMessage(error, words), { cause: error.cause });
}
