/** Column lookups in a transposed table turned into row lookups (row-major-lookups.ts), run in ONNX Runtime. */
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { rowMajorTables, withRowMajorLookups } from '../../src/engine/generation/row-major-lookups.js';

const { onnx } = onnxProto;
const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;
type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;

const D = 3;
const V = 7;
/** A [D, V] table whose every element is distinct, as int8 and as float. */
const int8Table: ITensor = { name: 'table', dims: [D, V], dataType: DT.INT8, rawData: Uint8Array.from({ length: D * V }, (_, i) => (i * 11 + 3) & 0xff) };
const floatTable: ITensor = { name: 'table', dims: [D, V], dataType: DT.FLOAT, rawData: new Uint8Array(Float32Array.from({ length: D * V }, (_, i) => i * 0.5 - 3).buffer) };
/** The same float table with its bytes at an odd offset of a larger buffer, as decoded raw data can lie. */
const unalignedBytes = new Uint8Array(D * V * 4 + 1);
unalignedBytes.set(floatTable.rawData!, 1);
const unalignedFloatTable: ITensor = { ...floatTable, rawData: unalignedBytes.subarray(1) };
const minusOne: ITensor = { name: 'const_minus_one_1d', dims: [1], dataType: DT.INT64, rawData: new Uint8Array(BigInt64Array.of(-1n).buffer) };

const lookup = (axis: number): INode => ({ opType: 'Gather', input: ['table', 'ids'], output: ['y'], name: 'lookup', attribute: [{ name: 'axis', type: AT.INT, i: axis }] });

function fresh(): (stem: string) => string {
  let n = 0;
  return (stem) => `${stem}_${n++}`;
}

async function run(nodes: INode[], initializers: ITensor[], ids: bigint[], idsDims: number[]): Promise<ort.Tensor> {
  const elemType = Number(initializers.find((t) => t.name === 'table')!.dataType);
  const model = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'lookup',
      node: nodes,
      initializer: initializers,
      input: [{ name: 'ids', type: { tensorType: { elemType: DT.INT64, shape: { dim: idsDims.map((d) => ({ dimValue: d })) } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType } } }],
    },
  }).finish();
  const session = await ort.InferenceSession.create(model, { logSeverityLevel: 3 });
  try {
    return (await session.run({ ids: new ort.Tensor('int64', BigInt64Array.from(ids), idsDims) }))['y']!;
  } finally {
    await session.release();
  }
}

describe('row-major lookups', () => {
  for (const [kind, table] of [
    ['int8', int8Table],
    ['float', floatTable],
    ['float, unaligned bytes', unalignedFloatTable],
  ] as const) {
    for (const [ids, dims] of [
      [[4n, 0n], [2, 1]],
      [[6n, 1n, 1n, 3n], [4]],
      [[2n, 5n, 0n, 6n], [2, 2]],
    ] as const) {
      it(`gives the column lookup's values, bit for bit (${kind} table, ids [${dims.join(', ')}])`, async () => {
        for (const axis of [1, -1]) {
          const made = rowMajorTables();
          const rewritten = withRowMajorLookups([lookup(axis)], new Map([['table', table]]), made, fresh());
          // Nothing reads the table by column any more; one row-major copy was made.
          expect(rewritten.some((n) => n.opType === 'Gather' && n.input![0] === 'table')).toBe(false);
          expect([...made.copies.values()].map((t) => t.dims!.map(Number))).toEqual([[V, D]]);
          const before = await run([lookup(axis)], [table], [...ids], [...dims]);
          const after = await run(rewritten, [table, minusOne, ...made.copies.values(), ...made.widths.values()], [...ids], [...dims]);
          expect(after.dims).toEqual(before.dims);
          expect(after.dims).toEqual([D, ...dims]);
          expect(Buffer.from((after.data as Int8Array | Float32Array).buffer).equals(Buffer.from((before.data as Int8Array | Float32Array).buffer))).toBe(true);
        }
      });
    }
  }

  it('makes one copy per table, however many lookups read it', () => {
    const made = rowMajorTables();
    const tables = new Map([['table', int8Table]]);
    const name = fresh();
    withRowMajorLookups([lookup(1)], tables, made, name);
    withRowMajorLookups([{ ...lookup(1), output: ['y2'], name: 'lookup2' }], tables, made, name);
    expect(made.copies.size).toBe(1);
  });

  it('leaves row lookups, other tables and tables without inline bytes alone', () => {
    const made = rowMajorTables();
    const external: ITensor = { name: 'table', dims: [D, V], dataType: DT.INT8, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL, externalData: [{ key: 'location', value: 'weights.bin' }] };
    const cube: ITensor = { name: 'table', dims: [1, D, V], dataType: DT.INT8, rawData: new Uint8Array(D * V) };
    const other: INode = { ...lookup(1), input: ['not_a_table', 'ids'] };
    for (const [nodes, table] of [
      [[lookup(0)], int8Table],
      [[other], int8Table],
      [[lookup(1)], external],
      [[lookup(2)], cube],
    ] as const) {
      expect(withRowMajorLookups([...nodes], new Map([['table', table]]), made, fresh())).toEqual(nodes);
    }
    expect(made.copies.size).toBe(0);
  });
});
