/**
 * The bilingual multi-file writer: translated paragraphs to any number of outputs (files or
 * standard output) with the streaming renderers. A format whose head shows what is known only at
 * the end (the timings) has its paragraphs spooled to a temporary file meanwhile; the head is then
 * written in front of them, so the output is byte-identical to the whole-document render of the
 * final document while memory stays bounded. Files are written atomically (sinks.ts; a FIFO or a
 * device directly), and the outputs of one call appear all together or not at all: each is
 * finished and synced first, and only then are they renamed into place, one after the other, each
 * keeping what it replaces until all stand; a rename that fails puts the earlier ones back.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BilingualParagraph, DocumentFrame } from '../document/types.js';
import { Da2enError, interruptedError } from '../errors.js';
import type { OutputFormat } from '../rendering/formats.js';
import { createStreamRenderer, type StreamRenderer } from '../rendering/stream.js';
import { findSameFile } from './same-file.js';
import { createAtomicFileSink, createStreamSink, outputError, tempName, TempFile, type Placement, type TextSink } from './sinks.js';
import { trackTemp } from './temp-registry.js';

/** One rendered output: a file, or standard output (`path` null). */
export interface StreamTarget {
  format: OutputFormat;
  path: string | null;
}

/** What writeBilingualStream needs from a translation stream (StreamedTranslation has it). */
export interface FramedParagraphs extends AsyncIterable<BilingualParagraph> {
  /** The frame known so far (title, metadata, model), or undefined before the first paragraph. */
  frame(): DocumentFrame | undefined;
  /** After the iteration: the final frame (with timings and QA). */
  result(): { frame: DocumentFrame };
}

export interface WriteStreamOptions {
  /** Where `path: null` targets go (default process.stdout). */
  stdout?: NodeJS.WritableStream;
  /** Folder for the spool of a standard-output, FIFO or device target (default os.tmpdir()). */
  tmpDir?: string;
  /**
   * A stop (Ctrl-C): once it is aborted, nothing more is put in place. Checked up to the renames
   * that make the outputs visible, which are then all done: a stop that comes during them leaves
   * every output written. It also ends a FIFO's wait for its reader, or for its reader to read on.
   */
  signal?: AbortSignal;
}

/** One target being written. */
interface OpenTarget {
  paragraph(p: BilingualParagraph, frame: () => DocumentFrame | undefined): Promise<void>;
  /** Writes the rest and makes it durable (TextSink.seal); nothing is visible yet. */
  finish(frame: DocumentFrame, count: number): Promise<void>;
  /** Makes it visible (the rename), what it replaced kept until the placement is kept or undone. */
  place(): Promise<Placement>;
  abort(): Promise<void>;
}

async function openTarget(target: StreamTarget, options: WriteStreamOptions): Promise<OpenTarget> {
  const renderer: StreamRenderer = createStreamRenderer(target.format);
  const file = target.path === null ? null : await createAtomicFileSink(target.path, options.signal ? { signal: options.signal } : {});
  const out: TextSink = file ?? createStreamSink(options.stdout ?? process.stdout);
  // Scratch files sit beside the file written (same file system); for standard output, a FIFO or a
  // device (whose folder, such as /dev, is no place for them), in the temporary folder.
  const scratchBeside = file?.scratchBeside ?? null;
  if (!renderer.headNeedsFinal) {
    let headWritten = false;
    const writeHead = async (frame: DocumentFrame | undefined, count: number) => {
      if (headWritten) return;
      headWritten = true;
      // Such a head depends on nothing final; the frame known so far is all it may use.
      await out.write(renderer.head(frame ?? EMPTY_FRAME, count));
    };
    return {
      async paragraph(p, frame) {
        await writeHead(frame(), 0);
        await out.write(renderer.paragraph(p));
      },
      async finish(frame, count) {
        await writeHead(frame, count);
        await out.write(renderer.tail(frame, count));
        await out.seal();
      },
      place: () => out.place(),
      abort: () => out.abort(),
    };
  }
  // The head needs the end: spool the paragraphs, then write head + spool + tail.
  // The spool is part of writing the output: a full disk or a refused folder there is an output
  // error (exit 8) naming the output, or, in the temporary folder, that folder.
  const tmpRoot = options.tmpDir ?? os.tmpdir();
  const spoolError = (err: unknown): never => {
    if (scratchBeside !== null) throw outputError(target.path!, err);
    // Another output folder would not help a full temporary folder.
    throw outputError(path.join(tmpRoot, 'da2en-spool'), err, { fix: 'free some space, or point TMPDIR at a folder on another disk', settings: [] });
  };
  let spoolDir: string | undefined;
  let untrackSpoolDir = () => {};
  let spool: TempFile;
  try {
    if (scratchBeside === null) {
      spoolDir = await mkdtemp(path.join(tmpRoot, 'da2en-spool-'));
      const dir = spoolDir;
      untrackSpoolDir = trackTemp(() => rmSync(dir, { recursive: true, force: true }));
      spool = await TempFile.create(path.join(spoolDir, 'body'));
    } else {
      spool = await TempFile.create(tempName(scratchBeside, 'body'));
    }
  } catch (err) {
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
    untrackSpoolDir();
    await out.abort();
    return spoolError(err);
  }
  const dropSpool = async () => {
    await spool.discard();
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
    untrackSpoolDir();
  };
  return {
    paragraph: (p) => spool.write(renderer.paragraph(p)).catch(spoolError),
    async finish(frame, count) {
      await spool.close(false).catch(spoolError);
      await out.write(renderer.head(frame, count));
      await out.appendFile(spool.file);
      await out.write(renderer.tail(frame, count));
      await out.seal();
      await dropSpool();
    },
    place: () => out.place(),
    async abort() {
      await dropSpool();
      await out.abort();
    },
  };
}

