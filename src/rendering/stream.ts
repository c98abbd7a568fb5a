/**
 * Streaming renderers: for each output format a `{ head, paragraph, tail }` writer whose pieces,
 * concatenated, are exactly what the whole-document renderer returns (the whole-document
 * renderers are built from these same writers; see writer.ts).
 *
 * Where things go, per format:
 *  - html: head = page head and the metadata list (Date, Source, Detected
 *    language, Model, Precision, Time), the column heads; paragraph = one `<section>` row;
 *    tail = `</main>` and the footer.
 *  - md: head = metadata line, table header; paragraph = one row; tail = ''.
 *  - txt: head = the header block; paragraph = one Danish/English block; tail = final newline.
 *  - json: head = the object up to `"paragraphs": [` (format, version, title, metadata, model,
 *    timings); paragraph = one array element; tail = `]`, the QA summary (`qa`), `}`.
 *  - en: head and tail empty; paragraph = one English paragraph.
 * Every head but `en`'s shows the time taken (or, in JSON, the timings), so for those formats
 * `headNeedsFinal` is true and a streamed file gets its head written last, in front of the
 * paragraphs (src/io/stream-output.ts spools the paragraphs to disk meanwhile).
 */
import { englishWriter } from './english.js';
import { checkOutputFormat, type OutputFormat } from './formats.js';
import { htmlWriter } from './html.js';
import { jsonWriter } from './json.js';
import { markdownWriter } from './markdown.js';
import { textWriter } from './text.js';
import type { StreamRenderer } from './writer.js';

export { frameOf, renderWhole, type DocumentFrame, type StreamRenderer } from './writer.js';
export { englishWriter, htmlWriter, jsonWriter, markdownWriter, textWriter };

const WRITERS: Readonly<Record<OutputFormat, () => StreamRenderer>> = {
  html: htmlWriter,
  md: markdownWriter,
  txt: textWriter,
  json: jsonWriter,
  en: englishWriter,
};

/** A fresh streaming writer for `format` (one per output file). */
export function createStreamRenderer(format: OutputFormat): StreamRenderer {
  return WRITERS[checkOutputFormat(format)]();
}
