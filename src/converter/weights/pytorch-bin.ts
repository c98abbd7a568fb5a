import { closeSync } from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import { openRegularFileSync } from '../checkpoint-file.js';
import { CheckpointError } from '../errors.js';
import { unpickleStateDict, type PickledTensor } from './restricted-unpickler.js';
import { BYTES_PER_ELEMENT, elementCount, toFloat32, type CheckpointTensor, type FloatDtype, type TensorSource } from './tensor.js';

/** A zip on an open file descriptor; the zip closes it (zip.close()), a failure here does. */
function openZip(fd: number): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromFd(fd, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err) {
        closeSync(fd);
        reject(err);
      } else resolve(zip);
    });
  });
}

function listEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    const out = new Map<string, yauzl.Entry>();
    zip.on('entry', (e: yauzl.Entry) => {
      out.set(e.fileName, e);
      zip.readEntry();
    });
    zip.once('end', () => resolve(out));
    zip.once('error', reject);
    zip.readEntry();
  });
}

/**
 * An entry's bytes. Only stored entries, as torch.save writes them: their reading is bounded by
 * the file's real size (yauzl checks that an entry lies inside the file), where a compressed
 * entry could inflate to whatever size its header claims.
 */
function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, file: string): Promise<Buffer> {
  if (entry.isCompressed()) {
    return Promise.reject(new CheckpointError(`${path.basename(file)}: ${entry.fileName} is compressed, which torch.save never does (a re-packed archive?); use the original file or model.safetensors`));
  }
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      // Copied in as it comes (yauzl checks the size): one concat at the end would be a single copy
      // of up to ~200 MB (an embedding table) that nothing, not even a stop (convert.ts), interrupts.
      const bytes = Buffer.allocUnsafe(entry.uncompressedSize);
      let done = 0;
      stream.on('data', (c: Buffer) => {
        if (done + c.length > bytes.length) return stream.destroy(new Error(`${entry.fileName} is longer than its stated ${entry.uncompressedSize} bytes`));
        done += c.copy(bytes, done);
      });
      stream.once('error', reject);
      stream.once('end', () => (done === bytes.length ? resolve(bytes) : reject(new Error(`${entry.fileName} is shorter than its stated ${entry.uncompressedSize} bytes`))));
    });
  });
}

/**
 * A `torch.save` zip (pytorch_model.bin): `<archive>/data.pkl` is the state_dict's pickle, read
 * by the restricted unpickler (nothing in it runs); `<archive>/data/<key>` are the raw
 * little-endian storages. Tensors that share a storage (tied embeddings) are views of one entry.
 * A storage is read when a tensor asks for it, one at a time.
 */
export class PytorchBinFile implements TensorSource {
  private constructor(
    readonly file: string,
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
    private readonly prefix: string,
    private readonly tensors: Map<string, PickledTensor>,
  ) {}

  static async open(file: string): Promise<PytorchBinFile> {
    const name = path.basename(file);
    let fd: number;
    try {
      fd = openRegularFileSync(file);
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      throw new CheckpointError(`cannot open ${file}: ${(err as Error).message}`, { cause: err });
    }
    let zip: yauzl.ZipFile;
    try {
      zip = await openZip(fd);
    } catch (err) {
      const legacy = /end of central directory/i.test((err as Error).message);
      throw new CheckpointError(
        legacy
          ? `${name} is not a zip archive (truncated, or saved in PyTorch's pre-1.6 format, which da2en does not read; use model.safetensors)`
          : `cannot read ${name} as a zip archive: ${(err as Error).message}`,
        { cause: err },
      );
    }
    try {
      const entries = await listEntries(zip);
      const pkl = [...entries.keys()].find((n) => n.endsWith('/data.pkl') || n === 'data.pkl');
      if (!pkl) throw new CheckpointError(`${name} has no data.pkl: not a PyTorch checkpoint`);
      const prefix = pkl.slice(0, pkl.length - 'data.pkl'.length);
      const byteorder = entries.get(`${prefix}byteorder`);
      if (byteorder && (await readEntry(zip, byteorder, file)).toString('ascii').trim() !== 'little') {
        throw new CheckpointError(`${name} was saved on a big-endian machine, which da2en does not read`);
      }
      const state = unpickleStateDict(await readEntry(zip, entries.get(pkl)!, file), name);
      const tensors = new Map<string, PickledTensor>();
      for (const [k, v] of state) {
        if (typeof k === 'string' && v && typeof v === 'object' && (v as PickledTensor).kind === 'tensor') tensors.set(k, v as PickledTensor);
      }
      return new PytorchBinFile(file, zip, entries, prefix, tensors);
    } catch (err) {
      zip.close();
      if (err instanceof CheckpointError) throw err;
      throw new CheckpointError(`cannot read ${name}: ${(err as Error).message}`, { cause: err });
    }
  }

