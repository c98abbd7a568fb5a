/**
 * How a model directory is loaded (src/engine/model-directory.ts, MarianModel.load): the .onnx files
 * are opened by ONNX Runtime alone, never streamed through JavaScript, and Transformers.js' global
 * settings are as the caller left them.
 */
import fs from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MarianModel } from '../../src/engine/marian-model.js';
import { readModelDirectory } from '../../src/engine/model-directory.js';
import { tokenizerLibrary } from '../../src/engine/tokenizer-library.js';
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

function envSnapshot(of: object = env): Record<string, unknown> {
  return Object.fromEntries(Object.entries(of).filter(([, v]) => v === null || typeof v !== 'object'));
}

describe('model files', () => {
  it('are loaded without streaming any .onnx file through JavaScript, and leave every Transformers.js setting as it was', async () => {
    const dir = await builtModel('tiny');
    const before = envSnapshot();
    const customCache = env.customCache;
    // The tokenizer comes from its own copy of the library (tokenizer-library.ts): its settings too.
    const library = await tokenizerLibrary();
    const libraryBefore = envSnapshot(library.env);
    const streamed = await streamedDuring(async () => {
      const model = await MarianModel.load(dir, 'q8', { intraOpThreads: 1 });
      expect(model.decode(model.tokenize('Det regner.')).length).toBeGreaterThan(0);
      await model.dispose();
    });
    expect(streamed.filter((f) => f.endsWith('.onnx'))).toEqual([]);
    expect(envSnapshot()).toEqual(before);
    expect(env.customCache).toBe(customCache);
    expect(envSnapshot(library.env)).toEqual(libraryBefore);
    expect(libraryBefore['logLevel']).toBeDefined();
  });

  it('reads special ids and generation settings from the files, not constants', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'da2en-model-dir-'));
    try {
      await cp(await builtModel('tiny'), dir, { recursive: true });
      const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
      await writeFile(path.join(dir, 'config.json'), JSON.stringify({ ...config, eos_token_id: 7, decoder_start_token_id: 5 }));
      await writeFile(path.join(dir, 'generation_config.json'), JSON.stringify({ num_beams: 4, max_length: 64, bad_words_ids: [[9], [3, 4]], forced_eos_token_id: 7, early_stopping: true, pad_token_id: config.pad_token_id }));
      const files = await readModelDirectory(dir, 'q8');
      expect(files.config).toMatchObject({ eosId: 7, decoderStartId: 5, padId: config.pad_token_id, vocabSize: config.vocab_size, layers: 2, heads: 4, headDim: 8 });
      // Multi-token bad words cannot be a vocabulary mask; pad is always banned.
      expect(files.generation).toEqual({ numBeams: 4, maxLength: 64, badWordIds: [config.pad_token_id, 9], earlyStopping: true });
      expect(files.decoderPath).toBe(path.join(dir, 'onnx', 'decoder_model_merged_quantized.onnx'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the file that cannot be loaded', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'da2en-model-dir-'));
    try {
      await cp(await builtModel('tiny'), dir, { recursive: true });
      await writeFile(path.join(dir, 'onnx', 'encoder_model.onnx'), 'not a model');
      await expect(MarianModel.load(dir, 'fp32', { intraOpThreads: 1 })).rejects.toThrow(/onnx\/encoder_model\.onnx/);
      await writeFile(path.join(dir, 'tokenizer_config.json'), '{');
      await expect(MarianModel.load(dir, 'q8', { intraOpThreads: 1 })).rejects.toThrow(/tokenizer_config\.json is not valid JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
