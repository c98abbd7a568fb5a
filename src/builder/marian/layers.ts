import { GraphBuilder } from '../onnx/builder.js';
import { attr, tensor } from '../onnx/ir.js';
import type { MarianDims } from './dims.js';
import { headDim } from './dims.js';
import type { AttentionW, LayerNormW, Linear } from './weights.js';

/** What HF uses for masked attention scores: the most negative float32, so exp() gives exactly 0. */
export const MASK_VALUE = -3.4028234663852886e38;

/** Graph pieces shared by the encoder and decoder. Weight names follow the PyTorch state dict. */
export class MarianLayers {
  /**
   * [B, S, 1] float, 1 for tokens and 0 for padding, or undefined. When set, every activation
   * that feeds a (quantizable) MatMul is zeroed at padded positions. In fp32 this changes nothing
   * anyone reads (padded positions are masked keys and their outputs are ignored), but in the int8
   * twins ORT quantizes activations per tensor, and zeros never widen a range that already
   * includes 0: padding can then no longer change the scale used for real tokens.
   */
  rowMask: string | undefined;

  constructor(
    readonly g: GraphBuilder,
    readonly dims: MarianDims,
  ) {}

  /** Zeroes padded positions (see rowMask). */
  masked(x: string): string {
    return this.rowMask === undefined ? x : this.g.op('Mul', [x, this.rowMask]);
  }

  /** int64 mask [B, S] → float [B, S, 1] for rowMask. */
  setRowMask(mask: string): void {
    const m = this.g.op('Cast', [mask], { to: attr.int(1) });
    this.rowMask = this.g.op('Unsqueeze', [m, this.g.ints([2])]);
  }

  private get hd(): number {
    return headDim(this.dims);
  }

  /** MatMul with a constant [in, out] weight, then the bias: the pattern the quantizer rewrites. */
  linear(x: string, w: Linear, name: string): string {
    const W = this.g.weight(`${name}.weight`, tensor('float', [w.inDim, w.outDim], w.w));
    const B = this.g.weight(`${name}.bias`, tensor('float', [w.outDim], w.b));
    return this.g.op('Add', [this.g.op('MatMul', [x, W]), B]);
  }

  layerNorm(x: string, w: LayerNormW, name: string): string {
    const gamma = this.g.weight(`${name}.weight`, tensor('float', [this.dims.dModel], w.gamma));
    const beta = this.g.weight(`${name}.bias`, tensor('float', [this.dims.dModel], w.beta));
    return this.g.op('LayerNormalization', [x, gamma, beta], { axis: attr.int(-1), epsilon: attr.float(1e-5) });
  }

  /** [B, T, d] → [B, H, T, hd]. */
  splitHeads(x: string, g: GraphBuilder = this.g): string {
    const r = g.op('Reshape', [x, g.ints([0, -1, this.dims.heads, this.hd])]);
    return g.op('Transpose', [r], { perm: attr.ints([0, 2, 1, 3]) });
  }

  /** [B, H, T, hd] → [B, T, d]. */
  mergeHeads(x: string): string {
    const t = this.g.op('Transpose', [x], { perm: attr.ints([0, 2, 1, 3]) });
    return this.g.op('Reshape', [t, this.g.ints([0, -1, this.dims.dModel])]);
  }

  /** Queries scaled by head_dim^-0.5 after the projection, as in BartAttention/MarianAttention. */
  queries(x: string, w: AttentionW, name: string): string {
    const q = this.linear(x, w.q, `${name}.q_proj`);
    return this.splitHeads(this.g.op('Mul', [q, this.g.scalar(1 / Math.sqrt(this.hd))]));
  }

  /** softmax(q·kᵀ + mask)·v, then the output projection. q, k, v are [B, H, *, hd]; mask broadcasts to the scores. */
  attend(q: string, k: string, v: string, mask: string, w: AttentionW, name: string): string {
    const kT = this.g.op('Transpose', [k], { perm: attr.ints([0, 1, 3, 2]) });
    const scores = this.g.op('Add', [this.g.op('MatMul', [q, kT]), mask]);
    const probs = this.g.op('Softmax', [scores], { axis: attr.int(-1) });
    const ctx = this.masked(this.mergeHeads(this.g.op('MatMul', [probs, v])));
    return this.linear(ctx, w.o, `${name}.out_proj`);
  }

  /** fc2(activation(fc1(x))). */
  feedForward(x: string, fc1: Linear, fc2: Linear, name: string): string {
    const h = this.linear(x, fc1, `${name}.fc1`);
    const act = this.masked(this.activation(h));
    return this.linear(act, fc2, `${name}.fc2`);
  }

  /** The activations as PyTorch computes them (ACT2FN in transformers). */
  activation(h: string): string {
    const g = this.g;
    switch (this.dims.activation ?? 'swish') {
      case 'swish':
      case 'silu':
        return g.op('Mul', [h, g.op('Sigmoid', [h])]);
      case 'relu':
        return g.op('Relu', [h]);
      case 'gelu': {
        // 0.5·x·(1 + erf(x/√2)), the exact form nn.functional.gelu uses.
        const erf = g.op('Erf', [g.op('Mul', [h, g.scalar(Math.SQRT1_2)])]);
        return g.op('Mul', [g.op('Mul', [h, g.scalar(0.5)]), g.op('Add', [erf, g.scalar(1)])]);
      }
      case 'gelu_new': {
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
        const cube = g.op('Mul', [g.op('Mul', [h, h]), h]);
        const inner = g.op('Mul', [g.op('Add', [h, g.op('Mul', [cube, g.scalar(0.044715)])]), g.scalar(Math.sqrt(2 / Math.PI))]);
        return g.op('Mul', [g.op('Mul', [h, g.scalar(0.5)]), g.op('Add', [g.op('Tanh', [inner]), g.scalar(1)])]);
      }
    }
  }

  /** Post-LN residual: LayerNorm(x + sublayer(x)). */
  residualNorm(x: string, y: string, w: LayerNormW, name: string): string {
    return this.masked(this.layerNorm(this.g.op('Add', [x, y]), w, name));
  }

  /** int64 mask [B, S] (1 = token, 0 = pad) → additive float mask [B, 1, 1, S]. */
  paddingMask(mask: string): string {
    const m = this.g.op('Cast', [mask], { to: attr.int(1) });
    const inv = this.g.op('Sub', [this.g.scalar(1), m]);
    const add = this.g.op('Mul', [inv, this.g.scalar(MASK_VALUE)]);
    return this.g.op('Unsqueeze', [add, this.g.ints([1, 2])]);
  }

  /** Scaled token embeddings plus the sinusoids for positions start … start+T-1. */
  embed(ids: string, embeddings: string, positions: string, start: string): string {
    const tok = this.g.op('Gather', [embeddings, ids]);
    const scaled = this.dims.scaleEmbedding === false ? tok : this.g.op('Mul', [tok, this.g.scalar(Math.sqrt(this.dims.dModel))]);
    const len = this.dimOf(ids, 1);
    const posIds = this.g.op('Range', [start, this.g.op('Add', [start, len]), this.g.scalar(1, 'int64')]);
    const pos = this.g.op('Gather', [positions, posIds]);
    return this.g.op('Add', [scaled, pos]);
  }

  /** Size of one axis of a value, as an int64 scalar. */
  dimOf(x: string, axis: number): string {
    const shape = this.g.op('Shape', [x]);
    return this.g.op('Gather', [shape, this.g.scalar(axis, 'int64')], { axis: attr.int(0) });
  }
}
