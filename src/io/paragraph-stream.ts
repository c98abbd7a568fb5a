/**
 * Reads an article (a file, standard input, any stream of bytes) and yields its paragraphs one at
 * a time, so memory is bounded by the largest paragraph rather than by the file.
 *
 * The bytes are decoded by `decodeStream` (decode-text.ts) and split by the one paragraph
 * splitter (src/segmentation/paragraphs.ts), so the paragraphs are exactly those
 * `segmentDocument` finds in the whole decoded text (tested against a whole-buffer decoder,
 * tests/helpers/whole-text-decoder.ts). A paragraph is yielded as its trimmed lines joined with "\n".
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Da2enError } from '../errors.js';
import { nulsRemovedNote } from '../nul-characters.js';
import { ParagraphSplitter, splitParagraphStream } from '../segmentation/paragraphs.js';
import { checkInputEncoding, DecodeError, decodeStream, type DecodeState, type InputEncoding } from './decode-text.js';

export interface ParagraphStreamOptions {
  /** 'auto' (default) is UTF-8, or UTF-16 with a BOM. */
  encoding?: InputEncoding;
}

/** The paragraphs of one input, with how far reading has got (for progress and an ETA). */
export interface ParagraphSource extends AsyncIterable<string> {
  /** The input's name (a path, or "-" for stdin). */
  readonly name: string;
  /** Bytes read from the input so far. */
  readonly bytesRead: number;
  /** The input's size when known (a regular file), else undefined (a pipe). */
  readonly totalBytes: number | undefined;
  /** How the bytes are being decoded, once known (e.g. `utf-8 (BOM)`, `latin1`). */
  readonly encoding: string | undefined;
  /** What was found and fixed on the way (NULs removed); complete after the last paragraph. */
  readonly notes: readonly string[];
}

class StreamedParagraphs implements ParagraphSource {
  private readonly state: DecodeState = { bytesRead: 0, encoding: undefined, notes: [] };
  private readonly splitter = new ParagraphSplitter();
  private started = false;

  constructor(
    readonly name: string,
    readonly totalBytes: number | undefined,
    private readonly source: AsyncIterable<Uint8Array | string>,
    private readonly requested: InputEncoding,
  ) {}

  get bytesRead(): number {
    return this.state.bytesRead;
  }

  get encoding(): string | undefined {
    return this.state.encoding;
  }

  get notes(): readonly string[] {
    const nuls = this.splitter.nulsRemoved;
    return nuls > 0 ? [...this.state.notes, nulsRemovedNote(nuls)] : this.state.notes;
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    if (this.started) throw new Error('a paragraph stream can be read only once');
    this.started = true;
    return splitParagraphStream(decodeStream(this.source, this.requested, this.state), this.splitter);
  }
}

/**
 * Paragraphs from a stream of bytes (a file or stdin stream, or any iterable of chunks). Throws
 * DecodeError while iterating when the bytes are not text in the requested encoding.
 */
export function paragraphsFromBytes(
  bytes: AsyncIterable<Uint8Array | string>,
  options: ParagraphStreamOptions & { name?: string; totalBytes?: number } = {},
): ParagraphSource {
  return new StreamedParagraphs(options.name ?? '-', options.totalBytes, bytes, checkInputEncoding(options.encoding ?? 'auto'));
}

/**
 * Paragraphs of a file, read `highWaterMark` bytes at a time (default 64 KiB). A file that cannot be
 * read (missing, a directory, no permission) is kind `input` when iterating, as with openParagraphStream.
 */
export function readParagraphsFromFile(file: string, options: ParagraphStreamOptions & { highWaterMark?: number; totalBytes?: number } = {}): ParagraphSource {
  // Before the file is opened: a refused encoding leaves no open stream behind.
  checkInputEncoding(options.encoding ?? 'auto');
  const stream = createReadStream(file, { highWaterMark: options.highWaterMark ?? 64 * 1024 });
  return paragraphsFromBytes(bytesOfFile(file, stream), { ...options, name: file });
}

async function* bytesOfFile(file: string, stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* stream;
  } catch (err) {
    throw new Da2enError('input', `cannot read ${file}: ${whyUnreadable(err)}`, { cause: err });
  }
}

/**
 * What the CLI reads its inputs with: opens a path or "-" (stdin) and yields its
 * paragraphs, with one clear Da2enError line (kind 'input') for every way it can fail: a
 * missing or unreadable file or a directory (thrown here, before anything is read), bytes that
 * are not text in the encoding, and an input with no text at all (thrown while iterating).
 */
export async function openParagraphStream(
  name: string,
  options: ParagraphStreamOptions & { stdin?: NodeJS.ReadableStream; highWaterMark?: number; contents?: Iterable<Uint8Array> | AsyncIterable<Uint8Array> } = {},
): Promise<ParagraphSource> {
  checkInputEncoding(options.encoding ?? 'auto');
  const label = name === '-' ? 'standard input' : name;
  let inner: ParagraphSource;
  if (options.contents) {
    // The input's bytes are already here (a queue job carries its article): read them under its name.
    inner = paragraphsFromBytes(options.contents as AsyncIterable<Uint8Array>, { ...options, name });
  } else if (name === '-') {
    inner = paragraphsFromBytes((options.stdin ?? process.stdin) as AsyncIterable<Uint8Array | string>, { ...options, name });
  } else {
    let size: number;
    try {
      const info = await stat(name);
      if (info.isDirectory()) throw new Da2enError('input', `${name} is a directory; give the path of a text file`);
      size = info.size;
    } catch (err) {
      if (err instanceof Da2enError) throw err;
      throw new Da2enError('input', `cannot read ${name}: ${whyUnreadable(err)}`, { cause: err });
    }
    inner = readParagraphsFromFile(name, { ...options, totalBytes: size });
  }
  async function* checked(): AsyncGenerator<string> {
    let count = 0;
    try {
      for await (const paragraph of inner) {
        count++;
        yield paragraph;
      }
    } catch (err) {
      if (err instanceof DecodeError) throw new Da2enError('input', `${label} ${err.message}`, { cause: err, settings: err.settings });
      throw err; // a file that cannot be read is already kind `input` (readParagraphsFromFile)
    }
    if (count === 0) throw new Da2enError('input', `${label} is empty (nothing but white space or invisible characters); nothing to translate`);
  }
  const paragraphs = checked();
  return {
    name,
    get bytesRead() {
      return inner.bytesRead;
    },
    totalBytes: inner.totalBytes,
    get encoding() {
      return inner.encoding;
    },
    get notes() {
      return inner.notes;
    },
    [Symbol.asyncIterator]: () => paragraphs,
  };
}

function whyUnreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message;
}
