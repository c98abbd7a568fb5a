/**
 * Generation inside ONNX Runtime (the BeamSearch-wrapped model) against the step-by-step loop, the
 * reference implementation: same ids, same flags, on the builder's models.
 */
import { cp, mkdtemp, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dtype } from '../../src/engine/dtype.js';
import { GraphSurgeryError, wrapBeamSearch } from '../../src/engine/generation/beam-search-graph.js';
import { EXTERNAL_ALIGNMENT } from '../../src/engine/generation/external-weights.js';
import { generationModelPath, generationWeightsPath } from '../../src/engine/generation/generation-model.js';
import { JsLoopGenerator } from '../../src/engine/generation/js-loop-generator.js';
import { beamSearchSpec, openGenerator } from '../../src/engine/generation/open-generator.js';
import { cutRepetition } from '../../src/engine/generation/ort-generator.js';
import type { GenerateRequest, SequenceGenerator } from '../../src/engine/generation/sequence-generator.js';
import { repeatedTailLength } from '../../src/engine/decoding/guards.js';
import { MarianModel } from '../../src/engine/marian-model.js';
import { loadTokenizer, readModelConfig, type ModelConfig } from '../../src/engine/model-directory.js';
import { builtModel } from '../../tools/builder-models.js';
import { MIXED_LENGTH_SENTENCES } from '../helpers/mixed-length-sentences.js';

const INPUTS = MIXED_LENGTH_SENTENCES;

async function copyModel(dir: string): Promise<string> {
  const copy = await mkdtemp(path.join(os.tmpdir(), 'da2en-op-'));
  await cp(dir, copy, { recursive: true });
  return copy;
}

function request(model: ModelConfig, inputs: number[][], beams: number, caps: number[], guard = false): GenerateRequest {
  return { inputs, beams, maxNewTokens: caps, flagLengthCap: true, repetitionGuard: guard, lengthPenalty: 1, earlyStopping: model.generation.earlyStopping, bannedIds: model.generation.badWordIds };
}

describe.each(['fp32', 'q8'] as Dtype[])('BeamSearch op vs the step-by-step loop, builder tiny model (%s)', (dtype) => {
  let dir: string;
  let model: ModelConfig;
  let op: SequenceGenerator;
  let loop: JsLoopGenerator;
  let inputs: number[][];

  beforeAll(async () => {
    // A private copy: the wrapped model is cached beside it.
    dir = await copyModel(await builtModel('tiny'));
    model = await readModelConfig(dir);
    const tokenizer = await loadTokenizer(dir);
    inputs = INPUTS.map((t) => tokenizer.encode(t) as number[]);
    op = await openGenerator(dir, dtype, { engine: 'ort', intraOpThreads: 1 });
    loop = new JsLoopGenerator(await MarianModel.load(dir, dtype, { intraOpThreads: 1 }));
  });
  afterAll(async () => {
    await op?.dispose();
    await loop?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs inside ONNX Runtime', () => {
    expect(op.kind).toBe('ort');
  });

  for (const beams of [1, 2, 4]) {
    it(`gives the loop's ids one input at a time (${beams === 1 ? 'greedy' : `${beams} beams`})`, async () => {
      const seen = new Set<string>();
      for (const [i, ids] of inputs.entries()) {
        const caps = [8 + 3 * i];
        const [a] = await op.generate(request(model, [ids], beams, caps));
        const [b] = await loop.generate(request(model, [ids], beams, caps));
        expect(a!.ids).toEqual(b!.ids);
        expect(a!.flags).toEqual(b!.flags);
        // Beam scores: the op's (sum log p / length) and the loop's sum agree.
        if (beams > 1) expect(a!.logProb).toBeCloseTo(b!.logProb, 3);
        seen.add(a!.ids.join(' '));
      }
      // The outputs depend on the inputs (otherwise this test could not fail).
      expect(seen.size).toBeGreaterThanOrEqual(INPUTS.length / 2);
    });

    if (dtype === 'fp32') {
      it(`gives the loop's ids for a whole batch with per-row caps (${beams === 1 ? 'greedy' : `${beams} beams`})`, async () => {
        const caps = inputs.map((ids, i) => ids.length + (i % 3) * 4);
        const a = await op.generate(request(model, inputs, beams, caps));
        const b = await loop.generate(request(model, inputs, beams, caps));
        expect(a.map((s) => s.ids)).toEqual(b.map((s) => s.ids));
        // The cap holds per row: at most cap − 1 tokens, the end token forced at the cap.
        a.forEach((s, i) => expect(s.ids.length).toBeLessThanOrEqual(caps[i]! - 1));
      });
    }
  }

  it('cuts looping tails after the run exactly where the loop stops them (greedy)', async () => {
    const caps = inputs.map(() => 40);
    const a = await op.generate(request(model, inputs.slice(0, 1), 1, caps.slice(0, 1), true));
    const b = await loop.generate(request(model, inputs.slice(0, 1), 1, caps.slice(0, 1), true));
    expect(a.map((s) => [s.ids, s.flags])).toEqual(b.map((s) => [s.ids, s.flags]));
  });
});