const EMPTY_FRAME: DocumentFrame = {
  title: { source: '', target: '' },
  metadata: {},
  model: { id: '', dtype: '', decoding: {} },
  timings: { loadMs: 0, translateMs: 0, totalMs: 0 },
};

/**
 * Writes a stream of translated paragraphs to every target with the streaming renderers; each
 * output is byte-identical to `render(format, finalDocument)`. Files appear only when complete, all
 * together; on any error (an aborted translation or `options.signal` included) before their renames,
 * every target is abandoned (temporary files and folders removed, existing files untouched) and the
 * error rethrown (a stop as kind `interrupted`, its reason the `cause`); a rename that fails takes
 * the earlier ones back (the files they replaced restored). Two targets that are one file (or both
 * standard output) are refused (kind `usage`) before anything is written. Returns the paragraph count.
 */
export async function writeBilingualStream(translation: FramedParagraphs, targets: readonly StreamTarget[], options: WriteStreamOptions = {}): Promise<number> {
  await checkTargetsApart(targets);
  const opened: OpenTarget[] = [];
  let count = 0;
  const { signal } = options;
  try {
    for (const t of targets) opened.push(await openTarget(t, options));
    const frame = () => translation.frame();
    for await (const p of translation) {
      for (const t of opened) await t.paragraph(p, frame);
      count++;
    }
    const final = translation.result().frame;
    for (const t of opened) {
      signal?.throwIfAborted();
      await t.finish(final, count);
    }
    // The last point a stop leaves no output; the renames after it are a moment, and all done.
    signal?.throwIfAborted();
    const placed: Placement[] = [];
    try {
      for (const t of opened) placed.push(await t.place());
    } catch (err) {
      // A rename failed (a folder put in the way, say): the earlier ones are taken back, last first.
      for (const p of placed.reverse()) {
        try {
          p.undo();
        } catch {
          // Best effort: the others are still put back, and the failure reported is the rename's.
        }
      }
      throw err;
    }
    // All stand: kept in one synchronous go, so that no exit at once can come between two of them.
    for (const p of placed) p.keep();
    return count;
  } catch (err) {
    for (const t of opened.reverse()) await t.abort().catch(() => {});
    // Stopped, whichever step saw it (a sink, the translation, the checks above): kind `interrupted`.
    throw signal?.aborted ? interruptedError(signal.reason) : err;
  }
}

/** Refuses targets that would write over each other: two paths for one file (one spelled `./x`, a link), or standard output twice. */
async function checkTargetsApart(targets: readonly StreamTarget[]): Promise<void> {
  if (targets.filter((t) => t.path === null).length > 1) {
    throw new Da2enError('usage', 'standard output (path null) can take one target; give the others file paths');
  }
  const same = await findSameFile(targets.flatMap((t) => (t.path === null ? [] : [t.path])));
  if (same) throw new Da2enError('usage', `outputs ${same[0]} and ${same[1]} are the same file; give them different paths`);
}
