/**
 * A model's max_length (generation_config.json, then config.json), as Hugging Face's generate()
 * reads it: the longest output incl. the decoder start token, the end token forced at it. Both
 * engines cap there, and chunks are no longer than an output of their length can be.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { longestFinishedInput } from '../../src/engine/decoding/guards.js';
import { loadTranslator } from '../../src/engine/load-translator.js';
import { MIN_MAX_LENGTH } from '../../src/engine/model-config.js';
import { MIN_CHUNK_TOKENS } from '../../src/segmentation/defaults.js';
import { segmentForTranslator } from '../../src/segmentation/for-translator.js';
import { builtModel } from '../../tools/builder-models.js';
import { MIXED_LENGTH_SENTENCES } from '../helpers/mixed-length-sentences.js';
import { runCli } from '../helpers/run-cli.js';

const MAX_LENGTH = 12;

describe(`a model whose files say max_length ${MAX_LENGTH}`, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'da2en-max-length-'));
    // Sources only: the wrapped model is made from these settings.
    await cp(await builtModel('tiny'), dir, { recursive: true, filter: (src) => !path.basename(src).startsWith('da2en_generate') });
    for (const file of ['config.json', 'generation_config.json']) {
      const json = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Record<string, unknown>;
      await writeFile(path.join(dir, file), JSON.stringify({ ...json, max_length: MAX_LENGTH }));
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives outputs of at most max_length − 2 tokens besides the start and end tokens, the same from both engines', async () => {
    const outputs: { text: string; tokens: number; flags: string[] }[][] = [];
    for (const engine of ['ort', 'js'] as const) {
      const translator = await loadTranslator({ model: dir, offline: true, dtype: 'fp32', engine, worker: false, threads: 1 });
      try {
        expect(translator.engine).toBe(engine);
        expect(translator.maxInputTokens).toBe(MAX_LENGTH - 2);
        const chunks = MIXED_LENGTH_SENTENCES.flatMap((s) => segmentForTranslator(s, translator).paragraphs.flatMap((p) => p.chunks.map((c) => c.text)));
        expect(Math.max(...chunks.map((c) => translator.countTokens(c)))).toBeLessThanOrEqual(MAX_LENGTH - 2);
        // One at a time: batching is not what this is about.
        const out = [];
        for (const chunk of chunks) out.push(...(await translator.translateBatch([chunk])));
        outputs.push(out);
      } finally {
        await translator.dispose();
      }
    }
    const [ort, js] = outputs as [typeof outputs[0], typeof outputs[0]];
    expect(ort).toEqual(js);
    for (const out of ort) expect(out.tokens).toBeLessThanOrEqual(MAX_LENGTH - 2);
    // The premise: this model writes on to the cap (without max_length it would go on to 2 × the input + 10).
    expect(ort.filter((o) => o.flags.includes('length-cap')).length).toBeGreaterThan(0);
  });
});

// Was: max_length 0–2 left segmentation a token budget below one, "maxTokens must be positive, got -1", exit 2.
describe('a model whose max_length leaves inputs no room', () => {
  let source: string;
  let work: string;
  beforeAll(async () => {
    source = await builtModel('tiny');
    work = await mkdtemp(path.join(os.tmpdir(), 'da2en-max-length-low-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('the least it takes leaves chunks the least --max-chunk-tokens allows', () => {
    expect(longestFinishedInput(MIN_MAX_LENGTH)).toBe(MIN_CHUNK_TOKENS);
  });

  it.each([
    ['generation_config.json', 2, {}],
    ['generation_config.json', MIN_MAX_LENGTH - 1, {}],
    // generate() reads config.json's where generation_config.json has none.
    ['config.json', 1, { 'generation_config.json': { max_length: null } }],
  ] as const)('%s max_length %i: exit 5 naming the file, from translating and from model verify', async (file, value, others) => {
    const dir = await mkdtemp(path.join(work, 'model-'));
    await cp(source, dir, { recursive: true, filter: (src) => !path.basename(src).startsWith('da2en_generate') });
    for (const [name, patch] of [[file, { max_length: value }], ...Object.entries(others)] as const) {
      const json = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as Record<string, unknown>;
      await writeFile(path.join(dir, name), JSON.stringify({ ...json, ...patch }));
    }
    const pattern = new RegExp(`^da2en: .*${file.replace('.', '\\.')}: max_length ${value} leaves no room`);
    const translated = await runCli(['-', '--format', 'txt', '--model', dir, '--no-cache', '-o', '-'], 'Hunden løber.');
    expect(translated.code, translated.stderr).toBe(ExitCode.ModelCorrupt);
    expect(translated.stderr.trim().split('\n')).toEqual([expect.stringMatching(pattern)]);
    const verified = await runCli(['model', 'verify', '--model', dir]);
    expect(verified.code, verified.stderr).toBe(ExitCode.ModelCorrupt);
    expect(verified.stderr).toMatch(pattern);
  });
});
