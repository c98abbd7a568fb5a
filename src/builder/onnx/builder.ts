import { tensor, type Attr, type DataType, type Graph, type Node, type Tensor, type ValueInfo } from './ir.js';

interface Shared {
  /** ONNX wants value and node names unique across the whole model, If branches included. */
  counter: { n: number };
  /** The root graph's initializers: weights are stored once; branches read them from outer scope. */
  inits: Map<string, Tensor>;
  constCache: Map<string, string>;
}

/** Emits nodes into a Graph with unique, readable value names. */
export class GraphBuilder {
  readonly graph: Graph;
  private readonly shared: Shared;

  constructor(name: string, shared?: Shared) {
    this.graph = { name, nodes: [], inputs: [], outputs: [], initializers: new Map() };
    this.shared = shared ?? { counter: { n: 0 }, inits: this.graph.initializers, constCache: new Map() };
  }

  /** A graph for an If branch. */
  branch(name: string): GraphBuilder {
    return new GraphBuilder(name, this.shared);
  }

  input(name: string, dataType: DataType, shape: ValueInfo['shape']): string {
    this.graph.inputs.push({ name, dataType, shape });
    return name;
  }

  /** Declares a graph output; an Identity is added when the value has another name (or comes from outer scope). */
  output(name: string, dataType: DataType, shape: ValueInfo['shape'], from: string): void {
    if (from !== name) this.node('Identity', [from], [name]);
    this.graph.outputs.push({ name, dataType, shape });
  }

  /** Adds a weight (to the root graph) and returns its name. */
  weight(name: string, t: Tensor): string {
    if (this.shared.inits.has(name)) throw new Error(`duplicate initializer ${name}`);
    this.shared.inits.set(name, t);
    return name;
  }

  /** A small constant, deduplicated by value, stored as an initializer. */
  const(dataType: DataType, dims: number[], values: number[]): string {
    const key = `${dataType}:${dims.join('x')}:${values.join(',')}`;
    const hit = this.shared.constCache.get(key);
    if (hit) return hit;
    let data: Tensor['data'];
    if (dataType === 'float') data = Float32Array.from(values);
    else if (dataType === 'int64') data = BigInt64Array.from(values.map((v) => BigInt(v)));
    else if (dataType === 'int32') data = Int32Array.from(values);
    else if (dataType === 'int8') data = Int8Array.from(values);
    else data = Uint8Array.from(values);
    const name = this.weight(`const_${this.shared.counter.n++}`, tensor(dataType, dims, data));
    this.shared.constCache.set(key, name);
    return name;
  }

  ints(values: number[]): string {
    return this.const('int64', [values.length], values);
  }

  scalar(value: number, dataType: DataType = 'float'): string {
    return this.const(dataType, [], [value]);
  }

  /** Emits one node with a single output; returns the output's name. */
  op(op: string, inputs: string[], attrs: Record<string, Attr> = {}, outName?: string, domain?: string): string {
    const out = outName ?? this.fresh(op.toLowerCase());
    this.node(op, inputs, [out], attrs, domain);
    return out;
  }

  /** Emits one node with any number of outputs. */
  node(op: string, inputs: string[], outputs: string[], attrs: Record<string, Attr> = {}, domain?: string): Node {
    const n: Node = { op, name: `${op}_${this.shared.counter.n++}`, inputs, outputs, attrs, ...(domain ? { domain } : {}) };
    this.graph.nodes.push(n);
    return n;
  }

  fresh(prefix: string): string {
    return `${prefix}_${this.shared.counter.n++}`;
  }
}
