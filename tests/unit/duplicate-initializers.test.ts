/** The repair of ONNX Runtime 1.30's optimised save (duplicate-initializers.ts), on small hand-made models. */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { DuplicateInitializerError, dropDuplicateInitializers } from '../../src/engine/generation/duplicate-initializers.js';

const { onnx } = onnxProto;

const tensor = (name: string, values: number[]) => ({ name, dataType: onnx.TensorProto.DataType.INT64, dims: [values.length], int64Data: values });

/** A main graph with a BeamSearch-like node whose `encoder` subgraph holds the given initializers. */
function model(main: ReturnType<typeof tensor>[], encoder: ReturnType<typeof tensor>[]): Uint8Array {
  const sub = { name: 'encoder', initializer: encoder, node: [{ opType: 'Unsqueeze', input: ['x', 'axes'], output: ['y'] }] };
  return onnx.ModelProto.encode({
    irVersion: 8,
    graph: { name: 'main', initializer: main, node: [{ name: 'BeamSearch_node', opType: 'BeamSearch', attribute: [{ name: 'encoder', type: onnx.AttributeProto.AttributeType.GRAPH, g: sub }] }] },
  }).finish();
}

const names = (g: onnxProto.onnx.IGraphProto | null | undefined) => (g?.initializer ?? []).map((t) => t.name);

describe('dropping duplicate initializers', () => {
  it('drops identical second copies in the main graph and in subgraphs, keeping everything else in order', () => {
    const bytes = model([tensor('w', [1, 2]), tensor('w', [1, 2]), tensor('v', [3])], [tensor('e/rest_5', [7]), tensor('axes', [0]), tensor('e/rest_5', [7]), tensor('axes', [0])]);
    const { bytes: repaired, dropped } = dropDuplicateInitializers(bytes);
    expect(dropped).toEqual(['main: w', 'BeamSearch_node/encoder: e/rest_5', 'BeamSearch_node/encoder: axes']);
    const m = onnx.ModelProto.decode(repaired);
    expect(names(m.graph)).toEqual(['w', 'v']);
    expect(names(m.graph!.node![0]!.attribute![0]!.g)).toEqual(['e/rest_5', 'axes']);
    expect(m.graph!.node![0]!.attribute![0]!.g!.initializer![0]!.int64Data!.map(Number)).toEqual([7]);
    // Nothing else changed: the node, its subgraph's node.
    expect(m.graph!.node![0]!.opType).toBe('BeamSearch');
    expect(m.graph!.node![0]!.attribute![0]!.g!.node![0]!.input).toEqual(['x', 'axes']);
  });

  it('returns the bytes given when nothing is repeated', () => {
    const bytes = model([tensor('w', [1])], [tensor('a', [0])]);
    const result = dropDuplicateInitializers(bytes);
    expect(result.dropped).toEqual([]);
    expect(result.bytes).toBe(bytes);
  });

  it('refuses two different tensors under one name (guessing which one was meant could change results)', () => {
    expect(() => dropDuplicateInitializers(model([], [tensor('e/rest_5', [7]), tensor('e/rest_5', [8])]))).toThrow(DuplicateInitializerError);
    expect(() => dropDuplicateInitializers(model([tensor('w', [1, 2]), { ...tensor('w', [1, 2]), dims: [2, 1] }], []))).toThrow(/^main: two different initializers are named w$/);
  });
});
