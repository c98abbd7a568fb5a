import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AutoTokenizer, LogLevel, env, pipeline } from '@huggingface/transformers';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDecoder } from '../../src/builder/marian/decoder.js';
import { buildEncoder } from '../../src/builder/marian/encoder.js';
import { serializeModel } from '../../src/builder/onnx/serialize.js';
import { tokenizerConfigJson, tokenizerJson } from '../../src/builder/tokenizer/tokenizer-json.js';
import { convertCheckpoint } from '../../src/converter/convert.js';
import { CheckpointError } from '../../src/converter/errors.js';
import { MarianModel } from '../../src/engine/marian-model.js';
import { greedyDecode } from '../../src/engine/decoding/greedy.js';
import { writeTinyCheckpoint, type CheckpointStyle, type TinyCheckpoint } from '../helpers/tiny-checkpoint.js';

env.allowRemoteModels = false;
env.logLevel = LogLevel.NONE;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-convert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SENTENCES = ['Det er en god dag.', 'Regeringen vil i år bruge flere penge på skoler og sygehuse.', 'Hun  sagde:  "Nej tak!"', 'København 2024'];
const i64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);

interface Outputs {
  hidden: Float32Array;
  logits: Float32Array[];
}

/** Encoder output and three decoder steps (with the cache) for `ids`, straight through ONNX Runtime. */
async function run(encoder: Uint8Array | string, decoder: Uint8Array | string, ids: number[], start: number, layers: number): Promise<Outputs> {
  const enc = await ort.InferenceSession.create(encoder as Uint8Array);
  const dec = await ort.InferenceSession.create(decoder as Uint8Array);
  const mask = i64([ids.map(() => 1)]);
  const hidden = (await enc.run({ input_ids: i64([ids]), attention_mask: mask }))['last_hidden_state']!;
  const logits: Float32Array[] = [];
  let past: Record<string, ort.Tensor> = {};
  for (let l = 0; l < layers; l++) for (const p of ['decoder', 'encoder']) for (const kv of ['key', 'value']) past[`past_key_values.${l}.${p}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, 4, 0, 8]);
  let token = start;
  for (let step = 0; step < 3; step++) {
    const out = await dec.run({ input_ids: i64([[token]]), encoder_attention_mask: mask, encoder_hidden_states: hidden, use_cache_branch: new ort.Tensor('bool', Uint8Array.of(step > 0 ? 1 : 0), [1]), ...past });
    const l = out['logits']!.data as Float32Array;
    logits.push(l.slice());
    past = {};
    for (const [k, v] of Object.entries(out)) if (k.startsWith('present.')) past[k.replace('present.', 'past_key_values.')] = v as ort.Tensor;
    token = l.indexOf(Math.max(...l));
  }
  await enc.release();
  await dec.release();
  return { hidden: hidden.data as Float32Array, logits };
}

const maxDiff = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

const STYLES: [CheckpointStyle, 'F32' | 'F16' | 'BF16', string][] = [
  ['opus', 'F32', 'swish, fp32, sinusoids stored, eos 0'],
  ['tc-big', 'F16', 'relu, fp16, no sinusoids, alphabetical vocab (eos ≠ 0)'],
  ['separate', 'BF16', 'relu, bf16, separate encoder/decoder embeddings'],
];

describe.each(STYLES)('converting a %s-style checkpoint (%s: %s)', (style, dtype) => {
  let ckpt: TinyCheckpoint;
  let reference: Outputs[];
  let builderTokenizerDir: string;
  const reports = new Map<string, Awaited<ReturnType<typeof convertCheckpoint>>>();
  const input = [5, 17, 42, 99, 3];

  beforeAll(async () => {
    ckpt = writeTinyCheckpoint(path.join(tmp, `${style}-ckpt`), style, dtype);
    const d = ckpt.dims;
    const ids = input.map((i) => i % (d.vocabSize - 1)).concat(d.eosId);
    reference = [await run(serializeModel(buildEncoder(d, ckpt.weights)), serializeModel(buildDecoder(d, ckpt.weights)), ids, d.padId, d.decoderLayers)];
    builderTokenizerDir = path.join(tmp, `${style}-builder-tokenizer`);
    mkdirSync(builderTokenizerDir, { recursive: true });
    writeFileSync(path.join(builderTokenizerDir, 'tokenizer.json'), JSON.stringify(tokenizerJson({ pieces: ckpt.pieces })));
    writeFileSync(path.join(builderTokenizerDir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfigJson()));
    for (const weights of ['safetensors', 'bin'] as const) {
      reports.set(weights, await convertCheckpoint({ checkpointDir: ckpt.dir, outDir: path.join(tmp, `${style}-${weights}`), dtypes: ['fp32', 'q8'], weights }));
    }
  });

  for (const weights of ['safetensors', 'bin'] as const) {
    it(`from ${weights === 'bin' ? 'pytorch_model.bin' : 'model.safetensors'}: computes exactly what the same weights compute in the builder's graphs`, async () => {
      const out = path.join(tmp, `${style}-${weights}`);
      const report = reports.get(weights)!;
      expect(report.weightsFile).toBe(weights === 'bin' ? 'pytorch_model.bin' : 'model.safetensors');
      expect(report.special).toEqual({ eos: ckpt.dims.eosId, unk: ckpt.dims.unkId, pad: ckpt.dims.padId, decoderStart: ckpt.dims.padId });
      if (style === 'tc-big') expect(report.notes.join(' ')).toMatch(/sinusoid tables computed/);
      if (style === 'separate') expect(report.notes.join(' ')).toMatch(/separate encoder .* and decoder .* embeddings/);
      for (const f of ['config.json', 'generation_config.json', 'tokenizer_config.json', 'tokenizer.json', 'onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx', 'onnx/encoder_model_quantized.onnx', 'onnx/decoder_model_merged_quantized.onnx']) {
        expect(existsSync(path.join(out, f)), f).toBe(true);
      }
      const d = ckpt.dims;
      const ids = input.map((i) => i % (d.vocabSize - 1)).concat(d.eosId);
      const got = await run(path.join(out, 'onnx/encoder_model.onnx'), path.join(out, 'onnx/decoder_model_merged.onnx'), ids, d.padId, d.decoderLayers);
      expect(maxDiff(got.hidden, reference[0]!.hidden)).toBeLessThan(1e-5);
      got.logits.forEach((l, i) => expect(maxDiff(l, reference[0]!.logits[i]!)).toBeLessThan(1e-4));
    });
  }

  it('tokenizes like MarianTokenizer: source.spm segmentation, vocab.json ids, </s> appended', async () => {
    const converted = await AutoTokenizer.from_pretrained(path.join(tmp, `${style}-safetensors`));
    const builder = await AutoTokenizer.from_pretrained(builderTokenizerDir);
    for (const s of SENTENCES) {
      const want = (builder.encode(s) as number[]).map((id) => ckpt.idOf[id]!);
      const got = converted.encode(s) as number[];
      expect(got, s).toEqual(want);
      expect(got.at(-1)).toBe(ckpt.dims.eosId);
    }
    // SentencePiece's remove_extra_whitespaces: ends stripped, runs collapsed.
    expect(converted.encode('  Det er   en  dag.  ')).toEqual(converted.encode('Det er en dag.'));
  });

  it('loads in Transformers.js pipeline("translation") and in da2en, which agree on the greedy output', async () => {
    const dir = path.join(tmp, `${style}-bin`);
    const translate = await pipeline('translation', dir, { dtype: 'fp32' });
    const model = await MarianModel.load(dir, 'fp32');
    try {
      for (const s of SENTENCES.slice(0, 2)) {
        const viaPipeline = ((await translate(s, { max_new_tokens: 8, num_beams: 1, do_sample: false } as never)) as { translation_text: string }[])[0]!.translation_text;
        const ids = (await greedyDecode(model, [model.tokenize(s)], { maxNewTokensPerRow: [8], repetitionGuard: false }))[0]!.ids;
        expect(model.decode(ids)).toBe(viaPipeline);
      }
      expect(model.config.eosId).toBe(ckpt.dims.eosId);
    } finally {
      await model.dispose();
      await translate.dispose();
    }
  });
});

