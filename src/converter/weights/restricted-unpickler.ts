import { CheckpointError } from '../errors.js';

/**
 * A pickle reader for PyTorch state_dicts that never executes anything from the file.
 *
 * Python's pickle is a small stack machine whose GLOBAL/REDUCE opcodes import and call arbitrary
 * functions (`os.system`, `builtins.eval`, …): loading an untrusted pytorch_model.bin with
 * `torch.load` runs whatever it says. This reader implements the data opcodes and resolves only
 * the handful of globals a state_dict needs, each to a plain JavaScript stand-in; any other global
 * is refused the moment it is named, before anything could call it.
 */

/** A tensor as the pickle describes it: a view (offset, shape, stride in elements) of a storage. */
export interface PickledTensor {
  kind: 'tensor';
  storage: PickledStorage;
  offset: number;
  shape: number[];
  stride: number[];
}

/** A storage named by a persistent id: its bytes are the zip entry `data/<key>`. */
export interface PickledStorage {
  kind: 'storage';
  key: string;
  dtype: string;
  numel: number;
}

interface Global {
  kind: 'global';
  module: string;
  name: string;
}

class Tuple {
  constructor(readonly items: unknown[]) {}
}

/** torch.*Storage classes → the safetensors-style dtype names the converter uses. */
export const STORAGE_DTYPES: Record<string, string> = {
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

const ALLOWED = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  ...Object.keys(STORAGE_DTYPES).map((s) => `torch.${s}`),
]);

export class UnsafePickleError extends CheckpointError {
  override readonly name: string = 'UnsafePickleError';

  constructor(
    readonly file: string,
    readonly globalName: string,
  ) {
    super(
      `refusing to read ${file}: its pickle asks for ${globalName}, which is not part of a PyTorch state_dict ` +
        '(da2en never runs code from a model file; use the checkpoint\'s model.safetensors if it has one)',
    );
  }
}

function asNumber(v: unknown, what: string, file: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(v);
  throw new CheckpointError(`${file}: malformed state_dict pickle (${what} is not an integer)`);
}

function asInts(v: unknown, what: string, file: string): number[] {
  if (!(v instanceof Tuple)) throw new CheckpointError(`${file}: malformed state_dict pickle (${what} is not a tuple)`);
  return v.items.map((x) => asNumber(x, what, file));
}

/** Calls one of the allowed globals (the only things REDUCE may call). */
function callAllowed(fn: Global, args: unknown[], file: string): unknown {
  const name = `${fn.module}.${fn.name}`;
  switch (name) {
    case 'collections.OrderedDict':
      return new Map<unknown, unknown>();
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2': {
      const [storage, offset, size, stride] = args;
      if (!storage || (storage as PickledStorage).kind !== 'storage') throw new CheckpointError(`${file}: malformed state_dict pickle (tensor without a storage)`);
      return { kind: 'tensor', storage: storage as PickledStorage, offset: asNumber(offset, 'storage offset', file), shape: asInts(size, 'size', file), stride: asInts(stride, 'stride', file) } satisfies PickledTensor;
    }
    case 'torch._utils._rebuild_parameter':
      return args[0];
    default:
      throw new CheckpointError(`${file}: ${name} cannot be called`);
  }
}

/**
 * Reads a protocol 2–5 pickle of a state_dict into a Map from names to PickledTensor (and
 * whatever plain values sit beside them). `file` names the source in error messages.
 */
