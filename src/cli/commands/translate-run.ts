/**
 * The translate command's work (loaded only when the command runs: it pulls in the engine).
 *
 * Statically imported here is only what runs before the model process is started: the model loads
 * there for about a second, so the pipeline, rendering, language detection and the translation
 * memory's database (~0.2 s to import together) are imported after it has been asked to start, while
 * it loads (`afterModelStart`).
 */
import { existsSync, statSync } from 'node:fs';
import type { Translator } from '../../engine/translator.js';
import { processesForWork, type ThreadPlan } from '../../engine/generation/thread-plan.js';
import { openParagraphStream } from '../../io/paragraph-stream.js';
import { scanInput, type InputScan } from '../../io/scan-input.js';
import { checkWritable } from '../../io/sinks.js';
import type { StructuredArticle } from '../../pipeline/translate-stream.js';
import { detectInputFormat, isUrl, shownInput, type InputFormat } from '../../input/input-format.js';
import { readArticle, readHead, readUrl } from '../../io/read-article.js';
import type { TextAnswer } from '../../io/fetched-text.js';
import { Da2enError, inputUserError } from '../../errors.js';
import { FetchError } from '../../input/fetch/fetch-error.js';
import { redactUrl } from '../../input/fetch/redact-url.js';
import { openMemoryOrSay } from '../open-memory.js';
import { cliMessage, cliNotice } from '../setting-words.js';
import { articleCountsLine } from './article-counts.js';
import { finishedInputKey } from '../../cache/finished-inputs.js';
import { withBestEffortWrites } from '../../cache/best-effort-writes.js';
import { DEFAULT_DTYPE } from '../../engine/defaults.js';
import { defaultModelsDir, locateModel } from '../../engine/model-store/locate.js';
import { modelMemoryId } from '../../engine/model-store/memory-id.js';
import { expectedGenerator, generationKeyPart } from '../../engine/generation/engine-in-memory-key.js';
import { DEFAULT_MODEL_ID } from '../../engine/model-store/model-files.js';
import { checkOutputsOnDisk, pipedOutputNote, planOutputs, withPhysicalPaths, type InputPlan } from '../output-plan.js';
import { createProgress } from '../progress.js';
import { writesToTerminal } from '../terminal-output.js';
import type { CliContext } from '../context.js';
import type { EngineOptions } from '../../engine/load-translator.js';
import type { InputEncoding } from '../../io/decode-text.js';
import type { ParseThread } from '../../io/parse-thread.js';
import type { StreamTranslateOptions } from '../../pipeline/translate-stream.js';
import type { OutputFormat } from '../../rendering/formats.js';

/** One run of the translate command, independent of how its options were given. */
export interface TranslateRunOptions {
  /** Paths, or "-" for standard input. */
  inputs: string[];
  /** Output formats (default: from `output`, text to a pipe, html next to the input). */
  formats?: OutputFormat[];
  output?: string;
  outDir?: string;
  encoding: InputEncoding;
  /** How to read the inputs (auto: URL, extension, or <!doctype html>/<html> sniffing). */
  inputFormat: InputFormat | 'auto';
  /** Seconds a URL may take to fetch, redirects and body included. */
  fetchTimeout: number;
  engine: EngineOptions;
  translation: Pick<StreamTranslateOptions, 'maxChunkTokens' | 'packSentences' | 'batchTokens' | 'maxBatchSize' | 'concurrency'>;
  /** The translation memory (`dir` undefined: the default folder), or false for none. */
  cache: { dir: string | undefined } | false;
  /** Progress on stderr (default: when stderr is a terminal and not quiet). */
  progress?: boolean;
  quiet: boolean;
}

/**
 * Each input's key in the memory's list of inputs translated to the end (finished-inputs.ts): its
 * content and the settings that shape its translation, the engine among them where the memory's keys
 * name it (`generation`: the translator's `decoding.generation`; undefined keeps the keys of before).
 * Standard input has none (it is never known).
 */
