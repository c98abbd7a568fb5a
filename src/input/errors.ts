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
