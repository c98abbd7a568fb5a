/**
 * A small in-memory ONNX graph representation. The model builders emit this; the quantizer
 * rewrites it; serialize.ts turns it into protobuf bytes. Keeping our own IR (instead of building
 * protobuf objects directly) lets the quantizer inspect and rewrite nodes without decoding bytes.
 */

export type DataType = 'float' | 'uint8' | 'int8' | 'int32' | 'int64' | 'bool';

export type TensorData = Float32Array | Uint8Array | Int8Array | Int32Array | BigInt64Array;

export interface Tensor {
  dataType: DataType;
  dims: number[];
  data: TensorData;
}

/** A dimension: a fixed size or a symbolic name (Transformers.js reads these names, see README). */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  dataType: DataType;
  shape: Dim[];
}

export type Attr =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: Tensor }
  | { kind: 'graph'; value: Graph };

export interface Node {
  op: string;
  domain?: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Insertion-ordered, so serialization is deterministic. */
  initializers: Map<string, Tensor>;
}

export interface Model {
  graph: Graph;
  opsetImports: { domain: string; version: number }[];
  producer: string;
}

export function tensor(dataType: DataType, dims: number[], data: TensorData): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new Error(`tensor data length ${data.length} does not match dims [${dims.join(', ')}]`);
  return { dataType, dims, data };
}

export const attr = {
  int: (value: number): Attr => ({ kind: 'int', value }),
  float: (value: number): Attr => ({ kind: 'float', value }),
  ints: (value: number[]): Attr => ({ kind: 'ints', value }),
  string: (value: string): Attr => ({ kind: 'string', value }),
  tensor: (value: Tensor): Attr => ({ kind: 'tensor', value }),
  graph: (value: Graph): Attr => ({ kind: 'graph', value }),
};

/** Walks a graph and all its subgraphs (If branches), depth first. */
export function* allGraphs(g: Graph): Generator<Graph> {
  yield g;
  for (const n of g.nodes) {
    for (const a of Object.values(n.attrs)) if (a.kind === 'graph') yield* allGraphs(a.value);
  }
}
