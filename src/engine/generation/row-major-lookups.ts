/**
 * Column lookups turned into row lookups, for the BeamSearch wrapper.
 *
 * A q8 decoder can keep its tied embedding table once, transposed ([d_model, vocab], the layout of
 * the output projection's weight), and look tokens up with `Gather` on axis 1: the builder's models
 * do. A token's 512 values then lie one per row, 58,930 bytes apart, so each lookup touches 512 cache
 * lines on as many pages, and ONNX Runtime 1.30 copies them one element at a time. The op pays that
 * at every step for every row, right after the output projection has swept the caches.
 *
 * The wrapper adds a row-major copy of such a table ([vocab, d_model], the same bytes rearranged) and
 * looks up rows of it, then transposes the few rows it read back into the original layout: the same
 * values, bit for bit. The original stays for the output projection, which packs it when the session
 * opens.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;

const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

/** Bytes per element of the types a table can have (others are left alone). */
const ELEMENT_BYTES = new Map<number, number>([
  [DT.FLOAT, 4],
  [DT.UINT8, 1],
  [DT.INT8, 1],
  [DT.UINT16, 2],
  [DT.INT16, 2],
  [DT.INT32, 4],
  [DT.INT64, 8],
  [DT.FLOAT16, 2],
  [DT.DOUBLE, 8],
  [DT.UINT32, 4],
  [DT.UINT64, 8],
  [DT.BFLOAT16, 2],
]);

/** `raw` (rows × cols elements of `size` bytes) transposed, moving whole 1-, 2- or 4-byte words. */
function transposeBytes(raw: Uint8Array, rows: number, cols: number, size: number): Uint8Array {
  const unit = size % 4 === 0 ? 4 : size % 2 === 0 ? 2 : 1;
  const words = size / unit;
  // A typed view needs an offset aligned to its word size; decoded raw data sits anywhere in its buffer.
  const aligned = raw.byteOffset % unit === 0 ? raw : new Uint8Array(raw);
  const View = unit === 4 ? Uint32Array : unit === 2 ? Uint16Array : Uint8Array;
  const a = new View(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.length / unit);
  const out = new Uint8Array(raw.length);
  const b = new View(out.buffer, 0, out.length / unit);
  if (words === 1) {
    for (let r = 0; r < rows; r++) {
      const row = r * cols;
      for (let c = 0; c < cols; c++) b[c * rows + r] = a[row + c]!;
    }
    return out;
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const src = (r * cols + c) * words;
      const dst = (c * rows + r) * words;
      for (let w = 0; w < words; w++) b[dst + w] = a[src + w]!;
    }
  }
  return out;
}

/** `tensor` [rows, cols] as [cols, rows], or undefined when its bytes are not inline raw data of that size. */
function transposed(tensor: ITensor, name: string): ITensor | undefined {
  const size = ELEMENT_BYTES.get(Number(tensor.dataType));
  const dims = (tensor.dims ?? []).map(Number);
  const raw = tensor.rawData;
  if (size === undefined || dims.length !== 2 || !raw) return undefined;
  const [rows, cols] = dims as [number, number];
  if (raw.length !== rows * cols * size) return undefined;
  return { name, dims: [cols, rows], dataType: tensor.dataType, rawData: transposeBytes(raw, rows, cols, size) };
}

const axisOf = (n: INode): number => Number(n.attribute?.find((a) => a.name === 'axis')?.i ?? 0);

export interface RowMajorTables {
  /** Row-major copies made so far, by the original table's name (main-graph initializers to add). */
  copies: Map<string, ITensor>;
  /** Each copy's row count as a [1] int64 tensor (the lookup's leading output dimension). */
  widths: Map<string, ITensor>;
}

export function rowMajorTables(): RowMajorTables {
  return { copies: new Map(), widths: new Map() };
}

/**
 * `nodes` with every `Gather` on axis 1 of a 2-D table in `tables` replaced by a row lookup in a
 * row-major copy (made once per table, into `made`). `fresh` names new values. Reads
 * `const_minus_one_1d` (int64 [-1]) from the enclosing scope.
 */
export function withRowMajorLookups(nodes: INode[], tables: ReadonlyMap<string, ITensor>, made: RowMajorTables, fresh: (stem: string) => string): INode[] {
  const out: INode[] = [];
  for (const n of nodes) {
    const tableName = n.input?.[0] ?? '';
    const table = tables.get(tableName);
    const axis = axisOf(n);
    if (n.opType !== 'Gather' || (n.domain ?? '') !== '' || !table || (table.dims ?? []).length !== 2 || (axis !== 1 && axis !== -1)) {
      out.push(n);
      continue;
    }
    let copy = made.copies.get(tableName);
    if (!copy) {
      copy = transposed(table, `${tableName}/row_major`);
      if (!copy) {
        out.push(n);
        continue;
      }
      made.copies.set(tableName, copy);
      const width = BigInt64Array.of(BigInt(Number(table.dims![0])));
      made.widths.set(tableName, { name: `${tableName}/row_major_width`, dims: [1], dataType: DT.INT64, rawData: new Uint8Array(width.buffer) });
    }
    const ids = n.input![1]!;
    const flat = fresh('lookup_ids');
    const rows = fresh('lookup_rows');
    const columns = fresh('lookup_columns');
    const idsShape = fresh('lookup_ids_shape');
    const shape = fresh('lookup_shape');
    out.push(
      { opType: 'Reshape', input: [ids, 'const_minus_one_1d'], output: [flat], name: flat },
      { opType: 'Gather', input: [copy.name!, flat], output: [rows], name: rows, attribute: [{ name: 'axis', type: AT.INT, i: 0 }] },
      { opType: 'Transpose', input: [rows], output: [columns], name: columns, attribute: [{ name: 'perm', type: AT.INTS, ints: [1, 0] }] },
      { opType: 'Shape', input: [ids], output: [idsShape], name: idsShape },
      { opType: 'Concat', input: [made.widths.get(tableName)!.name!, idsShape], output: [shape], name: shape, attribute: [{ name: 'axis', type: AT.INT, i: 0 }] },
      { opType: 'Reshape', input: [columns, shape], output: [n.output![0]!], name: n.name ?? n.output![0]! },
    );
  }
  return out;
}
