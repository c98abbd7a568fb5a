import type { BilingualDocument } from '../document/types.js';
import { renderEnglish } from './english.js';
import { checkOutputFormat, type OutputFormat } from './formats.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export { renderHtml, CSP, ALIGN_SCRIPT_HASH } from './html.js';
export { ALIGN_SCRIPT, sentenceSpans } from './sentence-spans.js';
export { renderMarkdown, escapeMarkdownCell, escapeMarkdownInline } from './markdown.js';
export { renderText } from './text.js';
export { renderJson, toJsonObject, JSON_FORMAT, JSON_VERSION, type BilingualJson } from './json.js';
export { renderEnglish } from './english.js';
export { sourceText, targetText, headingLevel, metadataEntries } from './common.js';
export {
  createStreamRenderer,
  englishWriter,
  frameOf,
  htmlWriter,
  jsonWriter,
  markdownWriter,
  renderWhole,
  textWriter,
  type DocumentFrame,
  type StreamRenderer,
} from './stream.js';
export {
  OUTPUT_FORMATS,
  FORMAT_EXTENSION,
  EXTENSION_FORMAT,
  extensionFor,
  formatFromPath,
  isOutputFormat,
  checkOutputFormat,
  type OutputFormat,
} from './formats.js';

const RENDERERS: Readonly<Record<OutputFormat, (doc: BilingualDocument) => string>> = {
  html: renderHtml,
  md: renderMarkdown,
  txt: renderText,
  json: renderJson,
  en: renderEnglish,
};

/** Renders `doc` in `format`. Every output ends with a newline. */
export function render(format: OutputFormat, doc: BilingualDocument): string {
  return RENDERERS[checkOutputFormat(format)](doc);
}