describe('repetition cut after the run', () => {
  it('finds the first prefix the guard fires on', () => {
    const loop = [5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9, 4, 4];
    const { ids, cut } = cutRepetition(loop);
    expect(cut).toBe(true);
    expect(ids).toEqual([5, 6, 7, 8, 9]);
    expect(repeatedTailLength(ids)).toBe(0);
    expect(cutRepetition([1, 2, 3, 1, 2, 4])).toEqual({ ids: [1, 2, 3, 1, 2, 4], cut: false });
  });
});

describe('echo preset through the op', () => {
  it('copies every sentence and ends by itself (natural end token, no cap)', async () => {
    const dir = await copyModel(await builtModel('echo'));
    try {
      const model = await readModelConfig(dir);
      const tokenizer = await loadTokenizer(dir);
      const op = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
      const inputs = INPUTS.map((t) => tokenizer.encode(t) as number[]);
      for (const beams of [1, 4]) {
        const out = await op.generate(request(model, inputs, beams, inputs.map((ids) => 2 * ids.length + 10)));
        out.forEach((s, i) => {
          expect(s.ids).toEqual(inputs[i]!.slice(0, -1));
          expect(s.flags).toEqual([]);
        });
      }
      await op.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the wrapped model file', () => {
  it('is made once, verified, cached beside the model, and made again when a source file changes', async () => {
    const dir = await copyModel(await builtModel('tiny'));
    try {
      const cached = generationModelPath(dir, 'q8');
      const first = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
      await first.dispose();
      const made = (await readFile(`${cached}.json`, 'utf8'));
      const bytes = await readFile(cached);
      expect(bytes.length).toBeGreaterThan(0);
      // The weights live beside it, each at a 64 KiB boundary (mapped, not copied, when a session opens).
      const weights = await readFile(generationWeightsPath(dir, 'q8'));
      expect(JSON.parse(made.trim().split('\n')[1]!)).toEqual({ model: bytes.length, data: weights.length });
      const model = onnxProto.onnx.ModelProto.decode(bytes);
      const external = model.graph!.initializer!.filter((t) => t.dataLocation === onnxProto.onnx.TensorProto.DataLocation.EXTERNAL);
      expect(external.length).toBeGreaterThan(10);
      for (const t of external) {
        const at = Object.fromEntries(t.externalData!.map((e) => [e.key, e.value]));
        expect(at['location']).toBe('da2en_generate_quantized.onnx.data');
        expect(Number(at['offset']) % EXTERNAL_ALIGNMENT).toBe(0);
        expect(Number(at['offset']) + Number(at['length'])).toBeLessThanOrEqual(weights.length);
      }
      // What was verified before it was stored is what a later open runs: the same ids as the loop.
      const fromFile = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
      const loop = await openGenerator(dir, 'q8', { engine: 'js', intraOpThreads: 1 });
      const config = await readModelConfig(dir);
      const probe = request(config, [[5, 6, 7, 8, 9, config.config.eosId]], 1, [12]);
      expect((await fromFile.generate(probe)).map((s) => s.ids)).toEqual((await loop.generate(probe)).map((s) => s.ids));
      await Promise.all([fromFile.dispose(), loop.dispose()]);
      // A second open uses the cache: mark the file and see the mark survive.
      await writeFile(`${cached}.json`, made);
      const again = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
      await again.dispose();
      expect((await readFile(cached)).equals(bytes)).toBe(true);
      // A changed source file (new time) invalidates it: the stamp is rewritten.
      const decoder = path.join(dir, 'onnx', 'decoder_model_merged_quantized.onnx');
      const later = new Date(Date.now() + 5000);
      await utimes(decoder, later, later);
      const rebuilt = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
      await rebuilt.dispose();
      const remade = await readFile(`${cached}.json`, 'utf8');
      expect(remade).not.toBe(made);
      // A damaged weights file (cut short) is made again too, rather than failing to open.
      await truncate(generationWeightsPath(dir, 'q8'), 1000);
      const repaired = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
      expect(repaired.kind).toBe('ort');
      await repaired.dispose();
      expect((await readFile(generationWeightsPath(dir, 'q8'))).length).toBe(weights.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is made again when its model file is cut short, replaced by another model, or changed in place', async () => {
    const dir = await copyModel(await builtModel('echo'));
    const other = await copyModel(await builtModel('tiny'));
    try {
      const cached = generationModelPath(dir, 'q8');
      const config = await readModelConfig(dir);
      const probe = request(config, [[5, 6, 7, 8, 9, config.config.eosId]], 1, [12]);
      const opened = async () => {
        const op = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
        try {
          expect(op.kind).toBe('ort');
          // The echo model copies its input: a foreign wrapped model would not.
          expect((await op.generate(probe)).map((s) => s.ids)).toEqual([[5, 6, 7, 8, 9]]);
        } finally {
          await op.dispose();
        }
      };
      await opened();
      await (await openGenerator(other, 'q8', { engine: 'ort', intraOpThreads: 1 })).dispose();
      const bytes = await readFile(cached);
      // Without the prepared copy, which would otherwise be opened instead (and was made from the wrapped model).
      const dropPrepared = () => Promise.all(['.prepared.onnx', '.prepared.onnx.data', '.prepared.onnx.json'].map((s) => rm(cached.replace(/\.onnx$/, s), { force: true })));
      await dropPrepared();
      await truncate(cached, 1000);
      await opened();
      expect((await readFile(cached)).equals(bytes)).toBe(true);
      await dropPrepared();
      await cp(generationModelPath(other, 'q8'), cached);
      await opened();
      expect((await readFile(cached)).equals(bytes)).toBe(true);
      // Same size, other bytes: the sizes cannot tell, but it does not open, and is made again once.
      await dropPrepared();
      await writeFile(cached, new Uint8Array(bytes.length));
      await opened();
      expect((await readFile(cached)).equals(bytes)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(other, { recursive: true, force: true });
    }
  });

  it('falls back to the step-by-step loop, with a notice, when the decoder cannot be wrapped', async () => {
    const dir = await copyModel(await builtModel('tiny'));
    try {
      // An export whose If reads use_cache_branch through another node: ONNX Runtime runs it, the surgery refuses it.
      const file = path.join(dir, 'onnx', 'decoder_model_merged_quantized.onnx');
      const { onnx } = onnxProto;
      const m = onnx.ModelProto.decode(await readFile(file));
      const ifNode = m.graph!.node!.find((n) => n.opType === 'If')!;
      ifNode.input = ['use_cache_flag'];
      m.graph!.node!.unshift({ opType: 'Identity', input: ['use_cache_branch'], output: ['use_cache_flag'], name: 'flag' });
      await writeFile(file, onnx.ModelProto.encode(m).finish());
      const generator = await openGenerator(dir, 'q8', { intraOpThreads: 1 });
      expect(generator.kind).toBe('js');
      expect(generator.notice).toMatch(/not available.*use_cache_branch.*step-by-step loop/);
      await expect(openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 })).rejects.toThrow(GraphSurgeryError);
      const model = await readModelConfig(dir);
      const [out] = await generator.generate(request(model, [[5, 6, 7, model.config.eosId]], 1, [6]));
      expect(out!.ids.length).toBeGreaterThan(0);
      await generator.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('has each subgraph output written by the node that computes it, with no Identity copy between', async () => {
    const dir = await builtModel('tiny');
    const read = (file: string) => readFile(path.join(dir, 'onnx', file));
    const [encoder, decoder] = await Promise.all([read('encoder_model.onnx'), read('decoder_model_merged.onnx')]);
    const { onnx } = onnxProto;
    // The premise: the source's cache branch hands its presents out through Identity nodes.
    const branch = onnx.ModelProto.decode(decoder).graph!.node!.find((n) => n.opType === 'If')!.attribute!.find((a) => a.name === 'then_branch')!.g!;
    expect(branch.node!.filter((n) => n.opType === 'Identity').length).toBeGreaterThan(0);
    const spec = beamSearchSpec(await readModelConfig(dir));
    const wrapped = onnx.ModelProto.decode(wrapBeamSearch(encoder, decoder, spec));
    const beamSearch = wrapped.graph!.node!.find((n) => n.opType === 'BeamSearch')!;
    for (const name of ['encoder', 'decoder']) {
      const g = beamSearch.attribute!.find((a) => a.name === name)!.g!;
      const produced = new Set(g.node!.flatMap((n) => n.output ?? []));
      const copies = g.node!.filter((n) => n.opType === 'Identity' && produced.has(n.input![0]!));
      expect(copies.map((n) => n.name), name).toEqual([]);
      for (const out of g.output!) expect(produced.has(out.name!), `${name}: ${out.name}`).toBe(true);
    }
    expect(beamSearch.attribute!.find((a) => a.name === 'decoder')!.g!.output!.length).toBe(1 + 2 * spec.layers);
  });

  it("looks tokens up in a row-major copy of the q8 decoder's transposed table, not by column", async () => {
    const dir = await builtModel('tiny');
    const read = (file: string) => readFile(path.join(dir, 'onnx', file));
    const [encoder, decoder] = await Promise.all([read('encoder_model_quantized.onnx'), read('decoder_model_merged_quantized.onnx')]);
    const { onnx } = onnxProto;
    const columnLookups = (g: onnxProto.onnx.IGraphProto, tables: ReadonlySet<string>): onnxProto.onnx.INodeProto[] => {
      const found: onnxProto.onnx.INodeProto[] = [];
      for (const n of g.node ?? []) {
        if (n.opType === 'Gather' && tables.has(n.input![0]!) && Number(n.attribute?.find((a) => a.name === 'axis')?.i ?? 0) === 1) found.push(n);
        for (const a of n.attribute ?? []) if (a.g) found.push(...columnLookups(a.g, tables));
      }
      return found;
    };
    // The premise: the builder's q8 decoder reads its tied table by column.
    const source = onnx.ModelProto.decode(decoder).graph!;
    const sourceTables = new Set((source.initializer ?? []).filter((t) => t.dims!.length === 2).map((t) => t.name!));
    const sourceLookups = columnLookups(source, sourceTables);
    expect(sourceLookups.length).toBeGreaterThan(0);
    const tableName = sourceLookups[0]!.input![0]!;

    const wrapped = onnx.ModelProto.decode(wrapBeamSearch(encoder, decoder, beamSearchSpec(await readModelConfig(dir)))).graph!;
    const inits = new Map((wrapped.initializer ?? []).map((t) => [t.name!, t]));
    expect(columnLookups(wrapped, new Set(inits.keys()))).toEqual([]);
    const table = inits.get(`dec/${tableName}`)!;
    const copy = inits.get(`dec/${tableName}/row_major`)!;
    const [d, v] = table.dims!.map(Number) as [number, number];
    expect(copy.dims!.map(Number)).toEqual([v, d]);
    for (const [r, c] of [[0, 0], [d - 1, 5], [7, v - 1]] as const) expect(copy.rawData![c * d + r]).toBe(table.rawData![r * v + c]);
  });

  it('refuses files that are not ONNX with a GraphSurgeryError', () => {
    const spec = { vocabSize: 10, layers: 1, heads: 1, headDim: 4, eosId: 0, padId: 9, decoderStartId: 9, earlyStopping: false };
    expect(() => wrapBeamSearch(new Uint8Array([1, 2, 3]), new Uint8Array([4, 5]), spec)).toThrow(GraphSurgeryError);
  });
});