  names(): string[] {
    return [...this.tensors.keys()];
  }

  shape(name: string): number[] | undefined {
    return this.tensors.get(name)?.shape;
  }

  dtype(name: string): string | undefined {
    return this.tensors.get(name)?.storage.dtype;
  }

  /** Whether two tensors are views of the same storage (tied weights). */
  sharesStorage(a: string, b: string): boolean {
    const x = this.tensors.get(a);
    const y = this.tensors.get(b);
    return x !== undefined && y !== undefined && x.storage.key === y.storage.key;
  }

  async read(name: string): Promise<CheckpointTensor> {
    const file = path.basename(this.file);
    const t = this.tensors.get(name);
    if (!t) throw new CheckpointError(`${file} has no tensor ${name}`);
    const dtype = t.storage.dtype;
    if (!Object.hasOwn(BYTES_PER_ELEMENT, dtype)) throw new CheckpointError(`${file}: tensor ${name} is stored as ${dtype}; only float weights can be converted`);
    const size = BYTES_PER_ELEMENT[dtype as FloatDtype];
    const entry = this.entries.get(`${this.prefix}data/${t.storage.key}`);
    if (!entry) throw new CheckpointError(`${file} lacks the storage data/${t.storage.key} of ${name} (truncated?)`);
    // Checked before reading: an entry that lies about its size is not read at all.
    if (entry.uncompressedSize !== t.storage.numel * size) throw new CheckpointError(`${file}: storage data/${t.storage.key} has ${entry.uncompressedSize} bytes, the pickle says ${t.storage.numel * size}`);
    const bytes = await readEntry(this.zip, entry, this.file).catch((err: unknown) => {
      if (err instanceof CheckpointError) throw err;
      throw new CheckpointError(`${file}: cannot read the storage of ${name}: ${(err as Error).message}`, { cause: err });
    });
    if (bytes.length !== t.storage.numel * size) throw new CheckpointError(`${file}: storage data/${t.storage.key} has ${bytes.length} bytes, the pickle says ${t.storage.numel * size}`);
    const storage = toFloat32(bytes, dtype as FloatDtype);
    const n = elementCount(t.shape);
    if (t.stride.length !== t.shape.length || t.shape.some((d) => d < 0)) {
      throw new CheckpointError(`${file}: tensor ${name} has a malformed view (size [${t.shape.join(', ')}], stride [${t.stride.join(', ')}])`);
    }
    const reach = viewReach(t);
    // Both ends, each dimension on its own: a negative stride reaches below the offset, and a
    // check of the last element alone let such a view read past the start (NaN weights).
    if (n > 0 && (reach.lowest < 0 || reach.highest >= storage.length)) throw new CheckpointError(`${file}: tensor ${name} reaches outside its storage`);
    return { shape: t.shape, data: strided(storage, t, n) };
  }

  close(): void {
    this.zip.close();
  }
}

/** The lowest and highest storage elements a non-empty view touches. */
function viewReach(t: Pick<PickledTensor, 'offset' | 'shape' | 'stride'>): { lowest: number; highest: number } {
  let lowest = t.offset;
  let highest = t.offset;
  t.shape.forEach((d, i) => {
    const span = (d - 1) * t.stride[i]!;
    if (span < 0) lowest += span;
    else highest += span;
  });
  return { lowest, highest };
}

/** Copies a (possibly non-contiguous) view into a dense row-major array. */
function strided(storage: Float32Array, t: PickledTensor, n: number): Float32Array {
  const rank = t.shape.length;
  let contiguous = true;
  for (let i = rank - 1, expect = 1; i >= 0; i--) {
    if (t.shape[i]! > 1 && t.stride[i] !== expect) contiguous = false;
    expect *= t.shape[i]!;
  }
  // The whole storage (every real checkpoint's views): no copy, one big copy being a long step.
  if (contiguous) return t.offset === 0 && n === storage.length ? storage : storage.slice(t.offset, t.offset + n);
  const out = new Float32Array(n);
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let src = t.offset;
    for (let i = 0; i < rank; i++) src += idx[i]! * t.stride[i]!;
    out[k] = storage[src]!;
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i]! < t.shape[i]!) break;
      idx[i] = 0;
    }
  }
  return out;
}
