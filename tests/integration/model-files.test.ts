/**
 * How model files reach Transformers.js and ONNX Runtime (src/engine/local-model-files.ts): the
 * .onnx files are opened by ONNX Runtime alone, never also streamed into memory by JavaScript.
 */
import fs from 'node:fs';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { localFileFor } from '../../src/engine/local-model-files.js';
import { MarianModel } from '../../src/engine/marian-model.js';
import { builtModel } from '../../tools/builder-models.js';

afterEach(() => vi.restoreAllMocks());

/** Paths passed to fs.createReadStream while `run` runs (Transformers.js uses the same fs object). */
async function streamedDuring(run: () => Promise<void>): Promise<string[]> {
  const streamed: string[] = [];
  const original = fs.createReadStream;
  vi.spyOn(fs, 'createReadStream').mockImplementation(((file: fs.PathLike, options?: unknown) => {
    streamed.push(String(file));
    return original(file, options as never);
  }) as typeof fs.createReadStream);
  await run();
  return streamed;
}

describe('model files', () => {
  it('are loaded without streaming any .onnx file through JavaScript, and the hook is removed afterwards', async () => {
    const dir = await builtModel('tiny');
    const streamed = await streamedDuring(async () => {
      const model = await MarianModel.load(dir, 'q8', { intraOpThreads: 1 });
      expect(model.decode(model.tokenize('Det regner.')).length).toBeGreaterThan(0);
      await model.dispose();
    });
    expect(streamed.filter((f) => f.endsWith('.onnx'))).toEqual([]);
    expect(env.useCustomCache).toBe(false);
  });

  it('without the hook, Transformers.js would stream every .onnx file it loads (why the hook exists)', async () => {
    const dir = await builtModel('tiny');
    const { AutoModelForSeq2SeqLM } = await import('@huggingface/transformers');
    const streamed = await streamedDuring(async () => {
      const model = await AutoModelForSeq2SeqLM.from_pretrained(dir, { dtype: 'q8', local_files_only: true });
      await model.dispose();
    });
    expect(streamed.filter((f) => f.endsWith('.onnx')).map((f) => path.basename(f)).sort()).toEqual(['decoder_model_merged_quantized.onnx', 'encoder_model_quantized.onnx']);
  });

  it('maps local paths and hub-style URLs of a loading directory to its files, and nothing else', async () => {
    const dir = await builtModel('tiny');
    expect(localFileFor(`${dir}/onnx/encoder_model_quantized.onnx`, [dir])).toBe(path.join(dir, 'onnx/encoder_model_quantized.onnx'));
    expect(localFileFor(`https://huggingface.co/${dir}/resolve/main/config.json`, [dir])).toBe(path.join(dir, 'config.json'));
    expect(localFileFor(`${dir}/missing.json`, [dir])).toBeUndefined();
    expect(localFileFor(`${dir}/../${path.basename(dir)}/config.json`, [dir])).toBeUndefined();
    expect(localFileFor('/elsewhere/config.json', [dir])).toBeUndefined();
  });
});
