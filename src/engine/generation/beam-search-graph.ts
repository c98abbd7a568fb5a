/**
 * Wraps a Marian export (encoder_model + decoder_model_merged, the Optimum / Transformers.js layout)
 * into one ONNX model whose only node is ONNX Runtime's `BeamSearch` contrib op (domain
 * com.microsoft, model_type 1), so the whole generation loop runs in C++. num_beams 1 is greedy
 * (ONNX Runtime's GreedySearch rejects encoder-decoder models).
 *
 * - `encoder` subgraph: the encoder + the merged decoder's no-cache branch (the first step).
 * - `decoder` subgraph: the merged decoder's cache branch (every later step).
 * - Weights stay main-graph initializers, read by both subgraphs from the outer scope (one copy).
 * - Token lookups in a transposed table read a row-major copy of it (row-major-lookups.ts).
 * - Logits are edited inside the subgraphs before the op sees them: per-row forced EOS at the row's
 *   own length cap (Hugging Face's ForcedEOSTokenLogitsProcessor, per row). The op bans the bad
 *   words itself (its vocab_mask), after its log-softmax, as Hugging Face's NoBadWords does.
 *
 * Works on the protobuf objects (onnx-proto) rather than the builder's IR, so attribute kinds and
 * layouts the builder never writes (Optimum's branch-local initializers, sparse tensors, …) pass
 * through untouched.
 */
import onnxProto from 'onnx-proto';
import { checkDeclaredWidths, type DeclaredValue } from '../graph-dimensions.js';
import { checkDecoderLayers } from '../model-config.js';
import { GraphSurgeryError, MAX_NEW_TOKENS_INPUT, type BeamSearchSpec } from './beam-search-spec.js';
import { rowMajorTables, withRowMajorLookups } from './row-major-lookups.js';

const { onnx } = onnxProto;
type IModel = onnxProto.onnx.IModelProto;
type IGraph = onnxProto.onnx.IGraphProto;
type INode = onnxProto.onnx.INodeProto;
type IValueInfo = onnxProto.onnx.IValueInfoProto;
type ITensor = onnxProto.onnx.ITensorProto;
type IAttribute = onnxProto.onnx.IAttributeProto;

const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

export { GraphSurgeryError, MAX_NEW_TOKENS_INPUT, type BeamSearchSpec };

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

