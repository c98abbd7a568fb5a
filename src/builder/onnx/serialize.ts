import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import onnxProto from 'onnx-proto';
import type { Attr, DataType, Graph, Model, Tensor, ValueInfo } from './ir.js';

const { onnx } = onnxProto;
type IGraphProto = onnxProto.onnx.IGraphProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;
type IValueInfoProto = onnxProto.onnx.IValueInfoProto;

const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

const dataTypeCode: Record<DataType, number> = {
  float: DT.FLOAT,
  uint8: DT.UINT8,
  int8: DT.INT8,
  int32: DT.INT32,
  int64: DT.INT64,
  bool: DT.BOOL,
};

/** IR version 8 with opset 17 (LayerNormalization); ONNX Runtime ≥ 1.12 loads it. */
export const IR_VERSION = 8;
export const OPSET = 17;

function tensorProto(name: string, t: Tensor): ITensorProto {
  // raw_data is little-endian; typed arrays on every platform Node supports are little-endian too.
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { name, dims: t.dims, dataType: dataTypeCode[t.dataType], rawData: raw };
}

function valueInfo(v: ValueInfo): IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: dataTypeCode[v.dataType],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attrProto(name: string, a: Attr): IAttributeProto {
  switch (a.kind) {
    case 'int':
      return { name, type: AT.INT, i: a.value };
    case 'float':
      return { name, type: AT.FLOAT, f: a.value };
    case 'ints':
      return { name, type: AT.INTS, ints: a.value };
    case 'string':
      return { name, type: AT.STRING, s: new TextEncoder().encode(a.value) };
    case 'tensor':
      return { name, type: AT.TENSOR, t: tensorProto('', a.value) };
    case 'graph':
      return { name, type: AT.GRAPH, g: graphProto(a.value) };
  }
}

function graphProto(g: Graph): IGraphProto {
  return {
    name: g.name,
    node: g.nodes.map((n) => ({
      name: n.name,
      opType: n.op,
      ...(n.domain ? { domain: n.domain } : {}),
      input: n.inputs,
      output: n.outputs,
      attribute: Object.entries(n.attrs).map(([k, a]) => attrProto(k, a)),
    })),
    initializer: [...g.initializers].map(([name, t]) => tensorProto(name, t)),
    input: g.inputs.map(valueInfo),
    output: g.outputs.map(valueInfo),
  };
}

/** Serializes a model. Deterministic: no timestamps, insertion-ordered tables. */
export function serializeModel(m: Model): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    producerName: m.producer,
    opsetImport: m.opsetImports,
    graph: graphProto(m.graph),
  }).finish();
}

/** A protobuf varint (a length or a tag). */
function varint(n: number): Buffer {
  const out: number[] = [];
  for (; n > 0x7f; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  out.push(n);
  return Buffer.from(out);
}

/** Field tags (field number << 3 | wire type 2): ModelProto.graph, GraphProto.initializer, TensorProto.raw_data. */
const GRAPH_TAG = varint((7 << 3) | 2);
const INITIALIZER_TAG = varint((5 << 3) | 2);
const RAW_DATA_TAG = varint((9 << 3) | 2);

const bytesOf = (w: { finish(): Uint8Array }) => Buffer.from(w.finish());

/**
 * The bytes serializeModel makes, as a list of pieces: the weights are views of the tensors'
 * own memory, never copied into one buffer. Protobuf writes each message's fields in field-number
 * order, so a message is the concatenation of the encodings of its field groups, and a weight's
 * TensorProto is its other fields followed by raw_data (field 9, the last one set).
 */
export function modelPieces(m: Model): Buffer[] {
  const g = m.graph;
  const head = bytesOf(onnx.ModelProto.encode({ irVersion: IR_VERSION, producerName: m.producer }));
  const tail = bytesOf(onnx.ModelProto.encode({ opsetImport: m.opsetImports }));
  const full = graphProto(g);
  const graphHead = bytesOf(onnx.GraphProto.encode({ node: full.node!, name: full.name! }));
  const graphTail = bytesOf(onnx.GraphProto.encode({ input: full.input!, output: full.output! }));
  const weights: Buffer[] = [];
  for (const [name, t] of g.initializers) {
    const fields = bytesOf(onnx.TensorProto.encode({ name, dims: t.dims, dataType: dataTypeCode[t.dataType] }));
    const raw = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    const rawLength = varint(raw.length);
    weights.push(INITIALIZER_TAG, varint(fields.length + RAW_DATA_TAG.length + rawLength.length + raw.length), fields, RAW_DATA_TAG, rawLength, raw);
  }
  const graphLength = graphHead.length + weights.reduce((a, b) => a + b.length, 0) + graphTail.length;
  return [head, GRAPH_TAG, varint(graphLength), graphHead, ...weights, graphTail, tail];
}

/** The most one write call writes (see writeModel). */
const WRITE_CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * Writes a model to `file`, the same bytes as serializeModel, without ever holding them in one
 * buffer: a transformer-big decoder is ~630 MB of fp32, which serializeModel copies into a new
 * buffer (seconds, and as much memory again), in one synchronous call. Written in bounded
 * pieces: a thread that is ended (a stopped conversion's worker) waits for the write in flight,
 * and one of a 224 MB embedding table took seconds on a loaded machine.
 */
export async function writeModel(file: string, m: Model): Promise<void> {
  function* chunks() {
    for (const piece of modelPieces(m)) {
      for (let at = 0; at < piece.length; at += WRITE_CHUNK_BYTES) yield piece.subarray(at, at + WRITE_CHUNK_BYTES);
    }
  }
  await pipeline(chunks, createWriteStream(file));
}
