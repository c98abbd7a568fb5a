import { allGraphs, attr, tensor, type Graph, type Model, type Node, type Tensor } from './ir.js';

/**
 * Dynamic int8 quantization in the form ONNX Runtime's `quantize_dynamic` produces:
 *
 * - MatMul(x, W) with a constant W → DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q) → Cast →
 *   Mul(x_scale · W_scale). W is int8, symmetric, one scale per tensor (ORT's defaults). ORT fuses
 *   this at load time into its DynamicQuantizeMatMul kernel.
 * - Gather(E, ids) with a constant E → Gather on uint8 E_q, then DequantizeLinear.
 * - The tied LM head, Gemm(x, E, bias, transB=1) where E [vocab, d] is also a Gather table: E is
 *   stored once, transposed and int8 ([d, vocab], the layout of an ordinary MatMul weight), so
 *   the head is the plain MatMul pattern above (and gets ORT's fused, prepacked int8 kernel; it
 *   is most of the decoder's work per step), while the embedding lookup gathers columns of the
 *   same tensor (Gather axis 1, then a transpose of the few looked-up rows). One copy of the
 *   embedding matrix, as in the published q8 files.
 *
 * Activations are quantized per tensor at run time, exactly like ORT: a value anywhere in the
 * batch changes the scale for every row (see README: batch vs one-by-one).
 */
export interface QuantizeOptions {
  /**
   * One int8 scale per output column of each MatMul weight (and per vocabulary entry of the tied
   * embedding) instead of one per tensor: ORT's `quantize_dynamic(per_channel=True)`.
   */
  perChannel?: boolean;
}

