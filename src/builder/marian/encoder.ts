import { GraphBuilder } from '../onnx/builder.js';
import { tensor, type Model } from '../onnx/ir.js';
import { OPSET } from '../onnx/serialize.js';
import type { MarianDims } from './dims.js';
import { MarianLayers } from './layers.js';
import type { MarianWeights } from './weights.js';

/**
 * encoder_model.onnx: input_ids, attention_mask → last_hidden_state, the inputs and outputs of
 * the Optimum export. Each layer is post-LN: LN(x + SelfAttn(x)), then LN(x + FFN(x)).
 */
export function buildEncoder(dims: MarianDims, w: MarianWeights, opts: { zeroPadding?: boolean } = {}): Model {
  const g = new GraphBuilder('marian_encoder');
  const L = new MarianLayers(g, dims);
  const ids = g.input('input_ids', 'int64', ['batch_size', 'encoder_sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'encoder_sequence_length']);

  const E = g.weight(w.decoderEmbeddings ? 'model.encoder.embed_tokens.weight' : 'model.shared.weight', tensor('float', [dims.vocabSize, dims.dModel], w.embeddings));
  const P = g.weight('model.encoder.embed_positions.weight', tensor('float', [dims.maxPositions, dims.dModel], w.positions));
  const addMask = L.paddingMask(mask);
  if (opts.zeroPadding ?? true) L.setRowMask(mask);
  let x = L.masked(L.embed(ids, E, P, g.scalar(0, 'int64')));

  w.encoder.forEach((lw, i) => {
    const p = `model.encoder.layers.${i}`;
    const q = L.queries(x, lw.selfAttn, `${p}.self_attn`);
    const k = L.splitHeads(L.linear(x, lw.selfAttn.k, `${p}.self_attn.k_proj`));
    const v = L.splitHeads(L.linear(x, lw.selfAttn.v, `${p}.self_attn.v_proj`));
    x = L.residualNorm(x, L.attend(q, k, v, addMask, lw.selfAttn, `${p}.self_attn`), lw.selfAttnNorm, `${p}.self_attn_layer_norm`);
    x = L.residualNorm(x, L.feedForward(x, lw.fc1, lw.fc2, p), lw.finalNorm, `${p}.final_layer_norm`);
  });

  g.output('last_hidden_state', 'float', ['batch_size', 'encoder_sequence_length', dims.dModel], x);
  return { graph: g.graph, opsetImports: [{ domain: '', version: OPSET }], producer: 'da2en-builder' };
}