function finishedInputKeys(plans: InputPlan[], articles: Map<string, StructuredArticle>, scans: Map<string, InputScan>, args: TranslateRunOptions, generation: unknown): Map<string, string> {
  const { model, modelsDir, dtype = DEFAULT_DTYPE, beams, lengthPolicy, repetitionGuard } = args.engine;
  const { maxChunkTokens, packSentences } = args.translation;
  // The model as the memory's segment keys know it: a directory by where it is and what it holds.
  const memoryId = modelMemoryId(locateModel(model ?? DEFAULT_MODEL_ID, modelsDir ?? defaultModelsDir()), dtype);
  const settings = { model: { memoryId, dtype, beams, lengthPolicy, repetitionGuard, generation }, inputFormat: args.inputFormat, segmentation: { maxChunkTokens, packSentences } };
  const keys = new Map<string, string>();
  for (const plan of plans) {
    const content = articles.has(plan.input) ? JSON.stringify(articles.get(plan.input)!.blocks) : scans.get(plan.input)?.digest;
    if (content !== undefined) keys.set(plan.input, finishedInputKey(content, settings));
  }
  return keys;
}

/** What the run needs only once the model is starting (see the top of this file). */
async function afterModelStart() {
  const [{ translateArticleStream, translateParagraphStream }, { writeBilingualStream }] = await Promise.all([import('../../pipeline/translate-stream.js'), import('../../io/bilingual-writer.js')]);
  return { translateArticleStream, translateParagraphStream, writeBilingualStream };
}

/** A parse thread, importing the parser an input of this format needs. */
async function startParseThread(format: Exclude<InputFormat, 'text'>): Promise<ParseThread> {
  const { ParseThread } = await import('../../io/parse-thread.js');
  return new ParseThread(format === 'md' ? 'markdown' : 'html');
}

/** "2 model processes of 1 thread", "1 thread, not spinning (other processes were using 0.7 cores)". */
function describeThreads({ replicas, threads, spinning, busyCores }: ThreadPlan): string {
  const each = `${threads} thread${threads > 1 ? 's' : ''}`;
  const count = `${replicas > 1 ? `${replicas} model processes of ${each} each` : each}${spinning || threads === 1 ? '' : ', not spinning'}`;
  return busyCores === null ? count : `${count} (other processes were using ${busyCores.toFixed(1)} cores)`;
}

/**
 * What a stop leaves behind (main.ts says it): the inputs written whole, and with the memory every
 * finished segment. A stop that came once the last input's outputs were being renamed into place
 * (writeBilingualStream lets those finish) or later, before the command finished, leaves everything
 * written.
 */
export function stopNote(cache: 'stored' | 'full' | 'unusable' | null, inputsWritten: number, inputs: number): string {
  if (inputsWritten === inputs) return 'the stop came as the run was finishing: all of its outputs were written';
  const written = `the outputs of the first ${inputsWritten === 1 ? 'input were' : `${inputsWritten} inputs were`} written`;
  if (cache === 'unusable') return inputsWritten === 0 ? 'nothing was kept (no translation memory): a new run starts over' : `${written}; nothing of the rest was kept (no translation memory)`;
  if (cache === 'full') return `${inputsWritten > 0 ? `${written}; ` : ''}only translations finished before the translation memory failed are kept in it, run again to continue`;
  if (cache) return `${inputsWritten > 0 ? `${written}; ` : ''}translations finished so far are kept in the cache, run again to continue`;
  if (inputsWritten === 0) return 'nothing was kept (--no-cache): a new run starts over';
  return `${written}; nothing of the rest was kept (--no-cache)`;
}

/** Whether an output goes to the terminal standard error is on (see showProgress). */
async function outputOnTerminal(plans: readonly InputPlan[], ctx: CliContext): Promise<boolean> {
  const targets = plans.flatMap((plan) => plan.targets);
  if (ctx.stdout.isTTY && targets.some((target) => target.path === null)) return true;
  const stderrFd: unknown = (ctx.stderr as { fd?: unknown }).fd;
  if (typeof stderrFd !== 'number') return false;
  for (const target of targets) if (target.path !== null && (await writesToTerminal(target.path, stderrFd))) return true;
  return false;
}

/** Whether `file` is there but not a regular file or a folder: a pipe or a device, read once. */
function readableOnce(file: string): boolean {
  try {
    const stat = statSync(file);
    return !stat.isFile() && !stat.isDirectory();
  } catch {
    return false; // the reader proper reports what is wrong with it
  }
}

/** An input as a notice on stderr names it: standard input as such (its errors say so too), not "-". */
function noticeName(input: string): string {
  return input === '-' ? 'standard input' : shownInput(input);
}

