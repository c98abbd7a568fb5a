import { allGraphs, attr, tensor, type Graph, type Model, type Node, type Tensor } from './ir.js';

/**
 * Dynamic int8 quantization in the form ONNX Runtime's `quantize_dynamic` produces:
 *
 * - MatMul(x, W) with a constant W → DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q) → Cast →
 *   Mul(x_scale · W_scale). W is int8, symmetric, one scale per tensor (ORT's defaults). ORT fuses
 *   this at load time into its DynamicQuantizeMatMul kernel.
 * - Gather(E, ids) with a constant E → Gather on uint8 E_q, then DequantizeLinear.
 * - The tied LM head, Gemm(x, E, bias, transB=1) where E is also a Gather table: the same uint8
 *   E_q is the *left* MatMulInteger operand (E_q · x_qᵀ, then a small transpose of the [vocab, N]
 *   result), so the file holds one copy of the embedding matrix, as the published q8 files do.
 *
 * Activations are quantized per tensor at run time, exactly like ORT: a value anywhere in the
 * batch changes the scale for every row (see README: batch vs one-by-one).
 */
export function quantizeDynamic(model: Model): Model {
  const root = model.graph;
  const inits = new Map(root.initializers);
  const q = new Quantizer(inits);
  const newRoot = q.rewriteGraph(root, true);
  newRoot.initializers = inits;
  // Drop float weights no node reads any more.
  const used = new Set<string>();
  for (const g of allGraphs(newRoot)) for (const n of g.nodes) for (const i of n.inputs) used.add(i);
  for (const name of [...inits.keys()]) if (!used.has(name)) inits.delete(name);
  return { ...model, graph: newRoot };
}

/** Round half to even, as numpy.rint (which ORT's Python quantizer uses). */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface QuantizedInt8 {
  data: Int8Array;
  scale: number;
}

export interface QuantizedUint8 {
  data: Uint8Array;
  scale: number;
  zeroPoint: number;
}

/** Symmetric int8, zero point 0: scale = 2·max|w| / 255 (ORT's QInt8 with symmetric weights). */
export function quantizeInt8Symmetric(w: Float32Array): QuantizedInt8 {
  let absMax = 0;
  for (const v of w) absMax = Math.max(absMax, Math.abs(v));
  const scale = absMax === 0 ? 1 : Math.fround((2 * absMax) / 255);
  const data = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) data[i] = Math.max(-128, Math.min(127, rint(w[i]! / scale)));
  return { data, scale };
}

/** Asymmetric uint8 over [min(w, 0), max(w, 0)], as ORT's QUInt8 (and DynamicQuantizeLinear). */
export function quantizeUint8(w: Float32Array): QuantizedUint8 {
  let lo = 0;
  let hi = 0;
  for (const v of w) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi === lo ? 1 : Math.fround((hi - lo) / 255);
  const zeroPoint = Math.max(0, Math.min(255, rint(-lo / scale)));
  const data = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++) data[i] = Math.max(0, Math.min(255, rint(w[i]! / scale) + zeroPoint));
  return { data, scale, zeroPoint };
}

class Quantizer {
  private n = 0;
  private readonly int8Done = new Map<string, { q: string; s: string; zp: string }>();
  private readonly uint8Done = new Map<string, { q: string; s: string; zp: string }>();

  constructor(private readonly inits: Map<string, Tensor>) {}

  rewriteGraph(g: Graph, isRoot: boolean): Graph {
    const nodes: Node[] = [];
    // Gather tables first, so the tied Gemm finds its uint8 table wherever it appears.
    for (const sub of allGraphs(g)) for (const n of sub.nodes) if (n.op === 'Gather' && this.isFloatWeight(n.inputs[0], 2)) this.uint8Weight(n.inputs[0]!);
    for (const n of g.nodes) {
      const sub = Object.fromEntries(
        Object.entries(n.attrs).map(([k, a]) => [k, a.kind === 'graph' ? attr.graph(this.rewriteGraph(a.value, false)) : a]),
      );
      const node = { ...n, attrs: sub };
      if (n.op === 'MatMul' && this.isFloatWeight(n.inputs[1], 2)) nodes.push(...this.matMul(node));
      else if (n.op === 'Gather' && this.uint8Done.has(n.inputs[0]!)) nodes.push(...this.gather(node));
      else if (n.op === 'Gemm' && this.uint8Done.has(n.inputs[1]!)) nodes.push(...this.tiedHead(node));
      else nodes.push(node);
    }
    return { ...g, nodes, initializers: isRoot ? g.initializers : new Map(g.initializers) };
  }

  private isFloatWeight(name: string | undefined, rank: number): boolean {
    const t = name === undefined ? undefined : this.inits.get(name);
    return t !== undefined && t.dataType === 'float' && t.dims.length === rank;
  }

