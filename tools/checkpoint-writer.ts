/**
 * Writes Hugging Face checkpoint files the way Python does, so the default suite and the conversion
 * benchmark can exercise the converter's readers without Python or ../shared: safetensors (F32/F16/BF16), a `torch.save`
 * zip with a protocol-2 state_dict pickle (tensors may share a storage), a SentencePiece
 * ModelProto, and small hostile pickles.
 */
import { writeFileSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';
import protobuf from 'protobufjs/minimal.js';

export type StDtype = 'F32' | 'F16' | 'BF16';

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

const scratchF = new Float32Array(1);
const scratchU = new Uint32Array(scratchF.buffer);

/** float32 → float16 bits, round to nearest even (what torch's .half() does). */
export function toHalfBits(v: number): number {
  scratchF[0] = v;
  const x = scratchU[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  e = h;
  return sign | e;
}

export function toBf16Bits(v: number): number {
  scratchF[0] = v;
  const x = scratchU[0]!;
  const lsb = (x >>> 16) & 1;
  return ((x + 0x7fff + lsb) >>> 16) & 0xffff;
}

export function encode(data: Float32Array, dtype: StDtype): Buffer {
  if (dtype === 'F32') return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const half = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) half[i] = dtype === 'F16' ? toHalfBits(data[i]!) : toBf16Bits(data[i]!);
  return Buffer.from(half.buffer, half.byteOffset, half.byteLength);
}

/** What the values become after a round trip through `dtype`. */
export function roundTo(data: Float32Array, dtype: StDtype): Float32Array {
  if (dtype === 'F32') return data;
  const bytes = encode(data, dtype);
  const out = new Float32Array(data.length);
  const u32 = new Uint32Array(out.buffer);
  for (let i = 0; i < data.length; i++) {
    const h = bytes.readUInt16LE(i * 2);
    if (dtype === 'BF16') u32[i] = h << 16;
    else {
      const s = h & 0x8000 ? -1 : 1;
      const e = (h >> 10) & 0x1f;
      const m = h & 0x3ff;
      out[i] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
    }
  }
  return out;
}

export function safetensorsBytes(tensors: NamedTensor[], dtype: StDtype, header: Record<string, unknown> = {}): Buffer {
  const chunks: Buffer[] = [];
  let offset = 0;
  const entries: Record<string, unknown> = { __metadata__: { format: 'pt' }, ...header };
  for (const t of tensors) {
    const b = encode(t.data, dtype);
    entries[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + b.length] };
    chunks.push(b);
    offset += b.length;
  }
  let json = JSON.stringify(entries);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([len, Buffer.from(json), ...chunks]);
}

// ---- pickle (protocol 2) -------------------------------------------------------------------