export async function runTranslate(args: TranslateRunOptions, ctx: CliContext): Promise<number> {
  // The engine's entry point, which ctx.loadTranslator imports (main.ts): read while the inputs are,
  // and in place before the model is asked to start, so that the start waits for no file.
  const engineEntry = import('../../engine/load-translator.js');
  engineEntry.catch(() => undefined); // awaited below, unless an input fails first
  // Standard input holds text, not an address: "-: not a valid URL" (exit 24) blamed the network.
  if (args.inputFormat === 'url' && args.inputs.includes('-')) throw new Da2enError('usage', '--input-format url fetches the URL given as the input, and standard input (-) is no URL; give the address itself, or pipe the page with --input-format html');
  const plans: InputPlan[] = planOutputs(
    await withPhysicalPaths({
      inputs: args.inputs,
      ...(args.formats !== undefined ? { formats: args.formats } : {}),
      ...(args.output !== undefined ? { output: args.output } : {}),
      ...(args.outDir !== undefined ? { outDir: args.outDir } : {}),
      stdoutIsTTY: Boolean(ctx.stdout.isTTY),
    }),
  );
  // Markdown and pages are parsed in a worker thread that a stop ends: a hostile input can keep the
  // parsers busy for minutes, and on this thread it would hold Ctrl-C until they were done. Where the
  // inputs' names say so, it starts now, while the engine is imported (a thread costs ~0.1 s to start).
  const firstKind = plans.map((p) => detectInputFormat(p.input, { format: args.inputFormat })).find((f) => f !== 'text');
  let parser: Promise<ParseThread> | null = firstKind ? startParseThread(firstKind) : null;
  const scans = new Map<string, InputScan>();
  const articles = new Map<string, StructuredArticle>();
  /** URLs that answered with plain text: their bytes, read as a text file is. */
  const texts = new Map<string, TextAnswer>();
  try {
    await checkOutputsOnDisk(plans);
    // Every file is read through once before the model loads: a bad third file (or a bad byte deep
    // in a large one) fails before minutes of translating the first two. Standard input cannot be
    // read twice; its problems surface while it streams, and no output is left behind then either.
    // Web pages and Markdown are read (URLs fetched, articles extracted) before the model loads too.
    for (const plan of plans) {
      if (scans.has(plan.input) || articles.has(plan.input)) continue;
      // `ftp://…`, `file:///…`: a URL da2en does not fetch is said to be one (exit 24, as with
      // --input-format url), not "no such file" (exit 3), unless a file by that name is there.
      if (!isUrl(plan.input) && /^[a-z][a-z\d+.-]*:\/\//i.test(plan.input) && !existsSync(plan.input)) {
        const shown = redactUrl(plan.input);
        throw inputUserError(new FetchError('http-status', shown, `${shown}: only http and https URLs can be fetched; give a file by its path`));
      }
      // A FIFO or a device (`da2en <(iconv …)`, /dev/stdin) can be read only once, as standard input:
      // reading ahead took its first KiB, and the translation then waited for ever on a drained pipe.
      const once = plan.input !== '-' && readableOnce(plan.input);
      const format = detectInputFormat(plan.input, { format: args.inputFormat, ...(once ? {} : { head: await readHead(plan.input) }) });
      if (format !== 'text') {
        ctx.verbose(`${noticeName(plan.input)}: read as ${format}`);
        try {
          parser ??= startParseThread(format);
          const reading = {
            stdin: ctx.stdin,
            encoding: args.encoding,
            onNote: (note: string) => ctx.log(`${noticeName(plan.input)}: ${cliNotice(note)}`),
            fetch: { signal: ctx.signal, timeoutMs: args.fetchTimeout * 1000 },
            parser: await parser,
            signal: ctx.signal,
          };
          if (format !== 'url') {
            articles.set(plan.input, { ...(await readArticle(plan.input, format, reading)), inputFormat: format });
            continue;
          }
          // A URL is always fetched: a web page (asked for as text, all of its text: the way out of
          // "no article"), Markdown, or plain text, which is read from here on as a text file is.
          const read = await readUrl(plan.input, args.inputFormat, reading);
          if ('article' in read) {
            articles.set(plan.input, { ...read.article, inputFormat: read.inputFormat });
            continue;
          }
          texts.set(plan.input, read.text);
          const scan = await scanInput(shownInput(plan.input), { encoding: read.text.encoding, contents: [read.text.bytes] });
          scans.set(plan.input, scan);
          scan.notes.forEach((n) => ctx.log(`${noticeName(plan.input)}: ${cliNotice(n)}`));
        } catch (err) {
          throw inputUserError(err);
        }
        continue;
      }
      if (plan.input === '-' || once) continue;
      const scan = await scanInput(plan.input, { encoding: args.encoding });
      scans.set(plan.input, scan);
      scan.notes.forEach((n) => ctx.log(`${plan.input}: ${cliNotice(n)}`));
    }
  } finally {
    await (await parser)?.close();
  }

  // An output that cannot be written (a read-only folder) is found before the model loads, too.
  for (const plan of plans) for (const target of plan.targets) if (target.path !== null) await checkWritable(target.path);
  // Once the inputs and outputs are known good (a bad input is still its one line), before the model loads.
  const piped = pipedOutputNote({ ...args, stdoutIsTTY: Boolean(ctx.stdout.isTTY) }, plans);
  if (piped !== undefined) ctx.log(piped);

  // By default, no bar when an output goes to the terminal (standard output there, or a file that is
  // that terminal: `-o /dev/stdout`, `-o /dev/tty`): the bar and the text would share the screen's
  // lines (the text glued to the bar, a stale bar after it), and there the text appearing is the
  // progress. --progress still asks for it.
  const showProgress = args.progress ?? (!args.quiet && Boolean(ctx.stderr.isTTY) && !(await outputOnTerminal(plans, ctx)));
  const progress = createProgress(showProgress, ctx.stderr);
  const download = progress.download();
  let translator: Translator | null = null;
  // Opened before the model. One that cannot be opened (a read-only folder, a file in the folder's
  // place, a damaged data file) costs the run its caching, not its outputs, as a full disk does.
  const opened = args.cache ? await openMemoryOrSay(args.cache.dir, ctx) : null;
  // A memory that cannot be written (a full disk) costs the rest of the run its caching, not its outputs.
  let memoryState: 'stored' | 'full' | 'unusable' | null = opened ? 'stored' : args.cache ? 'unusable' : null;
  let inputsWritten = 0;
  const memory =
    opened &&
    withBestEffortWrites(opened, (error) => {
      memoryState = 'full';
      ctx.stopNote = stopNote(memoryState, inputsWritten, plans.length);
      ctx.log(`${cliMessage(error)}; going on without storing translations in it`);
      if (error.cause instanceof Error) ctx.verbose(`the translation memory's error: ${error.cause.message}`);
    });
  ctx.stopNote = stopNote(memoryState, 0, plans.length);
  // Without a memory there is nothing to look up or record.
  // The engine as the memory's keys will name it before the model starts (engine-in-memory-key.ts). A
  // model that falls back to the loop marks its inputs under the loop's key, so that a re-run of them
  // starts it up front and looks its segments up under that engine.
  const { dtype = DEFAULT_DTYPE, beams = 1, repetitionGuard = true, engine = 'auto' } = args.engine;
  const expectedGeneration = generationKeyPart(expectedGenerator(engine), { dtype, beams, repetitionGuard }).generation;
  const finishedKeys = memory ? finishedInputKeys(plans, articles, scans, args, expectedGeneration) : new Map<string, string>();
  // If every input was translated to the end before, the model starts only should a segment be missing
  // from the memory; otherwise now, loading while the tokenizer does.
  const translatedBefore = memory !== null && plans.every((p) => finishedKeys.has(p.input) && memory.hasFinished(finishedKeys.get(p.input)!));
  // A short job (an article or two) runs fastest on one model process with every core (thread-plan.ts).
  // Text piped in cannot be measured before it is read: taken as what it usually is, one article.
  const characters = [...scans.values()].reduce((n, scan) => n + scan.bytes, 0) + [...articles.values()].reduce((n, a) => n + a.blocks.reduce((m, b) => m + b.text.length, 0), 0);
  const modelProcesses = args.engine.modelProcesses ?? processesForWork(characters);
  try {
    await engineEntry;
    const loadStart = performance.now();
    const loading = ctx.loadTranslator({
      ...args.engine,
      ...(modelProcesses !== undefined ? { modelProcesses } : {}),
      // A re-run of inputs translated before may need no model at all: it starts when a segment needs it.
      startModel: translatedBefore ? 'on-first-use' : 'eager',
      onModelStart: (started) => {
        if (started.notice && !args.quiet) {
          progress.stop();
          ctx.log(started.notice);
        }
        const threads = started.threads ? `, ${describeThreads(started.threads)}` : '';
        // "opened ahead": the model process bin.ts gave this very work from the command line's words (work-ahead.ts).
        const ahead = started.openedAhead ? ', opened ahead' : '';
        ctx.verbose(`model started in ${(started.ms / 1000).toFixed(2)} s (${started.engine === 'ort' ? 'generation inside ONNX Runtime' : 'the step-by-step loop'}${threads}${ahead})`);
      },
      onDownloadStart: download.start,
      onDownloadProgress: download.progress,
      onNotice: ctx.log,
      signal: ctx.signal,
    });
    // Started only now: the model process has been asked to start (a model found on disk is started
    // without waiting for any file, so before these imports can take the thread) and loads meanwhile.
    const rest = afterModelStart();
    rest.catch(() => undefined); // awaited below, unless the model fails first
    translator = await loading;
    const { translateArticleStream, translateParagraphStream, writeBilingualStream } = await rest;
    progress.stop();
    // The model is loaded once for every input: the first one's timings carry the load (and the
    // input during which a model started on first use came up carries that start).
    let loadMs = performance.now() - loadStart;
    const loaded = `model ${translator.modelId} (${translator.dtype})`;
    const seconds = (loadMs / 1000).toFixed(2);
    ctx.verbose(translator.modelStarted === false ? `${loaded}: tokenizer loaded in ${seconds} s; the model starts when a segment needs it` : `${loaded} loaded in ${seconds} s`);
    for (const plan of plans) {
      // Read, translated and written a window of paragraphs at a time: memory stays bounded
      // whatever the size of the input, and every output is byte for byte the whole-document render.
      const article = articles.get(plan.input);
      const text = texts.get(plan.input);
      const source = article
        ? null
        : text
          ? await openParagraphStream(shownInput(plan.input), { encoding: text.encoding, contents: [text.bytes] })
          : await openParagraphStream(plan.input, { encoding: args.encoding, stdin: ctx.stdin });
      // Named in messages and kept in the outputs' metadata: a URL's credentials are not.
      const name = shownInput(plan.input);
      const options = {
        source: name,
        ...args.translation,
        loadMs,
        signal: ctx.signal,
        ...(memory ? { memory } : {}),
        onProgress: progress.translation(plans.length > 1 ? name : 'translating', article ? article.blocks.length : scans.get(plan.input)?.paragraphs),
      };
      const translation = article ? translateArticleStream(article, translator, options) : translateParagraphStream(source!, translator, { ...options, input: source! });
      loadMs = 0;
      await writeBilingualStream(translation, plan.targets, { stdout: ctx.stdout, signal: ctx.signal });
      progress.stop();
      const { frame, stats, paragraphs } = translation.result();
      // Said once read: standard input, a FIFO (an input read ahead said them then).
      if (!scans.has(plan.input) && source) source.notes.forEach((n) => ctx.log(`${noticeName(plan.input)}: ${cliNotice(n)}`));
      // Loaded by the translation's end (translate-stream.ts), so this import costs nothing.
      const { looksDanish } = await import('../../segmentation/language.js');
      if (!looksDanish(frame.metadata.detectedLanguage)) {
        ctx.log(`${noticeName(plan.input)}: the text looks like ${frame.metadata.detectedLanguage}, not Danish; translated anyway (see detectedLanguage in the JSON output)`);
      }
      ctx.verbose(`${noticeName(plan.input)}: ${articleCountsLine(paragraphs, stats, frame.timings.translateMs)}`);
      if (!args.quiet) for (const target of plan.targets) if (target.path !== null) ctx.log(`wrote ${target.path}`);
      const ranAs = translator.decoding['generation'];
      const finishedKey = !memory || ranAs === expectedGeneration ? finishedKeys.get(plan.input) : finishedInputKeys([plan], articles, scans, args, ranAs).get(plan.input);
      if (memory && finishedKey) memory.markFinished(finishedKey);
      inputsWritten = plans.indexOf(plan) + 1;
      ctx.stopNote = stopNote(memoryState, inputsWritten, plans.length);
      // A stop that came while these outputs were renamed into place: the run ends here, as stopped.
      ctx.signal.throwIfAborted();
    }
    if (translator.modelStarted === false) ctx.verbose('model not loaded: every chunk came from the translation memory or was kept as is');
  } finally {
    progress.stop();
    await translator?.dispose();
    await memory?.close();
  }
  // A stop until the very end is answered as a stop (exit 130/143), whatever was done meanwhile.
  ctx.signal.throwIfAborted();
  ctx.finished();
  return 0;
}
