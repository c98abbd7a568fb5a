/** Domain errors of the input readers. The CLI turns each kind into its own exit code. */

/** A page that holds no article text Readability can find (a front page, a login wall, an app shell). */
export class NoArticleError extends Error {
  override readonly name = 'NoArticleError';
  constructor(
    readonly input: string,
    options?: { cause?: unknown },
  ) {
    super(`${input}: no article text found in the page; to translate all of its text, pass --input-format text`, options);
  }
}

/** A saved page or Markdown file that cannot be read (missing, a directory, too large, empty) or holds nothing to translate. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly input: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${input === '-' ? 'standard input' : input}: ${reason}`, options);
  }
}

/**
 * A page with no charset declared whose bytes are not UTF-8 (offset: its first bad byte). Its
 * message suggests `--encoding cp1252`; the server, whose clients have no such option, words its own.
 */
export class UndecodablePageError extends InputFileError {
  constructor(
    input: string,
    readonly offset: number,
  ) {
    super(input, `not valid UTF-8 and no charset declared (first bad byte at offset ${offset}); if it is Windows-1252 (or Latin-1), pass --encoding cp1252`);
  }
}

/**
 * A page or Markdown file nested deeper than da2en reads. The parsers and Readability recurse and
 * slow down with nesting depth (a hostile 60 KB page took minutes, or overflowed the stack), and
 * real articles nest a few levels, so such an input is refused before it is parsed.
 */
export class NestingTooDeepError extends Error {
  override readonly name = 'NestingTooDeepError';
  constructor(
    readonly input: string,
    what: string,
    readonly limit: number,
    options?: { cause?: unknown },
  ) {
    super(`${input}: ${what} nested more than ${limit} levels deep, which da2en does not read; to translate all of its text, pass --input-format text`, options);
  }
}
