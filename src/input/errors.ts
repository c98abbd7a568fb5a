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
