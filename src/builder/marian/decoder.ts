import { GraphBuilder } from '../onnx/builder.js';
import { attr, tensor, type Model } from '../onnx/ir.js';
import { OPSET } from '../onnx/serialize.js';
import { headDim, type MarianDims } from './dims.js';
import { MarianLayers, MASK_VALUE } from './layers.js';
import type { MarianWeights } from './weights.js';

/**
 * decoder_model_merged.onnx with the inputs/outputs of Optimum's merged export. Transformers.js
 * builds the empty first-step cache from the input metadata: only `batch_size` is resolved and
 * every other symbolic dim becomes 0, so the past dims must stay symbolic with other names.
 *
 * Only the cross-attention keys/values sit inside the If on use_cache_branch (computed from
 * encoder_hidden_states on the first step, passed through after); the rest of the decoder works
 * for both branches because an empty past (length 0) concatenates to just the new step.
 */
export function buildDecoder(dims: MarianDims, w: MarianWeights): Model {
  const g = new GraphBuilder('marian_decoder_merged');
  const L = new MarianLayers(g, dims);
  const H = dims.heads;
  const hd = headDim(dims);
  const n = dims.decoderLayers;

  const encMask = g.input('encoder_attention_mask', 'int64', ['batch_size', 'encoder_sequence_length']);
  const ids = g.input('input_ids', 'int64', ['batch_size', 'decoder_sequence_length']);
  const encHidden = g.input('encoder_hidden_states', 'float', ['batch_size', 'encoder_sequence_length', dims.dModel]);
  const past: { dk: string; dv: string; ek: string; ev: string }[] = [];
  for (let i = 0; i < n; i++) {
    const kv = (kind: string, part: string, len: string) =>
      g.input(`past_key_values.${i}.${kind}.${part}`, 'float', ['batch_size', H, len, hd]);
    past.push({
      dk: kv('decoder', 'key', 'past_decoder_sequence_length'),
      dv: kv('decoder', 'value', 'past_decoder_sequence_length'),
      ek: kv('encoder', 'key', 'encoder_sequence_length_out'),
      ev: kv('encoder', 'value', 'encoder_sequence_length_out'),
    });
  }
  const useCache = g.input('use_cache_branch', 'bool', [1]);

  // Cross-attention keys/values: the If node.
  const crossShape = ['batch_size', H, 'encoder_sequence_length_out', hd];
  const thenB = g.branch('use_cache');
  const elseB = g.branch('no_cache');
  const elseL = new MarianLayers(elseB, dims);
  const cross: { k: string; v: string }[] = [];
  for (let i = 0; i < n; i++) {
    const p = `model.decoder.layers.${i}.encoder_attn`;
    const lw = w.decoder[i]!;
    const kName = `present.${i}.encoder.key`;
    const vName = `present.${i}.encoder.value`;
    thenB.output(`${kName}_cached`, 'float', crossShape, past[i]!.ek);
    thenB.output(`${vName}_cached`, 'float', crossShape, past[i]!.ev);
    elseB.output(`${kName}_computed`, 'float', crossShape, elseL.splitHeads(elseL.linear(encHidden, lw.crossAttn.k, `${p}.k_proj`), elseB));
    elseB.output(`${vName}_computed`, 'float', crossShape, elseL.splitHeads(elseL.linear(encHidden, lw.crossAttn.v, `${p}.v_proj`), elseB));
    cross.push({ k: kName, v: vName });
  }
  g.node(
    'If',
    [useCache],
    cross.flatMap((c) => [c.k, c.v]),
    { then_branch: attr.graph(thenB.graph), else_branch: attr.graph(elseB.graph) },
  );

  // Positions continue after the cached steps.
  const pastLen = L.dimOf(past[0]!.dk, 2);
  const E = w.decoderEmbeddings
    ? g.weight('model.decoder.embed_tokens.weight', tensor('float', [dims.vocabSize, dims.dModel], w.decoderEmbeddings))
    : g.weight('model.shared.weight', tensor('float', [dims.vocabSize, dims.dModel], w.embeddings));
  const P = g.weight('model.decoder.embed_positions.weight', tensor('float', [dims.maxPositions, dims.dModel], w.positions));
  let x = L.embed(ids, E, P, pastLen);

  // Causal mask over [past + new] keys: query at absolute position pastLen+t sees keys ≤ pastLen+t.
  const newLen = L.dimOf(ids, 1);
  const total = g.op('Add', [pastLen, newLen]);
  const one = g.scalar(1, 'int64');
  const keyPos = g.op('Range', [g.scalar(0, 'int64'), total, one]);
  const qPos = g.op('Unsqueeze', [g.op('Range', [pastLen, total, one]), g.ints([1])]);
  const future = g.op('Greater', [keyPos, qPos]);
  const causal = g.op('Where', [future, g.scalar(MASK_VALUE), g.scalar(0)]);
  const crossMask = L.paddingMask(encMask);

  const presentShape = ['batch_size', H, 'present_decoder_sequence_length', hd];
  w.decoder.forEach((lw, i) => {
    const p = `model.decoder.layers.${i}`;
    const q = L.queries(x, lw.selfAttn, `${p}.self_attn`);
    const kNew = L.splitHeads(L.linear(x, lw.selfAttn.k, `${p}.self_attn.k_proj`));
    const vNew = L.splitHeads(L.linear(x, lw.selfAttn.v, `${p}.self_attn.v_proj`));
    const k = g.op('Concat', [past[i]!.dk, kNew], { axis: attr.int(2) });
    const v = g.op('Concat', [past[i]!.dv, vNew], { axis: attr.int(2) });
    g.output(`present.${i}.decoder.key`, 'float', presentShape, k);
    g.output(`present.${i}.decoder.value`, 'float', presentShape, v);
    x = L.residualNorm(x, L.attend(q, k, v, causal, lw.selfAttn, `${p}.self_attn`), lw.selfAttnNorm, `${p}.self_attn_layer_norm`);

    const cq = L.queries(x, lw.crossAttn, `${p}.encoder_attn`);
    const c = cross[i]!;
    x = L.residualNorm(x, L.attend(cq, c.k, c.v, crossMask, lw.crossAttn, `${p}.encoder_attn`), lw.crossAttnNorm, `${p}.encoder_attn_layer_norm`);
    x = L.residualNorm(x, L.feedForward(x, lw.fc1, lw.fc2, p), lw.finalNorm, `${p}.final_layer_norm`);
    g.graph.outputs.push(
      { name: c.k, dataType: 'float', shape: crossShape },
      { name: c.v, dataType: 'float', shape: crossShape },
    );
  });

  // LM head tied to the embeddings: Gemm with transB reads the same [vocab, d] matrix (one copy on
  // disk). An untied head is an ordinary [d, vocab] MatMul weight (which the quantizer handles).
  const bias = g.weight('final_logits_bias', tensor('float', [1, dims.vocabSize], w.finalLogitsBias));
  const flat = g.op('Reshape', [x, g.ints([-1, dims.dModel])]);
  const logits2d = w.lmHead
    ? g.op('Add', [g.op('MatMul', [flat, g.weight('lm_head.weight', tensor('float', [dims.dModel, dims.vocabSize], transpose(w.lmHead, dims.vocabSize, dims.dModel)))]), bias])
    : g.op('Gemm', [flat, E, bias], { transB: attr.int(1) });
  const outShape = g.op('Concat', [g.op('Slice', [g.op('Shape', [ids]), g.ints([0]), g.ints([2])]), g.ints([dims.vocabSize])], { axis: attr.int(0) });
  g.output('logits', 'float', ['batch_size', 'decoder_sequence_length', dims.vocabSize], g.op('Reshape', [logits2d, outShape]));

  // Optimum's output order: logits, then per layer decoder key/value, encoder key/value.
  const order = new Map<string, number>([['logits', -1]]);
  for (let i = 0; i < n; i++) {
    ['decoder.key', 'decoder.value', 'encoder.key', 'encoder.value'].forEach((s, j) => order.set(`present.${i}.${s}`, i * 4 + j));
  }
  g.graph.outputs.sort((a, b) => order.get(a.name)! - order.get(b.name)!);
  return { graph: g.graph, opsetImports: [{ domain: '', version: OPSET }], producer: 'da2en-builder' };
}

/** [rows, cols] row-major → [cols, rows]. */
function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  return out;
}
