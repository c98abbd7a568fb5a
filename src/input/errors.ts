/**
 * Domain errors of the input readers. The CLI turns each kind into its own exit code. Each lists
 * the settings its message names (`settings`, as Da2enError does), in the library's words.
 */
import { SETTING_WORDS, type SettingName } from '../setting-words.js';

/** A page that holds no article text Readability can find (a front page, a login wall, an app shell). */
export class NoArticleError extends Error {
  override readonly name = 'NoArticleError';
  readonly settings: readonly SettingName[] = ['textInput'];
  constructor(
    readonly input: string,
    options?: { cause?: unknown },
  ) {
    super(`${input}: no article text found in the page; to translate all of its text, ${SETTING_WORDS.textInput}`, options);
  }
}

/** A saved page or Markdown file that cannot be read (missing, a directory, too large, empty) or holds nothing to translate. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  readonly settings: readonly SettingName[];
  constructor(
    readonly input: string,
    reason: string,
    options?: { cause?: unknown; settings?: readonly SettingName[] },
  ) {
    super(`${input === '-' ? 'standard input' : input}: ${reason}`, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.settings = options?.settings ?? [];
  }
}

/**
 * A page with no charset declared whose bytes are not UTF-8 (offset: its first bad byte). Its
 * message suggests the encoding option (the CLI's `--encoding cp1252`); the server, whose clients
 * have no such option, words its own.
 */
export class UndecodablePageError extends InputFileError {
  constructor(
    input: string,
    readonly offset: number,
  ) {
    super(input, `not valid UTF-8 and no charset declared (first bad byte at offset ${offset}); if it is Windows-1252 (or Latin-1), ${SETTING_WORDS.encoding} cp1252`, { settings: ['encoding'] });
  }
}

/**
 * A page or Markdown file nested deeper than da2en reads. The parsers and Readability recurse and
 * slow down with nesting depth (a hostile 60 KB page took minutes, or overflowed the stack), and
 * real articles nest a few levels, so such an input is refused before it is parsed.
 */
export class NestingTooDeepError extends Error {
  override readonly name = 'NestingTooDeepError';
  readonly settings: readonly SettingName[] = ['textInput'];
  constructor(
    readonly input: string,
    what: string,
    readonly limit: number,
    options?: { cause?: unknown },
  ) {
    super(`${input}: ${what} nested more than ${limit} levels deep, which da2en does not read; to translate all of its text, ${SETTING_WORDS.textInput}`, options);
  }
}