  private name(base: string): string {
    return `${base}_q${this.n++}`;
  }

  private int8Weight(w: string): { q: string; s: string; zp: string } {
    const hit = this.int8Done.get(w);
    if (hit) return hit;
    const t = this.inits.get(w)!;
    const r = quantizeInt8Symmetric(t.data as Float32Array);
    const names = { q: `${w}_quantized`, s: `${w}_scale`, zp: `${w}_zero_point` };
    this.inits.set(names.q, tensor('int8', t.dims, r.data));
    this.inits.set(names.s, tensor('float', [], Float32Array.of(r.scale)));
    this.inits.set(names.zp, tensor('int8', [], Int8Array.of(0)));
    this.int8Done.set(w, names);
    return names;
  }

  private uint8Weight(w: string): { q: string; s: string; zp: string } {
    const hit = this.uint8Done.get(w);
    if (hit) return hit;
    const t = this.inits.get(w)!;
    const r = quantizeUint8(t.data as Float32Array);
    const names = { q: `${w}_quantized`, s: `${w}_scale`, zp: `${w}_zero_point` };
    this.inits.set(names.q, tensor('uint8', t.dims, r.data));
    this.inits.set(names.s, tensor('float', [], Float32Array.of(r.scale)));
    this.inits.set(names.zp, tensor('uint8', [], Uint8Array.of(r.zeroPoint)));
    this.uint8Done.set(w, names);
    return names;
  }

  private mk(op: string, inputs: string[], outputs: string[], attrs: Node['attrs'] = {}): Node {
    return { op, name: this.name(op), inputs, outputs, attrs };
  }

  /** The activation quantization: uint8, scale and zero point computed per tensor at run time. */
  private dynQuant(x: string): { nodes: Node[]; q: string; s: string; zp: string } {
    const q = this.name(`${x}_quantized`);
    const s = this.name(`${x}_scale`);
    const zp = this.name(`${x}_zero_point`);
    return { nodes: [this.mk('DynamicQuantizeLinear', [x], [q, s, zp])], q, s, zp };
  }

  private matMul(n: Node): Node[] {
    const [x, wName] = n.inputs as [string, string];
    const w = this.int8Weight(wName);
    const a = this.dynQuant(x);
    const mm = this.name(`${n.outputs[0]}_int32`);
    const f = this.name(`${n.outputs[0]}_float`);
    const scale = this.name(`${n.outputs[0]}_scale`);
    return [
      ...a.nodes,
      this.mk('MatMulInteger', [a.q, w.q, a.zp, w.zp], [mm]),
      this.mk('Cast', [mm], [f], { to: attr.int(1) }),
      this.mk('Mul', [a.s, w.s], [scale]),
      this.mk('Mul', [f, scale], [n.outputs[0]!]),
    ];
  }

  private gather(n: Node): Node[] {
    const [data, ids] = n.inputs as [string, string];
    const w = this.uint8Done.get(data)!;
    const g = this.name(`${n.outputs[0]}_quantized`);
    return [
      this.mk('Gather', [w.q, ids], [g], n.attrs),
      this.mk('DequantizeLinear', [g, w.s, w.zp], [n.outputs[0]!]),
    ];
  }

  private tiedHead(n: Node): Node[] {
    const [x, e, bias] = n.inputs as [string, string, string | undefined];
    const ta = n.attrs['transA'];
    const tb = n.attrs['transB'];
    if ((ta && ta.kind === 'int' && ta.value !== 0) || !tb || tb.kind !== 'int' || tb.value !== 1) {
      throw new Error(`quantizer: Gemm ${n.name} must be x·Eᵀ (transB=1) to share the embedding table`);
    }
    const w = this.uint8Done.get(e)!;
    const a = this.dynQuant(x);
    const xT = this.name(`${x}_quantized_t`);
    const mm = this.name(`${n.outputs[0]}_int32_t`);
    const f = this.name(`${n.outputs[0]}_float_t`);
    const scale = this.name(`${n.outputs[0]}_scale`);
    const scaled = this.name(`${n.outputs[0]}_scaled_t`);
    const out = bias ? this.name(`${n.outputs[0]}_nobias`) : n.outputs[0]!;
    const nodes = [
      ...a.nodes,
      this.mk('Transpose', [a.q], [xT], { perm: attr.ints([1, 0]) }),
      this.mk('MatMulInteger', [w.q, xT, w.zp, a.zp], [mm]),
      this.mk('Cast', [mm], [f], { to: attr.int(1) }),
      this.mk('Mul', [a.s, w.s], [scale]),
      this.mk('Mul', [f, scale], [scaled]),
      this.mk('Transpose', [scaled], [out], { perm: attr.ints([1, 0]) }),
    ];
    if (bias) nodes.push(this.mk('Add', [out, bias], [n.outputs[0]!]));
    return nodes;
  }
}