function valueInfo(name: string, elemType: number, dims: (number | string)[]): IValueInfo {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

function node(opType: string, inputs: string[], outputs: string[], attrs: IAttribute[] = [], domain?: string): INode {
  return { opType, input: inputs, output: outputs, attribute: attrs, name: `${opType}_${outputs[0]}`, ...(domain ? { domain } : {}) };
}

const intAttr = (name: string, i: number): IAttribute => ({ name, type: AT.INT, i });
const intsAttr = (name: string, ints: number[]): IAttribute => ({ name, type: AT.INTS, ints });
const tensorAttr = (name: string, t: ITensor): IAttribute => ({ name, type: AT.TENSOR, t });
const graphAttr = (name: string, g: IGraph): IAttribute => ({ name, type: AT.GRAPH, g });

function int64Tensor(name: string, dims: number[], values: number[]): ITensor {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return { name, dims, dataType: DT.INT64, rawData: new Uint8Array(data.buffer) };
}

function floatTensor(name: string, dims: number[], data: Float32Array): ITensor {
  return { name, dims, dataType: DT.FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Every graph attribute of a node (If branches, Loop bodies, …). */
function subgraphs(n: INode): IGraph[] {
  const out: IGraph[] = [];
  for (const a of n.attribute ?? []) {
    if (a.g) out.push(a.g);
    for (const g of a.graphs ?? []) out.push(g);
  }
  return out;
}

/**
 * Renames every value of a graph and its subgraphs (inputs, outputs, initializers, node inputs and
 * outputs, value_info), except those `keep` returns true for. Names are unique across an ONNX model,
 * so one mapping is consistent across scopes.
 */
function renameAll(g: IGraph, rename: (name: string) => string): void {
  const r = (s: string) => (s === '' ? s : rename(s));
  for (const v of [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])]) v.name = r(v.name ?? '');
  for (const t of g.initializer ?? []) t.name = r(t.name ?? '');
  for (const s of g.sparseInitializer ?? []) {
    if (s.values) s.values.name = r(s.values.name ?? '');
    if (s.indices) s.indices.name = r(s.indices.name ?? '');
  }
  for (const n of g.node ?? []) {
    n.input = (n.input ?? []).map(r);
    n.output = (n.output ?? []).map(r);
    if (n.name) n.name = rename(n.name);
    for (const sub of subgraphs(n)) renameAll(sub, rename);
  }
}

function prefixer(prefix: string, keep: ReadonlySet<string> = new Set()): (name: string) => string {
  return (name) => (keep.has(name) ? name : `${prefix}${name}`);
}

/** Deep copy of a graph (the tensors' bytes are shared, not copied). */
function cloneGraph(g: IGraph): IGraph {
  const cloneNode = (n: INode): INode => ({
    ...n,
    input: [...(n.input ?? [])],
    output: [...(n.output ?? [])],
    attribute: (n.attribute ?? []).map((a) => ({ ...a, ...(a.g ? { g: cloneGraph(a.g) } : {}), ...(a.graphs ? { graphs: a.graphs.map(cloneGraph) } : {}) })),
  });
  return {
    ...g,
    node: (g.node ?? []).map(cloneNode),
    input: (g.input ?? []).map((v) => ({ ...v })),
    output: (g.output ?? []).map((v) => ({ ...v })),
    valueInfo: (g.valueInfo ?? []).map((v) => ({ ...v })),
    initializer: (g.initializer ?? []).map((t) => ({ ...t })),
    sparseInitializer: (g.sparseInitializer ?? []).map((s) => ({ ...s, ...(s.values ? { values: { ...s.values } } : {}), ...(s.indices ? { indices: { ...s.indices } } : {}) })),
  };
}

/**
 * The merged decoder with its `If (use_cache_branch)` replaced by one branch, inlined: the branch's
 * nodes run in place of the If, its initializers join the graph, its outputs become the If's outputs.
 */
function inlineBranch(decoder: IGraph, useCache: boolean): IGraph {
  const g = cloneGraph(decoder);
  const at = (g.node ?? []).findIndex((n) => n.opType === 'If' && n.input?.[0] === 'use_cache_branch');
  if (at === -1) throw new GraphSurgeryError('decoder_model_merged has no If on use_cache_branch');
  const ifNode = g.node![at]!;
  const branch = ifNode.attribute?.find((a) => a.name === (useCache ? 'then_branch' : 'else_branch'))?.g;
  if (!branch) throw new GraphSurgeryError(`decoder_model_merged's If lacks its ${useCache ? 'then' : 'else'} branch`);
  const outputs = ifNode.output ?? [];
  const branchOutputs = branch.output ?? [];
  if (branchOutputs.length !== outputs.length) throw new GraphSurgeryError('If branch outputs do not match the If node');
  const inlined: INode[] = [...(branch.node ?? [])];
  outputs.forEach((out, i) => {
    const from = branchOutputs[i]!.name!;
    if (out) inlined.push(node('Identity', [from], [out]));
  });
  g.node!.splice(at, 1, ...inlined);
  g.initializer = [...(g.initializer ?? []), ...(branch.initializer ?? [])];
  g.sparseInitializer = [...(g.sparseInitializer ?? []), ...(branch.sparseInitializer ?? [])];
  g.valueInfo = [...(g.valueInfo ?? []), ...(branch.valueInfo ?? [])];
  return g;
}

/** Drops nodes none of `wanted` depends on (subgraph nodes count their outer-scope reads). */
function prune(g: IGraph, wanted: readonly string[]): void {
  const needed = new Set(wanted);
  const reads = (n: INode): string[] => {
    const all = [...(n.input ?? [])];
    const walk = (sub: IGraph) => {
      for (const m of sub.node ?? []) {
        all.push(...(m.input ?? []));
        subgraphs(m).forEach(walk);
      }
    };
    subgraphs(n).forEach(walk);
    return all;
  };
  const kept: INode[] = [];
  for (const n of [...(g.node ?? [])].reverse()) {
    if ((n.output ?? []).some((o) => needed.has(o))) {
      kept.push(n);
      for (const i of reads(n)) needed.add(i);
    }
  }
  g.node = kept.reverse();
  g.initializer = (g.initializer ?? []).filter((t) => needed.has(t.name ?? ''));
}

function usedNames(g: IGraph): Set<string> {
  const used = new Set<string>();
  const walk = (sub: IGraph) => {
    for (const n of sub.node ?? []) {
      for (const i of n.input ?? []) used.add(i);
      subgraphs(n).forEach(walk);
    }
  };
  walk(g);
  return used;
}

interface Emitter {
  nodes: INode[];
  inits: ITensor[];
  fresh(stem: string): string;
}

function emitter(prefix: string): Emitter {
  let n = 0;
  return { nodes: [], inits: [], fresh: (stem) => `${prefix}${stem}_${n++}` };
}

/**
 * logits [rows,1,V] → the same with the forced-EOS rule applied per row: where the token about to be
 * generated is the row's last allowed one (its 1-based number `step` ≥ max_new_tokens of its input),
 * every id but EOS gets -inf and EOS gets 0.
 *
 * ScatterND writes the EOS row into the rows at their cap only (usually none). A Where over the whole
 * [rows,1,V] tensor did the same but cost a broadcast pass per step: 1.4 against 1.0 ms at 16 rows
 * (ONNX Runtime 1.30, one thread), 0.7 against 0.5 at 8.
 */
function forceEosAtCap(e: Emitter, logits: string, step: string, eosRow: string): string {
  const caps64 = e.fresh('caps64');
  e.nodes.push(node('Cast', [MAX_NEW_TOKENS_INPUT], [caps64], [intAttr('to', DT.INT64)]));
  // rows = inputs × beams (the op keeps each input's beams together): repeat each cap `beams` times.
  const shape = e.fresh('logits_shape');
  e.nodes.push(node('Shape', [logits], [shape]));
  const rows = e.fresh('rows');
  e.nodes.push(node('Slice', [shape, 'const_zero_1d', 'const_one_1d'], [rows]));
  const inputs = e.fresh('inputs');
  e.nodes.push(node('Shape', [caps64], [inputs]));
  const beams = e.fresh('beams');
  e.nodes.push(node('Div', [rows, inputs], [beams]));
  const grid = e.fresh('grid');
  e.nodes.push(node('Concat', [inputs, beams], [grid], [intAttr('axis', 0)]));
  const column = e.fresh('caps_col');
  e.nodes.push(node('Unsqueeze', [caps64, 'const_one_1d'], [column]));
  const expanded = e.fresh('caps_grid');
  e.nodes.push(node('Expand', [column, grid], [expanded]));
  const perRow = e.fresh('caps_rows');
  e.nodes.push(node('Reshape', [expanded, 'const_rows_1_1'], [perRow]));
  const atCap = e.fresh('at_cap');
  e.nodes.push(node('GreaterOrEqual', [step, perRow], [atCap]));
  // The rows at their cap as ScatterND indices [k,1], and k copies of the EOS row [k,1,V].
  const flat = e.fresh('at_cap_flat');
  e.nodes.push(node('Reshape', [atCap, 'const_minus_one_1d'], [flat]));
  const nonZero = e.fresh('at_cap_rows');
  e.nodes.push(node('NonZero', [flat], [nonZero]));
  const indices = e.fresh('at_cap_indices');
  e.nodes.push(node('Transpose', [nonZero], [indices], [intsAttr('perm', [1, 0])]));
  const indicesShape = e.fresh('at_cap_shape');
  e.nodes.push(node('Shape', [indices], [indicesShape]));
  const count = e.fresh('at_cap_count');
  e.nodes.push(node('Slice', [indicesShape, 'const_zero_1d', 'const_one_1d'], [count]));
  const updatesShape = e.fresh('eos_rows_shape');
  e.nodes.push(node('Concat', [count, 'const_one_1d', 'const_one_1d'], [updatesShape], [intAttr('axis', 0)]));
  const updates = e.fresh('eos_rows');
  e.nodes.push(node('Expand', [eosRow, updatesShape], [updates]));
  const out = e.fresh('logits_forced');
  e.nodes.push(node('ScatterND', [logits, indices, updates], [out]));
  return out;
}

/** Shared constants (main-graph initializers, read by both subgraphs). */
function constants(spec: BeamSearchSpec): ITensor[] {
  const eosRow = new Float32Array(spec.vocabSize).fill(-Infinity);
  eosRow[spec.eosId] = 0;
  return [
    int64Tensor('const_zero_1d', [1], [0]),
    int64Tensor('const_one_1d', [1], [1]),
    int64Tensor('const_minus_one_1d', [1], [-1]),
    int64Tensor('const_two_1d', [1], [2]),
    int64Tensor('const_three_1d', [1], [3]),
    int64Tensor('const_rows_1_1', [3], [-1, 1, 1]),
    int64Tensor('const_one', [], [1]),
    floatTensor('const_eos_row', [1, 1, spec.vocabSize], eosRow),
  ];
}

/** Names of a merged decoder's past/present values for layer i. */
const pastName = (i: number, part: 'decoder' | 'encoder', kv: 'key' | 'value') => `past_key_values.${i}.${part}.${kv}`;
const presentName = (i: number, part: 'decoder' | 'encoder', kv: 'key' | 'value') => `present.${i}.${part}.${kv}`;

/** A graph's inputs or outputs as its file declares them (a dimension is a number, a name, or neither). */
const declared = (values: readonly IValueInfo[] | null | undefined): DeclaredValue[] =>
  (values ?? []).map((v) => ({ name: v.name ?? '', shape: v.type?.tensorType?.shape?.dim?.map((d) => (d.dimValue != null ? num(d.dimValue) : d.dimParam)) }));

/** The source files' names, for messages. */
export interface SourceNames {
  encoder: string;
  decoder: string;
}

function checkDecoder(encoder: IGraph, decoder: IGraph, spec: BeamSearchSpec, names: SourceNames): void {
  try {
    checkDecoderLayers(spec.layers, (decoder.input ?? []).map((v) => v.name ?? ''), names.decoder);
    checkDeclaredWidths(spec, { encoderOutputs: declared(encoder.output), decoderInputs: declared(decoder.input), decoderOutputs: declared(decoder.output) }, names);
  } catch (err) {
    throw new GraphSurgeryError((err as Error).message, { cause: err });
  }
  const inputs = new Set((decoder.input ?? []).map((v) => v.name));
  const outputs = new Set((decoder.output ?? []).map((v) => v.name));
  const missing: string[] = [];
  for (const name of ['input_ids', 'encoder_attention_mask', 'use_cache_branch']) if (!inputs.has(name)) missing.push(name);
  for (let i = 0; i < spec.layers; i++) {
    for (const part of ['decoder', 'encoder'] as const) {
      for (const kv of ['key', 'value'] as const) {
        if (!inputs.has(pastName(i, part, kv))) missing.push(pastName(i, part, kv));
        if (!outputs.has(presentName(i, part, kv))) missing.push(presentName(i, part, kv));
      }
    }
  }
  if (!outputs.has('logits')) missing.push('logits');
  if (missing.length > 0) throw new GraphSurgeryError(`decoder_model_merged lacks ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''}`);
}

/**
 * The decoder as one subgraph body: `branch` inlined, its graph inputs bound to `bindings` (values of
 * the enclosing subgraph), its weights left for the main graph. Returns the nodes to add and the
 * branch-local initializers (which stay in the subgraph).
 */
function decoderBody(decoder: IGraph, useCache: boolean, prefix: string, shared: ReadonlySet<string>, bindings: Map<string, string>, wanted: string[]): { nodes: INode[]; inits: ITensor[]; outputs: Map<string, string> } {
  const g = inlineBranch(decoder, useCache);
  prune(g, wanted);
  const rename = prefixer(prefix, shared);
  // Graph inputs the body reads are replaced by the enclosing subgraph's values.
  const inputNames = new Set((g.input ?? []).map((v) => v.name!));
  renameAll(g, (name) => (inputNames.has(name) ? (bindings.get(name) ?? `unbound:${name}`) : rename(name)));
  const unbound = [...usedNames(g)].filter((n) => n.startsWith('unbound:'));
  if (unbound.length > 0) throw new GraphSurgeryError(`decoder ${useCache ? 'cache' : 'first-step'} branch reads ${unbound.map((n) => n.slice(8)).join(', ')}, which the BeamSearch op does not provide`);
  const outputs = new Map(wanted.map((w) => [w, rename(w)]));
  return { nodes: g.node ?? [], inits: g.initializer ?? [], outputs };
}

/** `dims`-shaped empty (length-0 on axis 2) float tensor with the batch dimension of `like`. */
function emptyPast(e: Emitter, like: string, heads: number, headDim: number): string {
  const shape = e.fresh('shape');
  e.nodes.push(node('Shape', [like], [shape]));
  const batch = e.fresh('batch');
  e.nodes.push(node('Slice', [shape, 'const_zero_1d', 'const_one_1d'], [batch]));
  const rest = e.fresh('rest');
  e.inits.push(int64Tensor(rest, [3], [heads, 0, headDim]));
  const full = e.fresh('past_shape');
  e.nodes.push(node('Concat', [batch, rest], [full], [intAttr('axis', 0)]));
  const out = e.fresh('empty_past');
  e.nodes.push(node('ConstantOfShape', [full], [out], [tensorAttr('value', { dims: [1], dataType: DT.FLOAT, rawData: new Uint8Array(4) })]));
  return out;
}

/**
 * `nodes` without their Identity nodes whose input another of `nodes` produces: that node writes the
 * Identity's output name itself. An Identity in front of a subgraph output is a real copy in ONNX
 * Runtime (it removes only those that feed other nodes), and every decoder step had 12 of them, one
 * per layer's self-attention key and value: the whole KV cache copied once more per step (seed
 * article, one thread, in one process, 7 interleaved rounds: 4 beams 2,024 against 2,093 ms, faster in
 * 7 of 7; greedy 817 against 854 ms, 6 of 7; same ids). An Identity of a subgraph input, an
 * initializer or an outer-scope value, or of a value that is itself an output, stays.
 */
function withoutIdentities(nodes: INode[], outputs: ReadonlySet<string>): INode[] {
  const produced = new Set(nodes.flatMap((n) => n.output ?? []));
  let kept = nodes;
  for (;;) {
    const at = kept.findIndex((n) => n.opType === 'Identity' && produced.has(n.input?.[0] ?? '') && !outputs.has(n.input![0]!));
    if (at === -1) return kept;
    const from = kept[at]!.input![0]!;
    const to = kept[at]!.output![0]!;
    kept = kept.filter((_, i) => i !== at);
    renameAll({ node: kept }, (name) => (name === from ? to : name));
    produced.delete(from);
  }
}

function cast(e: Emitter, from: string, to: number): string {
  const out = e.fresh('cast');
  e.nodes.push(node('Cast', [from], [out], [intAttr('to', to)]));
  return out;
}

export interface WrappedModel {
  bytes: Uint8Array;
}

/** Builds the BeamSearch model from the bytes of encoder_model(.onnx) and decoder_model_merged(.onnx). */
export function wrapBeamSearch(encoderBytes: Uint8Array, decoderBytes: Uint8Array, spec: BeamSearchSpec, names: SourceNames = { encoder: 'encoder_model', decoder: 'decoder_model_merged' }): Uint8Array {
  let encoderModel: IModel;
  let decoderModel: IModel;
  try {
    encoderModel = onnx.ModelProto.decode(encoderBytes);
    decoderModel = onnx.ModelProto.decode(decoderBytes);
  } catch (err) {
    throw new GraphSurgeryError(`model file is not valid ONNX protobuf (${(err as Error).message})`, { cause: err });
  }
  const enc = encoderModel.graph;
  const dec = decoderModel.graph;
  if (!enc || !dec) throw new GraphSurgeryError('model file has no graph');
  checkDecoder(enc, dec, spec, names);
  const encInputs = new Set((enc.input ?? []).map((v) => v.name));
  if (!encInputs.has('input_ids') || !encInputs.has('attention_mask') || !(enc.output ?? []).some((v) => v.name === 'last_hidden_state')) {
    throw new GraphSurgeryError('encoder_model lacks input_ids, attention_mask or last_hidden_state');
  }
  const { layers, heads, headDim, vocabSize } = spec;

  // Main-graph weights, prefixed per source model so the encoder keeps its own tables (q8: the
  // encoder's uint8 Gather table and the decoder's tied int8 table are different tensors).
  const encWeights = new Set((enc.initializer ?? []).map((t) => t.name!));
  const decWeights = new Set((dec.initializer ?? []).map((t) => t.name!));
  const encName = (n: string) => `enc/${n}`;
  const decName = (n: string) => `dec/${n}`;
  const mainInits: ITensor[] = [
    ...(enc.initializer ?? []).map((t) => ({ ...t, name: encName(t.name!) })),
    ...(dec.initializer ?? []).map((t) => ({ ...t, name: decName(t.name!) })),
    ...constants(spec),
  ];
  const sharedNames = new Set(mainInits.map((t) => t.name!));
  const mainSparse = [
    ...(enc.sparseInitializer ?? []).map((s) => ({ ...s, values: { ...s.values, name: encName(s.values?.name ?? '') } })),
    ...(dec.sparseInitializer ?? []).map((s) => ({ ...s, values: { ...s.values, name: decName(s.values?.name ?? '') } })),
  ];
  for (const s of mainSparse) sharedNames.add(s.values.name);
  // Bodies see the weights under their main-graph names.
  const decGraph: IGraph = { ...dec, initializer: [], sparseInitializer: [] };
  renameAll(decGraph, (n) => (decWeights.has(n) ? decName(n) : n));
  const encGraph: IGraph = { ...enc, initializer: [], sparseInitializer: [] };
  renameAll(encGraph, (n) => (encWeights.has(n) ? encName(n) : n));

  const tables = new Map(mainInits.map((t) => [t.name!, t]));
  const rowMajor = rowMajorTables();

  const float = DT.FLOAT;
  const int32 = DT.INT32;
  const int64 = DT.INT64;

  // ---- encoder subgraph: encoder + first decoder step.
  const ei = emitter('e/');
  const idsE = cast(ei, 'encoder_input_ids', int64);
  const maskE = cast(ei, 'encoder_attention_mask', int64);
  const startE = cast(ei, 'decoder_input_ids', int64);
  {
    const g = cloneGraph(encGraph);
    const rename = prefixer('e/enc/', sharedNames);
    const bind = new Map([['input_ids', idsE], ['attention_mask', maskE]]);
    renameAll(g, (n) => bind.get(n) ?? rename(n));
    ei.nodes.push(...(g.node ?? []));
    ei.inits.push(...(g.initializer ?? []));
  }
  const hidden = 'e/enc/last_hidden_state';
  const emptySelf = emptyPast(ei, startE, heads, headDim);
  const firstBindings = new Map<string, string>([
    ['input_ids', startE],
    ['encoder_attention_mask', maskE],
    ['encoder_hidden_states', hidden],
    ['use_cache_branch', 'unbound:use_cache_branch'],
  ]);
  for (let i = 0; i < layers; i++) {
    for (const part of ['decoder', 'encoder'] as const) for (const kv of ['key', 'value'] as const) firstBindings.set(pastName(i, part, kv), emptySelf);
  }
  const firstWanted = ['logits'];
  for (let i = 0; i < layers; i++) firstWanted.push(presentName(i, 'decoder', 'key'), presentName(i, 'decoder', 'value'));
  for (let i = 0; i < layers; i++) firstWanted.push(presentName(i, 'encoder', 'key'), presentName(i, 'encoder', 'value'));
  const first = decoderBody(decGraph, false, 'e/dec/', sharedNames, firstBindings, firstWanted);
  ei.nodes.push(...first.nodes);
  ei.inits.push(...first.inits);
  // The first generated token is number 1.
  const firstLogits = forceEosAtCap(ei, first.outputs.get('logits')!, 'const_one', 'const_eos_row');
  const encoderOutputs: IValueInfo[] = [valueInfo('logits', float, ['batch', 1, vocabSize]), valueInfo('encoder_hidden_states', float, ['batch', 'source', heads * headDim])];
  ei.nodes.push(node('Identity', [firstLogits], ['logits']), node('Identity', [hidden], ['encoder_hidden_states']));
  for (let i = 0; i < layers; i++) {
    for (const kv of ['key', 'value'] as const) {
      const name = `present_${kv}_self_${i}`;
      ei.nodes.push(node('Identity', [first.outputs.get(presentName(i, 'decoder', kv))!], [name]));
      encoderOutputs.push(valueInfo(name, float, ['batch', heads, 1, headDim]));
    }
  }
  for (let i = 0; i < layers; i++) {
    for (const kv of ['key', 'value'] as const) {
      const name = `present_${kv}_cross_${i}`;
      ei.nodes.push(node('Identity', [first.outputs.get(presentName(i, 'encoder', kv))!], [name]));
      encoderOutputs.push(valueInfo(name, float, ['batch', heads, 'source', headDim]));
    }
  }
  const encoderSubgraph: IGraph = {
    name: 'marian_encoder_and_first_step',
    node: withoutIdentities(withRowMajorLookups(ei.nodes, tables, rowMajor, ei.fresh), new Set(encoderOutputs.map((v) => v.name!))),
    initializer: ei.inits,
    input: [valueInfo('encoder_input_ids', int32, ['batch', 'source']), valueInfo('encoder_attention_mask', int32, ['batch', 'source']), valueInfo('decoder_input_ids', int32, ['batch', 1])],
    output: encoderOutputs,
  };

  // ---- decoder subgraph: one cached step.
  const di = emitter('d/');
  const idsD = cast(di, 'input_ids', int64);
  const maskD = cast(di, 'encoder_attention_mask', int64);
  const stepBindings = new Map<string, string>([
    ['input_ids', idsD],
    ['encoder_attention_mask', maskD],
    ['use_cache_branch', 'unbound:use_cache_branch'],
    ['encoder_hidden_states', 'unbound:encoder_hidden_states'],
  ]);
  const stepInputs: IValueInfo[] = [valueInfo('input_ids', int32, ['rows', 1]), valueInfo('encoder_attention_mask', int32, ['rows', 'source'])];
  for (let i = 0; i < layers; i++) {
    for (const kv of ['key', 'value'] as const) {
      const name = `past_${kv}_self_${i}`;
      stepBindings.set(pastName(i, 'decoder', kv), name);
      stepInputs.push(valueInfo(name, float, ['rows', heads, 'past', headDim]));
    }
  }
  for (let i = 0; i < layers; i++) {
    for (const kv of ['key', 'value'] as const) {
      const name = `past_${kv}_cross_${i}`;
      stepBindings.set(pastName(i, 'encoder', kv), name);
      stepInputs.push(valueInfo(name, float, ['rows', heads, 'source', headDim]));
    }
  }
  const stepWanted = ['logits'];
  for (let i = 0; i < layers; i++) stepWanted.push(presentName(i, 'decoder', 'key'), presentName(i, 'decoder', 'value'));
  const step = decoderBody(decGraph, true, 'd/dec/', sharedNames, stepBindings, stepWanted);
  di.nodes.push(...step.nodes);
  di.inits.push(...step.inits);
  // Token number past + 1 is being generated (the past holds the start token and the tokens so far).
  const pastShape = di.fresh('past_shape');
  di.nodes.push(node('Shape', ['past_key_self_0'], [pastShape]));
  const pastLen = di.fresh('past_len');
  di.nodes.push(node('Slice', [pastShape, 'const_two_1d', 'const_three_1d'], [pastLen]));
  const tokenNumber = di.fresh('token_number');
  di.nodes.push(node('Add', [pastLen, 'const_one'], [tokenNumber]));
  const stepLogits = forceEosAtCap(di, step.outputs.get('logits')!, tokenNumber, 'const_eos_row');
  di.nodes.push(node('Identity', [stepLogits], ['logits']));
  const stepOutputs: IValueInfo[] = [valueInfo('logits', float, ['rows', 1, vocabSize])];
  for (let i = 0; i < layers; i++) {
    for (const kv of ['key', 'value'] as const) {
      const name = `present_${kv}_self_${i}`;
      di.nodes.push(node('Identity', [step.outputs.get(presentName(i, 'decoder', kv))!], [name]));
      stepOutputs.push(valueInfo(name, float, ['rows', heads, 'present', headDim]));
    }
  }
  const decoderSubgraph: IGraph = {
    name: 'marian_decoder_step',
    node: withoutIdentities(withRowMajorLookups(di.nodes, tables, rowMajor, di.fresh), new Set(stepOutputs.map((v) => v.name!))),
    initializer: di.inits,
    input: stepInputs,
    output: stepOutputs,
  };

  // ---- main graph.
  const main: IGraph = {
    name: 'marian_beam_search',
    node: [
      node(
        'BeamSearch',
        ['input_ids', 'max_length', 'min_length', 'num_beams', 'num_return_sequences', 'length_penalty', 'repetition_penalty', 'vocab_mask', '', 'attention_mask'],
        ['sequences', 'sequences_scores'],
        [
          intAttr('eos_token_id', spec.eosId),
          intAttr('pad_token_id', spec.padId),
          intAttr('decoder_start_token_id', spec.decoderStartId),
          intAttr('early_stopping', spec.earlyStopping ? 1 : 0),
          intAttr('no_repeat_ngram_size', 0),
          intAttr('model_type', 1),
          intAttr('vocab_size', vocabSize),
          graphAttr('encoder', encoderSubgraph),
          graphAttr('decoder', decoderSubgraph),
        ],
        'com.microsoft',
      ),
    ],
    initializer: [...mainInits, ...rowMajor.copies.values(), ...rowMajor.widths.values()],
    sparseInitializer: mainSparse,
    input: [
      valueInfo('input_ids', int32, ['batch', 'source']),
      valueInfo('max_length', int32, [1]),
      valueInfo('min_length', int32, [1]),
      valueInfo('num_beams', int32, [1]),
      valueInfo('num_return_sequences', int32, [1]),
      valueInfo('length_penalty', float, [1]),
      valueInfo('repetition_penalty', float, [1]),
      valueInfo('vocab_mask', int32, [vocabSize]),
      valueInfo('attention_mask', int32, ['batch', 'source']),
      valueInfo(MAX_NEW_TOKENS_INPUT, int32, ['batch']),
    ],
    output: [valueInfo('sequences', int32, ['batch', 'returned', 'length']), valueInfo('sequences_scores', float, ['batch', 'returned'])],
  };

  const opsets = new Map<string, number>();
  for (const m of [encoderModel, decoderModel]) {
    for (const o of m.opsetImport ?? []) opsets.set(o.domain ?? '', Math.max(opsets.get(o.domain ?? '') ?? 0, num(o.version)));
  }
  opsets.set('com.microsoft', Math.max(opsets.get('com.microsoft') ?? 0, 1));
  const irVersion = Math.max(num(encoderModel.irVersion ?? 8), num(decoderModel.irVersion ?? 8), 8);
  return onnx.ModelProto.encode({
    irVersion,
    producerName: 'da2en-beam-search',
    opsetImport: [...opsets].map(([domain, version]) => ({ domain, version })),
    graph: main,
  }).finish();
}
