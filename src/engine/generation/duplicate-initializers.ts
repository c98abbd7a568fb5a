/**
 * Repairs a model ONNX Runtime 1.30 saved after optimisation (optimizedModelFilePath): inside the
 * BeamSearch node's `encoder` subgraph it writes some initializers twice (e/rest_5,
 * UnsqueezeAxesInitializer, SliceAxesInitializer), byte for byte the same, and then refuses to load
 * the file ("initializer name is not unique"). Dropping the second copy of an entry that is identical
 * in every field changes nothing; two different tensors under one name are refused: that file is not
 * what the optimiser meant, and guessing which one it meant could change results.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Thrown when one graph holds two different initializers under one name. */
export class DuplicateInitializerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DuplicateInitializerError';
  }
}

export interface RepairedModel {
  /** The model, re-encoded if anything was dropped, else the bytes given. */
  bytes: Uint8Array;
  /** Names of the dropped copies, graph by graph (subgraphs as `node/attribute`). */
  dropped: string[];
}

type Graph = onnxProto.onnx.IGraphProto;

function dedupeGraph(graph: Graph, where: string, dropped: string[]): void {
  const seen = new Map<string, Buffer>();
  const kept = [];
  for (const tensor of graph.initializer ?? []) {
    const name = tensor.name ?? '';
    const encoded = Buffer.from(onnx.TensorProto.encode(tensor).finish());
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, encoded);
      kept.push(tensor);
      continue;
    }
    if (!first.equals(encoded)) throw new DuplicateInitializerError(`${where}: two different initializers are named ${name}`);
    dropped.push(`${where}: ${name}`);
  }
  graph.initializer = kept;
  for (const node of graph.node ?? []) {
    for (const attribute of node.attribute ?? []) {
      const inner = `${where === 'main' ? '' : `${where}/`}${node.name || node.opType}/${attribute.name}`;
      if (attribute.g) dedupeGraph(attribute.g, inner, dropped);
      for (const g of attribute.graphs ?? []) dedupeGraph(g, inner, dropped);
    }
  }
}

/** Drops repeated identical initializers from every graph of an encoded model. */
export function dropDuplicateInitializers(bytes: Uint8Array): RepairedModel {
  const model = onnx.ModelProto.decode(bytes);
  const dropped: string[] = [];
  if (model.graph) dedupeGraph(model.graph, 'main', dropped);
  return { bytes: dropped.length > 0 ? onnx.ModelProto.encode(model).finish() : bytes, dropped };
}