class PickleWriter {
  private readonly parts: Buffer[] = [];
  op(...bytes: number[]): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  raw(b: Buffer | string): this {
    this.parts.push(typeof b === 'string' ? Buffer.from(b, 'latin1') : b);
    return this;
  }
  global(module: string, name: string): this {
    return this.raw(`c${module}\n${name}\n`);
  }
  str(s: string): this {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    return this.op(0x58).raw(len).raw(b);
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.op(0x4b, n);
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return this.op(0x4a).raw(b);
  }
  tuple(items: (() => void)[]): this {
    this.op(0x28);
    for (const f of items) f();
    return this.op(0x74);
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export interface TorchEntry {
  name: string;
  shape: number[];
  /** Storage key; entries with the same key share one storage (tied weights). */
  storage: string;
  offset?: number;
  stride?: number[];
}

const STORAGE_CLASS: Record<StDtype, string> = { F32: 'FloatStorage', F16: 'HalfStorage', BF16: 'BFloat16Storage' };

/** The data.pkl torch.save writes for a state_dict. */
export function stateDictPickle(entries: TorchEntry[], dtype: StDtype, numel: Map<string, number>): Buffer {
  const w = new PickleWriter();
  w.op(0x80, 2).global('collections', 'OrderedDict').op(0x29, 0x52).op(0x28);
  for (const e of entries) {
    const stride = e.stride ?? e.shape.map((_, i) => e.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    w.str(e.name);
    w.global('torch._utils', '_rebuild_tensor_v2');
    w.tuple([
      () => {
        w.tuple([() => w.str('storage'), () => w.global('torch', STORAGE_CLASS[dtype]), () => w.str(e.storage), () => w.str('cpu'), () => w.int(numel.get(e.storage)!)]);
        w.op(0x51);
      },
      () => w.int(e.offset ?? 0),
      () => w.tuple(e.shape.map((d) => () => w.int(d))),
      () => w.tuple(stride.map((d) => () => w.int(d))),
      () => w.op(0x89),
      () => w.global('collections', 'OrderedDict').op(0x29, 0x52),
    ]);
    w.op(0x52);
  }
  return w.op(0x75, 0x2e).bytes();
}

/** A stored (uncompressed) zip, as torch.save writes it; `deflate` compresses a file (for archives torch.save never writes). */
export function zipBytes(files: { name: string; data: Buffer; deflate?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name);
    const crc = crc32(f.data);
    const stored = f.deflate ? deflateRawSync(f.data) : f.data;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(f.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(f.deflate ? 8 : 0, 10);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(stored.length, 20);
    cd.writeUInt32LE(f.data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, name, stored);
    central.push(cd, name);
    offset += 30 + name.length + stored.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBytes, end]);
}

/** pytorch_model.bin for `tensors`; names listed in `tiedTo` become views of another tensor's storage. */
export function torchBinBytes(tensors: NamedTensor[], dtype: StDtype, tiedTo: Record<string, string> = {}): Buffer {
  const keyOf = new Map<string, string>();
  const numel = new Map<string, number>();
  const files: { name: string; data: Buffer }[] = [];
  const entries: TorchEntry[] = [];
  for (const t of tensors) {
    const owner = tiedTo[t.name];
    let key = owner ? keyOf.get(owner) : undefined;
    if (!key) {
      key = String(files.length);
      files.push({ name: `archive/data/${key}`, data: encode(t.data, dtype) });
      numel.set(key, t.data.length);
    }
    keyOf.set(t.name, key);
    entries.push({ name: t.name, shape: t.shape, storage: key });
  }
  return zipBytes([{ name: 'archive/data.pkl', data: stateDictPickle(entries, dtype, numel) }, { name: 'archive/version', data: Buffer.from('3\n') }, ...files]);
}

/** A pytorch_model.bin whose data.pkl is `pickle` (for hostile inputs). */
export function torchBinWithPickle(pickle: Buffer): Buffer {
  return zipBytes([{ name: 'archive/data.pkl', data: pickle }, { name: 'archive/version', data: Buffer.from('3\n') }]);
}

/** Hostile pickles: each would run a command or build an arbitrary object under Python's pickle.load. */
export function hostilePickles(marker: string): Record<string, Buffer> {
  const call = (module: string, name: string, arg: string) => new PickleWriter().op(0x80, 2).global(module, name).str(arg).op(0x85, 0x52, 0x2e).bytes();
  const stackGlobal = new PickleWriter().op(0x80, 4);
  for (const s of ['os', 'system']) {
    const b = Buffer.from(s);
    stackGlobal.op(0x8c, b.length).raw(b);
  }
  stackGlobal.op(0x93).str(`touch ${marker}`).op(0x85, 0x52, 0x2e);
  // A state_dict whose value is a tensor rebuilt by an unknown function.
  const inside = new PickleWriter().op(0x80, 2).op(0x7d).str('model.shared.weight').global('numpy.core.multiarray', '_reconstruct').op(0x29, 0x52, 0x73, 0x2e);
  return {
    'os.system': call('os', 'system', `touch ${marker}`),
    'builtins.eval': call('builtins', 'eval', `__import__('os').system('touch ${marker}')`),
    'posix.system via STACK_GLOBAL (protocol 4)': stackGlobal.bytes(),
    'subprocess.Popen': call('subprocess', 'Popen', `touch ${marker}`),
    'unknown global inside a state_dict': inside.bytes(),
    'INST opcode': new PickleWriter().op(0x80, 2, 0x28).str(`touch ${marker}`).raw('ios\nsystem\n.').bytes(),
  };
}

// ---- SentencePiece ModelProto ----------------------------------------------------------------

/** A SentencePiece ModelProto: pieces (type 1 normal, 2 unknown, 3 control), unigram, nmt_nfkc. */
export function sentencePieceBytes(pieces: { piece: string; score: number; type?: number }[], modelType = 1): Buffer {
  const w = protobuf.Writer.create();
  for (const p of pieces) {
    w.uint32((1 << 3) | 2).fork();
    w.uint32((1 << 3) | 2).string(p.piece);
    w.uint32((2 << 3) | 5).float(p.score);
    if (p.type !== undefined && p.type !== 1) w.uint32((3 << 3) | 0).int32(p.type);
    w.ldelim();
  }
  w.uint32((2 << 3) | 2).fork();
  w.uint32((3 << 3) | 0).int32(modelType);
  w.ldelim();
  w.uint32((3 << 3) | 2).fork();
  w.uint32((1 << 3) | 2).string('nmt_nfkc');
  w.uint32((3 << 3) | 0).bool(true);
  w.uint32((4 << 3) | 0).bool(true);
  w.ldelim();
  return Buffer.from(w.finish());
}

export function writeFile(file: string, bytes: Buffer | string): void {
  writeFileSync(file, bytes);
}
