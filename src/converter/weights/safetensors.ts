import { closeSync, fstatSync, readSync } from 'node:fs';
import path from 'node:path';
import { openRegularFileSync } from '../checkpoint-file.js';
import { CheckpointError } from '../errors.js';
import { BYTES_PER_ELEMENT, elementCount, toFloat32, type CheckpointTensor, type FloatDtype, type TensorSource } from './tensor.js';

interface Entry {
  dtype: string;
  shape: number[];
  start: number;
  end: number;
}

/** The most one read call reads (see read). */
const READ_CHUNK_BYTES = 8 * 1024 * 1024;

/** Headers of real checkpoints are a few KB to a few MB; anything near this is not a safetensors file. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/**
 * A .safetensors file (8-byte little-endian header length, JSON header, raw little-endian data),
 * read through a file descriptor: the header once, then each tensor's bytes when asked for. The
 * header is checked against the file before any tensor is read, so a truncated download or a
 * header that lies about sizes fails at open with one line, never with a wrong tensor.
 */
export class SafetensorsFile implements TensorSource {
  private readonly fd: number;
  private readonly entries = new Map<string, Entry>();
  private readonly dataStart: number;
  readonly metadata: Record<string, string> = {};

  constructor(readonly file: string) {
    const name = path.basename(file);
    try {
      this.fd = openRegularFileSync(file);
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      throw new CheckpointError(`cannot open ${file}: ${(err as Error).message}`, { cause: err });
    }
    try {
      const size = fstatSync(this.fd).size;
      if (size < 8) throw new CheckpointError(`${name} is truncated (${size} bytes; a safetensors file starts with an 8-byte header length)`);
      const lenBuf = Buffer.alloc(8);
      readSync(this.fd, lenBuf, 0, 8, 0);
      const headerLen = lenBuf.readBigUInt64LE(0);
      if (headerLen > BigInt(Math.min(size - 8, MAX_HEADER_BYTES))) {
        throw new CheckpointError(`${name} is truncated or not a safetensors file (header of ${headerLen} bytes, file of ${size})`);
      }
      const n = Number(headerLen);
      const headerBuf = Buffer.alloc(n);
      readSync(this.fd, headerBuf, 0, n, 8);
      let header: unknown;
      try {
        header = JSON.parse(headerBuf.toString('utf8'));
      } catch (err) {
        throw new CheckpointError(`${name} has an unreadable header (not JSON): ${(err as Error).message}`, { cause: err });
      }
      if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new CheckpointError(`${name} has a header that is not a JSON object`);
      this.dataStart = 8 + n;
      const dataBytes = size - this.dataStart;
      for (const [key, value] of Object.entries(header)) {
        if (key === '__metadata__') {
          if (value && typeof value === 'object') Object.assign(this.metadata, value);
          continue;
        }
        this.entries.set(key, checkEntry(name, key, value, dataBytes));
      }
    } catch (err) {
      closeSync(this.fd);
      throw err;
    }
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  shape(name: string): number[] | undefined {
    return this.entries.get(name)?.shape;
  }

  dtype(name: string): string | undefined {
    return this.entries.get(name)?.dtype;
  }

  async read(name: string): Promise<CheckpointTensor> {
    const e = this.entries.get(name);
    if (!e) throw new CheckpointError(`${path.basename(this.file)} has no tensor ${name}`);
    const bytes = Buffer.allocUnsafe(e.end - e.start);
    let done = 0;
    while (done < bytes.length) {
      // A bounded read per call: a 110 MB embedding table in one read holds this thread (and a
      // stop that ends it, convert.ts) for as long as the kernel takes to fill fresh memory.
      const got = readSync(this.fd, bytes, done, Math.min(bytes.length - done, READ_CHUNK_BYTES), this.dataStart + e.start + done);
      if (got === 0) throw new CheckpointError(`${path.basename(this.file)} ended while reading ${name} (truncated?)`);
      done += got;
    }
    return { shape: e.shape, data: toFloat32(bytes, e.dtype as FloatDtype) };
  }

  close(): void {
    closeSync(this.fd);
  }
}

function checkEntry(file: string, key: string, value: unknown, dataBytes: number): Entry {
  const bad = (why: string) => new CheckpointError(`${file}: tensor ${key} ${why}`);
  if (!value || typeof value !== 'object') throw bad('has no header entry');
  const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof v.dtype !== 'string') throw bad('has no dtype');
  if (!Object.hasOwn(BYTES_PER_ELEMENT, v.dtype)) throw bad(`is stored as ${v.dtype}; only F32, F16, BF16 and F64 weights can be converted`);
  if (!Array.isArray(v.shape) || !v.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw bad('has an invalid shape');
  const offsets = v.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) throw bad('has invalid data_offsets');
  const [start, end] = offsets as [number, number];
  const want = elementCount(v.shape as number[]) * BYTES_PER_ELEMENT[v.dtype as FloatDtype];
  if (end < start || end - start !== want) throw bad(`claims ${end - start} bytes but its shape [${(v.shape as number[]).join(', ')}] of ${v.dtype} needs ${want} (the header lies about sizes)`);
  if (end > dataBytes) throw bad(`ends at byte ${end} of the data, which has only ${dataBytes} (the file is truncated)`);
  return { dtype: v.dtype, shape: v.shape as number[], start, end };
}
