/** One article job's work: read its bytes as the translate command reads a file, translate, render, deliver. */
import { hostname } from 'node:os';
import path from 'node:path';
import type { BilingualParagraph } from '../document/types.js';
import type { Translator } from '../engine/translator.js';
import { inputUserError } from '../errors.js';
import { ParseThread } from '../io/parse-thread.js';
import { articleFromBytes } from '../io/read-article.js';
import { openParagraphStream } from '../io/paragraph-stream.js';
import { writeFileAtomically } from '../io/sinks.js';
import type { TranslationMemory } from '../pipeline/memory.js';
import { translateArticleStream, translateParagraphStream, type StreamTranslateOptions, type StreamedTranslation } from '../pipeline/translate-stream.js';
import { render } from '../rendering/index.js';
import type { ArticleJobData, ArticleJobResult } from './job.js';

export interface ProcessArticleOptions {
  translator: Translator;
  memory?: TranslationMemory;
  signal?: AbortSignal;
  /**
   * Where Markdown and pages are parsed: a worker keeps one for its lifetime (a thread costs ~0.1 s
   * to start); without, the job starts its own and ends it. An aborted job's parse still ends.
   */
  parser?: ParseThread;
  /**
   * Asked just before each `--out-dir` file is written: false when a later add of the same article
   * writes it (that job's text, not this older one's, belongs there). Without, every file is written.
   */
  mayWrite?: (file: string) => Promise<boolean>;
  /** Given each file mayWrite held back, with its content: the add may become the latest again before the job is completed (see worker.ts). */
  onHeldBack?: (held: HeldBackFile) => void;
}

/** An `--out-dir` file that mayWrite held back. */
export interface HeldBackFile {
  /** As in the job's outputs (what mayWrite was asked about). */
  file: string;
  /** Where it would have been written. */
  target: string;
  content: string;
}

export const WORKER_ID = `${hostname()}:${process.pid}`;

export async function processArticle(data: ArticleJobData, options: ProcessArticleOptions): Promise<ArticleJobResult> {
  const started = performance.now();
  const bytes = Buffer.from(data.bytes, 'base64');
  const settings: StreamTranslateOptions = {
    source: data.name,
    maxChunkTokens: data.pipeline.maxChunkTokens,
    packSentences: data.pipeline.packSentences,
    batchTokens: data.pipeline.batchTokens,
    maxBatchSize: data.pipeline.maxBatchSize,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.memory ? { memory: options.memory } : {}),
  };
  const inputFormat = data.inputFormat ?? 'text';
  let translation: StreamedTranslation;
  if (inputFormat === 'text') {
    const source = await openParagraphStream(data.name, { encoding: data.pipeline.encoding, contents: [bytes] });
    translation = translateParagraphStream(source, options.translator, { ...settings, input: source });
  } else {
    // The translate command's reader, given the job's bytes and the article's name for its messages.
    // Parsed in a worker thread, as the command parses: a hostile article would otherwise hold this
    // thread (BullMQ's lock renewals, a stop) for as long as the parsers take; the job's end ends it.
    const parser = options.parser ?? new ParseThread();
    const article = await articleFromBytes(bytes, data.name, inputFormat, { encoding: data.pipeline.encoding, parser, ...(options.signal ? { signal: options.signal } : {}) })
      .catch((err: unknown) => {
        throw inputUserError(err);
      })
      .finally(() => (options.parser ? undefined : parser.close()));
    translation = translateArticleStream({ ...article, inputFormat }, options.translator, settings);
  }
  const paragraphs: BilingualParagraph[] = [];
  for await (const p of translation) paragraphs.push(p);
  const { frame, stats } = translation.result();
  const document = { ...frame, paragraphs };
  const files = data.outputs.map((o) => ({ file: o.file, content: render(o.format, document) }));
  const result: ArticleJobResult = { stats, paragraphs: paragraphs.length, worker: WORKER_ID, ms: 0 };
  if (data.outDir === null) {
    result.files = files;
  } else {
    result.written = [];
    for (const f of files) {
      const target = safeJoin(data.outDir, f.file);
      if (options.mayWrite && !(await options.mayWrite(f.file))) {
        (result.superseded ??= []).push(target);
        options.onHeldBack?.({ file: f.file, target, content: f.content });
        continue;
      }
      await writeFileAtomically(target, f.content, options.signal ? { signal: options.signal } : {});
      result.written.push(target);
    }
  }
  result.ms = Math.round(performance.now() - started);
  return result;
}

/** `dir/file`, refusing a name that would leave `dir` (job data comes from whoever can reach Redis). */
export function safeJoin(dir: string, file: string): string {
  const target = path.resolve(dir, file);
  const root = path.resolve(dir);
  if (path.isAbsolute(file) || !target.startsWith(root + path.sep)) throw new Error(`output name "${file}" leaves the output folder; refusing to write it`);
  return target;
}
