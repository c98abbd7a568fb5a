/**
 * The library's errors and notices in the API's words: a message names settings the library's way
 * ("to translate all of its text, use the text input format", SETTING_WORDS in src/setting-words.ts),
 * and an HTTP client has request fields instead ("set \"input_format\": \"text\""), as the CLI has its
 * options (src/cli/setting-words.ts). Every error message and notice the server sends from the
 * library goes through `apiMessage` or `apiNotice`.
 */
import { ALL_SETTINGS, inWords, SETTING_WORDS, type SettingName } from '../setting-words.js';

/**
 * The settings a client can change are said as the request fields of /v1/articles. The others are
 * the operator's (how the server was started: its model, its memory): their library words name
 * them plainly, and a client can do nothing about them but tell the operator.
 */
const API_WORDS: Record<SettingName, string> = {
  offline: SETTING_WORDS.offline,
  model: SETTING_WORDS.model,
  localModel: SETTING_WORDS.localModel,
  modelsDir: SETTING_WORDS.modelsDir,
  sameModel: SETTING_WORDS.sameModel,
  noCache: SETTING_WORDS.noCache,
  outputFolder: SETTING_WORDS.outputFolder,
  redisUrl: SETTING_WORDS.redisUrl,
  textInput: 'set "input_format": "text"',
  markdownInput: 'leave out "input_format": "md"',
  // The value follows ("set the encoding option to" cp1252).
  encoding: 'set the "encoding" field to',
  otherEncoding: 'choose another with the "encoding" field',
};

/** The message with each setting it names said in the API's words. */
export function apiMessage(error: { message: string; settings?: readonly SettingName[] }): string {
  return inWords(error.message, error.settings ?? [], API_WORDS);
}

/** A library notice (a line, with no list of settings) with any setting it names in the API's words. */
export function apiNotice(notice: string): string {
  return inWords(notice, ALL_SETTINGS, API_WORDS);
}
