import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AutoModelForSeq2SeqLM, AutoTokenizer, LogLevel, env, pipeline } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/builder/index.js';
import { requiredFiles } from '../../src/engine/model-store/index.js';

env.allowRemoteModels = false;
env.logLevel = LogLevel.NONE;

const SENTENCES = ['Det regner i dag.', 'Kommunen bygger en ny skole til næsten fire hundrede elever.', 'Hvorfor?'];

describe('model builder, tiny preset', () => {
  it('writes every file Transformers.js reads, and the same seed gives byte-identical files', async () => {
    const a = await mkdtemp(path.join(os.tmpdir(), 'da2en-build-a-'));
    const b = await mkdtemp(path.join(os.tmpdir(), 'da2en-build-b-'));
    const c = await mkdtemp(path.join(os.tmpdir(), 'da2en-build-c-'));
    const report = await buildModel({ preset: 'tiny', outDir: a, seed: 7 });
    await buildModel({ preset: 'tiny', outDir: b, seed: 7 });
    await buildModel({ preset: 'tiny', outDir: c, seed: 8 });
    const files = [...new Set([...requiredFiles('q8'), ...requiredFiles('fp32')])];
    expect(report.files.map((f) => f.file).sort()).toEqual([...files].sort());
    for (const f of files) expect(readFileSync(path.join(b, f)).equals(readFileSync(path.join(a, f)))).toBe(true);
    expect(readFileSync(path.join(c, 'onnx/encoder_model.onnx')).equals(readFileSync(path.join(a, 'onnx/encoder_model.onnx')))).toBe(false);
    // int8 twins are real: roughly a quarter of the fp32 weights.
    const size = (f: string) => report.files.find((x) => x.file === f)!.bytes;
    expect(size('onnx/decoder_model_merged_quantized.onnx')).toBeLessThan(size('onnx/decoder_model_merged.onnx') / 2);
    const config = JSON.parse(readFileSync(path.join(a, 'config.json'), 'utf8'));
    expect(config.pad_token_id).toBe(report.vocabSize - 1);
    expect(config.decoder_start_token_id).toBe(config.pad_token_id);
    expect(config.eos_token_id).toBe(0);
  });

  it.each(['fp32', 'q8'] as const)('loads with Transformers.js (%s) and generates deterministically, batch = one by one', async (dtype) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'da2en-build-'));
    await buildModel({ preset: 'tiny', outDir: dir, seed: 3 });
    const tokenizer = await AutoTokenizer.from_pretrained(dir);
    const model = await AutoModelForSeq2SeqLM.from_pretrained(dir, { dtype });
    const generate = async (texts: string[]) => {
      const inputs = tokenizer(texts, { padding: true });
      const out = (await model.generate({ ...inputs, max_new_tokens: 12, min_new_tokens: 12 })) as { tolist(): bigint[][] };
      return out.tolist().map((row) => row.map(Number));
    };
    const first = await generate([SENTENCES[1]!]);
    expect(await generate([SENTENCES[1]!])).toEqual(first);
    expect(first[0]!.length).toBe(13); // decoder start + 12
    // Transformers.js' own batched generate() matches one input at a time (fp32; q8 scales activations per tensor).
    if (dtype === 'fp32') {
      const batch = await generate(SENTENCES);
      for (const [i, s] of SENTENCES.entries()) expect(batch[i]!.slice(0, 13)).toEqual((await generate([s]))[0]);
    }
    const translate = await pipeline('translation', dir, { dtype });
    const [result] = (await translate(SENTENCES[0]!, { max_new_tokens: 5 } as Record<string, unknown>)) as { translation_text: string }[];
    expect(typeof result!.translation_text).toBe('string');
    await translate.dispose();
    await model.dispose();
  });

  it('tokenizes with the Marian conventions: metaspace pieces and a closing </s>', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'da2en-build-'));
    await buildModel({ preset: 'tiny', outDir: dir, seed: 1 });
    const tokenizer = await AutoTokenizer.from_pretrained(dir);
    const ids = tokenizer.encode('Det regner.') as number[];
    expect(ids.at(-1)).toBe(0);
    expect(tokenizer.tokenize('Det regner.')[0]!.startsWith('▁')).toBe(true);
    expect(tokenizer.decode(ids, { skip_special_tokens: true })).toBe('Det regner.');
  });
});