export function unpickleStateDict(bytes: Uint8Array, file: string): Map<unknown, unknown> {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  const malformed = (why: string) => new CheckpointError(`${file}: malformed pickle (${why} at byte ${pos})`);
  const need = (n: number) => {
    if (pos + n > data.length) throw malformed('unexpected end');
  };
  const u8 = () => (need(1), data[pos++]!);
  const u16 = () => (need(2), (pos += 2), data.readUInt16LE(pos - 2));
  const u32 = () => (need(4), (pos += 4), data.readUInt32LE(pos - 4));
  const i32 = () => (need(4), (pos += 4), data.readInt32LE(pos - 4));
  const bytesOf = (n: number) => (need(n), (pos += n), data.subarray(pos - n, pos));
  const line = () => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw malformed('unterminated line');
    const s = data.toString('utf8', pos, end);
    pos = end + 1;
    return s;
  };
  const pop = () => {
    if (stack.length === 0) throw malformed('stack underflow');
    return stack.pop();
  };
  const top = () => {
    if (stack.length === 0) throw malformed('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = () => {
    const m = marks.pop();
    if (m === undefined) throw malformed('no MARK');
    return stack.splice(m);
  };
  const global = (module: string, name: string): Global => {
    const full = `${module}.${name}`;
    if (!ALLOWED.has(full)) throw new UnsafePickleError(file, full);
    return { kind: 'global', module, name };
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof Map)) throw malformed('SETITEM(S) on something that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  };
  const longFrom = (b: Buffer): bigint | number => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        bytesOf(8);
        break;
      case 0x2e: {
        // STOP
        const result = pop();
        if (!(result instanceof Map)) throw new CheckpointError(`${file} does not hold a state_dict (its pickle is not a dict)`);
        return result;
      }
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new Tuple([]));
        break;
      case 0x85: // TUPLE1
        stack.push(new Tuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(new Tuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(new Tuple([pop(), b, c]));
        break;
      }
      case 0x74: // TUPLE
        stack.push(new Tuple(popMark()));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) throw malformed('APPEND to something that is not a list');
        list.push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) throw malformed('APPENDS to something that is not a list');
        list.push(...items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x64: {
        // DICT
        const m = new Map();
        setItems(m, popMark());
        stack.push(m);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x8a: // LONG1
        stack.push(longFrom(bytesOf(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(longFrom(bytesOf(u32())));
        break;
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        stack.push(data.readDoubleBE(pos));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(bytesOf(u32()).toString('utf8'));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(bytesOf(u8()).toString('utf8'));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(bytesOf(u8()).toString('latin1'));
        break;
      case 0x54: // BINSTRING
        stack.push(bytesOf(u32()).toString('latin1'));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(new Uint8Array(bytesOf(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(new Uint8Array(bytesOf(u32())));
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const key = op === 0x68 ? u8() : u32();
        if (!memo.has(key)) throw malformed(`memo ${key} is empty`);
        stack.push(memo.get(key));
        break;
      }
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw malformed('STACK_GLOBAL without strings');
        stack.push(global(module, name));
        break;
      }
      case 0x51: {
        // BINPERSID: torch's ('storage', storage_type, key, location, numel)
        const pid = pop();
        if (!(pid instanceof Tuple) || pid.items[0] !== 'storage') throw malformed('persistent id that is not a storage');
        const [, type, key, , numel] = pid.items as [string, Global, unknown, unknown, unknown];
        if (!type || type.kind !== 'global') throw malformed('storage without a type');
        stack.push({ kind: 'storage', key: String(key), dtype: STORAGE_DTYPES[type.name] ?? type.name, numel: asNumber(numel, 'numel', file) } satisfies PickledStorage);
        break;
      }
      case 0x52: {
        // REDUCE: only ever reaches an allowed global (anything else was refused when named).
        const args = pop();
        const fn = pop() as Global;
        if (!fn || fn.kind !== 'global' || !(args instanceof Tuple)) throw malformed('REDUCE on something that is not an allowed callable');
        stack.push(callAllowed(fn, args.items, file));
        break;
      }
      case 0x62: {
        // BUILD: an OrderedDict's state (the state_dict's _metadata); nothing to keep.
        pop();
        if (!(top() instanceof Map)) throw malformed('BUILD on something that is not a dict');
        break;
      }
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default:
        // INST, OBJ, NEWOBJ, EXT*, PERSID (text) and anything unknown: not in a state_dict, and the
        // object-building ones would call code. Refuse rather than guess.
        throw new CheckpointError(`refusing to read ${file}: its pickle uses opcode 0x${op.toString(16).padStart(2, '0')} at byte ${pos - 1}, which a PyTorch state_dict does not need`);
    }
    if (marks.length > 0 && marks[marks.length - 1]! > stack.length) throw malformed('MARK below the stack');
  }
}
