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