describe('conversion errors', () => {
  it('refuses an unsupported architecture with one line and writes nothing', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'bart-ckpt'), 'opus', 'F32');
    const config = JSON.parse(readFileSync(path.join(ckpt.dir, 'config.json'), 'utf8'));
    writeFileSync(path.join(ckpt.dir, 'config.json'), JSON.stringify({ ...config, architectures: ['BartForConditionalGeneration'], model_type: 'bart' }));
    const out = path.join(tmp, 'bart-out');
    const err = await convertCheckpoint({ checkpointDir: ckpt.dir, outDir: out }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toBe('config.json: unsupported architecture BartForConditionalGeneration; da2en converts MarianMTModel (Opus-MT) checkpoints');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses weights whose shapes disagree with config.json', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'ffn-ckpt'), 'tc-big', 'F16');
    const config = JSON.parse(readFileSync(path.join(ckpt.dir, 'config.json'), 'utf8'));
    writeFileSync(path.join(ckpt.dir, 'config.json'), JSON.stringify({ ...config, encoder_ffn_dim: 128 }));
    const err = await convertCheckpoint({ checkpointDir: ckpt.dir, outDir: path.join(tmp, 'ffn-out') }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('model.safetensors: model.encoder.layers.0.fc1.weight has shape [64, 32], config.json implies [128, 32]');
  });

  it('refuses a max_length the engine refuses, in the engine\'s words and kind (model-corrupt), before the weights are read', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'maxlen-ckpt'), 'opus', 'F32');
    const config = JSON.parse(readFileSync(path.join(ckpt.dir, 'config.json'), 'utf8'));
    writeFileSync(path.join(ckpt.dir, 'config.json'), JSON.stringify({ ...config, max_length: 9 }));
    // No weights at all: the max_length is what is refused, not the missing weights.
    rmSync(path.join(ckpt.dir, 'model.safetensors'));
    rmSync(path.join(ckpt.dir, 'pytorch_model.bin'), { force: true });
    const out = path.join(tmp, 'maxlen-out');
    const err = await convertCheckpoint({ checkpointDir: ckpt.dir, outDir: out }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).kind).toBe('model-corrupt');
    expect((err as Error).message).toBe(
      "config.json: max_length 9 leaves no room to translate (at least 10: 8 input tokens, and the output's start and end); this is not a Marian model's setting (a damaged or foreign config.json)",
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a folder without weights', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'noweights-ckpt'), 'tc-big', 'F16');
    rmSync(path.join(ckpt.dir, 'model.safetensors'));
    rmSync(path.join(ckpt.dir, 'pytorch_model.bin'));
    const err = await convertCheckpoint({ checkpointDir: ckpt.dir, outDir: path.join(tmp, 'nw-out') }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/has no weights \(model\.safetensors or pytorch_model\.bin\)$/);
  });
});
