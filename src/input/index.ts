/** Input readers: web pages (fetched or saved) and Markdown → an Article of typed blocks. */
export type { Article, ArticleBlock, ArticleProvenance, BlockLink, BlockType } from './article.js';
export { InputFileError, NoArticleError } from './errors.js';
export { FetchError, type FetchFailure } from './fetch/fetch-error.js';
export { fetchPage, USER_AGENT, DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_REDIRECTS, type FetchPageOptions, type FetchedPage } from './fetch/fetch-page.js';
export { fetchArticle, isHtmlResponse } from './fetch/fetch-article.js';
export { looksLikeHtml } from './html/looks-like-html.js';
export { decodeHtml, charsetOf, type DecodedPage } from './html/decode-html.js';
export { extractArticle, type ExtractOptions } from './html/extract-article.js';
export { parseMarkdown } from './markdown/parse-markdown.js';
export { detectInputFormat, isUrl, INPUT_FORMATS, type InputFormat } from './input-format.js';
