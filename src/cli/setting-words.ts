/**
 * The library's errors in the command line's words: a message names settings the library's way
 * ("offline mode forbids downloading", SETTING_WORDS in src/errors.ts), and the CLI names them by its
 * options ("--offline forbids downloading"). Every line the CLI prints from a library error goes
 * through `cliMessage`.
 */
import { SETTING_WORDS, type Da2enError, type SettingName } from '../errors.js';

const OPTION_WORDS: Record<SettingName, string> = {
  offline: '--offline',
  model: '--model',
  localModel: 'a local --model DIR',
  modelsDir: '--models-dir',
  sameModel: 'the same --model, --dtype and --models-dir',
  noCache: 'with --no-cache',
};

/** The error's message with each setting it names said as the CLI's option. */
export function cliMessage(error: Pick<Da2enError, 'message' | 'settings'>): string {
  return error.settings.reduce((message, setting) => message.split(SETTING_WORDS[setting]).join(OPTION_WORDS[setting]), error.message);
}
