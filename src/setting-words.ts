/**
 * Settings a library message names, in the library's own words (a library caller passes
 * `{ offline: true }`, not `--offline`). A front end with its own names for them puts those in their
 * place: the CLI its options (src/cli/setting-words.ts), so one failure reads right both ways.
 * Some words carry their verb ("set the encoding option to" cp1252), where the CLI's say it
 * differently ("pass --encoding" cp1252). Notices name them too (CP1252_NOTICE); the CLI's
 * `cliNotice` swaps any it finds, a notice being a plain line.
 */
export const SETTING_WORDS = {
  offline: 'offline mode',
  model: 'the model option',
  localModel: 'a local model folder',
  modelsDir: 'the modelsDir option',
  sameModel: 'the same model, dtype and models folder',
  noCache: 'without the translation memory',
  outputFolder: 'write it into another folder',
  textInput: 'use the text input format',
  markdownInput: 'leave out the Markdown input format',
  encoding: 'set the encoding option to',
  otherEncoding: 'choose another with the encoding option',
  redisUrl: 'the redisUrl option',
} as const;

export type SettingName = keyof typeof SETTING_WORDS;

/** Every setting, for a notice: a plain line that may name any of them. */
export const ALL_SETTINGS = Object.keys(SETTING_WORDS) as SettingName[];

/** `message` with each of `settings` said in a front end's `words` instead of the library's. */
export function inWords(message: string, settings: readonly SettingName[], words: Record<SettingName, string>): string {
  return settings.reduce((said, setting) => said.split(SETTING_WORDS[setting]).join(words[setting]), message);
}