export function quantizeDynamic(model: Model, options: QuantizeOptions = {}): Model {
  const root = model.graph;
  const inits = new Map(root.initializers);
  const q = new Quantizer(inits, options.perChannel ?? false);
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

/** Symmetric int8 with one scale per column of a row-major [rows, cols] matrix. */
export function quantizeInt8PerColumn(w: Float32Array, rows: number, cols: number): { data: Int8Array; scales: Float32Array } {
  const absMax = new Float32Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) absMax[c] = Math.max(absMax[c]!, Math.abs(w[r * cols + c]!));
  const scales = new Float32Array(cols);
  for (let c = 0; c < cols; c++) scales[c] = absMax[c] === 0 ? 1 : Math.fround((2 * absMax[c]!) / 255);
  const data = new Int8Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = Math.max(-128, Math.min(127, rint(w[r * cols + c]! / scales[c]!)));
  return { data, scales };
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
  /** Tables read by both a Gather and a transB Gemm (tied embeddings): stored once as int8 [d, vocab]. */
  private readonly tied = new Map<string, { q: string; s: string; zp: string }>();

  constructor(
    private readonly inits: Map<string, Tensor>,
    private readonly perChannel: boolean,
  ) {}

  /** int8 initializers for a [rows, cols] weight: per tensor, or per column when perChannel. */
  private setInt8(names: { q: string; s: string; zp: string }, w: Float32Array, rows: number, cols: number): void {
    if (this.perChannel) {
      const r = quantizeInt8PerColumn(w, rows, cols);
      this.inits.set(names.q, tensor('int8', [rows, cols], r.data));
      this.inits.set(names.s, tensor('float', [cols], r.scales));
      this.inits.set(names.zp, tensor('int8', [cols], new Int8Array(cols)));
    } else {
      const r = quantizeInt8Symmetric(w);
      this.inits.set(names.q, tensor('int8', [rows, cols], r.data));
      this.inits.set(names.s, tensor('float', [], Float32Array.of(r.scale)));
      this.inits.set(names.zp, tensor('int8', [], Int8Array.of(0)));
    }
  }

  rewriteGraph(g: Graph, isRoot: boolean): Graph {
    const nodes: Node[] = [];
    // Find tied tables first: the Gather and the Gemm may sit in different (sub)graphs.
    const gathered = new Set<string>();
    const gemmB = new Set<string>();
    for (const sub of allGraphs(g)) {
      for (const n of sub.nodes) {
        if (n.op === 'Gather' && this.isFloatWeight(n.inputs[0], 2)) gathered.add(n.inputs[0]!);
        const tb = n.attrs['transB'];
        if (n.op === 'Gemm' && tb?.kind === 'int' && tb.value === 1 && this.isFloatWeight(n.inputs[1], 2)) gemmB.add(n.inputs[1]!);
      }
    }
    for (const name of gathered) {
      if (gemmB.has(name)) this.tiedWeight(name);
      else this.uint8Weight(name);
    }
    for (const n of g.nodes) {
      const sub = Object.fromEntries(
        Object.entries(n.attrs).map(([k, a]) => [k, a.kind === 'graph' ? attr.graph(this.rewriteGraph(a.value, false)) : a]),
      );
      const node = { ...n, attrs: sub };
      if (n.op === 'MatMul' && this.isFloatWeight(n.inputs[1], 2)) nodes.push(...this.matMul(node));
      else if (n.op === 'Gather' && this.tied.has(n.inputs[0]!)) nodes.push(...this.tiedGather(node));
      else if (n.op === 'Gather' && this.uint8Done.has(n.inputs[0]!)) nodes.push(...this.gather(node));
      else if (n.op === 'Gemm' && this.tied.has(n.inputs[1]!)) nodes.push(...this.tiedHead(node));
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
    const names = { q: `${w}_quantized`, s: `${w}_scale`, zp: `${w}_zero_point` };
    const [rows, cols] = t.dims as [number, number];
    this.setInt8(names, t.data as Float32Array, rows, cols);
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

  private tiedWeight(w: string): { q: string; s: string; zp: string } {
    const hit = this.tied.get(w);
    if (hit) return hit;
    const t = this.inits.get(w)!;
    const [rows, cols] = t.dims as [number, number];
    const src = t.data as Float32Array;
    const transposed = new Float32Array(src.length);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) transposed[c * rows + r] = src[r * cols + c]!;
    const names = { q: `${w}_transposed_quantized`, s: `${w}_transposed_scale`, zp: `${w}_transposed_zero_point` };
    this.setInt8(names, transposed, cols, rows);
    this.tied.set(w, names);
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
    return this.matMulWith(x, this.int8Weight(wName), n.outputs[0]!);
  }

  private matMulWith(x: string, w: { q: string; s: string; zp: string }, out: string): Node[] {
    const a = this.dynQuant(x);
    const mm = this.name(`${out}_int32`);
    const f = this.name(`${out}_float`);
    const scale = this.name(`${out}_scale`);
    return [
      ...a.nodes,
      this.mk('MatMulInteger', [a.q, w.q, a.zp, w.zp], [mm]),
      this.mk('Cast', [mm], [f], { to: attr.int(1) }),
      this.mk('Mul', [a.s, w.s], [scale]),
      this.mk('Mul', [f, scale], [out]),
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

  /** Embedding lookup from the [d, vocab] table: columns gathered, then [d, B, T] → [B, T, d]. */
  private tiedGather(n: Node): Node[] {
    const [data, ids] = n.inputs as [string, string];
    const axis = n.attrs['axis'];
    if (axis && axis.kind === 'int' && axis.value !== 0) throw new Error(`quantizer: Gather ${n.name} on a tied table must use axis 0`);
    const w = this.tied.get(data)!;
    const cols = this.name(`${n.outputs[0]}_quantized_columns`);
    const rows = this.name(`${n.outputs[0]}_quantized`);
    if (this.perChannel) {
      // Each looked-up token has its own scale: gather the scales with the ids, [B, T] → [B, T, 1].
      const f = this.name(`${n.outputs[0]}_float`);
      const s = this.name(`${n.outputs[0]}_scales`);
      const s3 = this.name(`${n.outputs[0]}_scales_3d`);
      const axes = this.name('axes_minus1');
      this.inits.set(axes, tensor('int64', [1], BigInt64Array.of(-1n)));
      return [
        this.mk('Gather', [w.q, ids], [cols], { axis: attr.int(1) }),
        this.mk('Transpose', [cols], [rows], { perm: attr.ints([1, 2, 0]) }),
        this.mk('Cast', [rows], [f], { to: attr.int(1) }),
        this.mk('Gather', [w.s, ids], [s], { axis: attr.int(0) }),
        this.mk('Unsqueeze', [s, axes], [s3]),
        this.mk('Mul', [f, s3], [n.outputs[0]!]),
      ];
    }
    return [
      this.mk('Gather', [w.q, ids], [cols], { axis: attr.int(1) }),
      // ids are [batch, sequence] (input_ids); the builder emits no other tied lookup.
      this.mk('Transpose', [cols], [rows], { perm: attr.ints([1, 2, 0]) }),
      this.mk('DequantizeLinear', [rows, w.s, w.zp], [n.outputs[0]!]),
    ];
  }

  /** x·Eᵀ + bias as the ordinary dynamic-quantized MatMul on the stored [d, vocab] table. */
  private tiedHead(n: Node): Node[] {
    const [x, e, bias] = n.inputs as [string, string, string | undefined];
    const ta = n.attrs['transA'];
    if (ta && ta.kind === 'int' && ta.value !== 0) throw new Error(`quantizer: Gemm ${n.name} with transA is not supported`);
    const w = this.tied.get(e)!;
    const out = bias ? this.name(`${n.outputs[0]}_nobias`) : n.outputs[0]!;
    const nodes = this.matMulWith(x, w, out);
    if (bias) nodes.push(this.mk('Add', [out, bias], [n.outputs[0]!]));
    return nodes;
  }
}
