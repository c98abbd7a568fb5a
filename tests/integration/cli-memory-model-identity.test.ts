/**
 * The translation memory knows a local model by where it is and what it holds (model-store/memory-id.ts),
 * not by the path as typed: one folder whose model was replaced is another model, and gets its own
 * translations, never the old model's from the memory. (`--model m` typed in two folders:
 * tests/unit/model-memory-id.test.ts; the model process cannot start from a test's changed cwd.)
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { runCli } from '../helpers/run-cli.js';

const ARTICLE = 'Kommunen bygger en ny skole.\n\nBørn og voksne fejrede sejren på torvet i går aftes.\n';

let tmp: string;
let input: string;
let cacheDir: string;
let tiny: string;
let echo: string;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-model-identity-'));
  input = path.join(tmp, 'article.da.txt');
  writeFileSync(input, ARTICLE);
  cacheDir = path.join(tmp, 'cache');
  [tiny, echo] = await Promise.all([builtModel('tiny'), builtModel('echo')]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function translate(model: string, ...extra: string[]) {
  const result = await runCli([input, '--model', model, '--offline', '--threads', '1', '--format', 'en', '-o', '-', '--verbose', ...(extra.includes('--no-cache') ? [] : ['--cache-dir', cacheDir]), ...extra]);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

describe('a local model in the translation memory', () => {
  it('one path whose model was replaced (a re-convert): the new model translates', async () => {
    const model = path.join(tmp, 'mm');
    cpSync(tiny, model, { recursive: true });
    const before = await translate(model);
    rmSync(model, { recursive: true });
    cpSync(echo, model, { recursive: true });
    const after = await translate(model);
    const fresh = await translate(model, '--no-cache');
    expect(after.stdout).toBe(fresh.stdout);
    expect(after.stdout).not.toBe(before.stdout);
    expect(after.stderr).toMatch(/\d+ translated in [1-9]\d* model calls?, 0 from the cache/);
    // Left as it is (the files da2en made beside it on first load included), it is still the same model.
    const again = await translate(model);
    expect(again.stdout).toBe(after.stdout);
    expect(again.stderr).toContain('model not loaded');
  });
});

describe('a library caller\'s length cap in the translation memory', () => {
  it('a translation capped by lengthPolicy.maxPositions is not served for the model\'s own cap (nor the other way round)', async () => {
    const { loadTranslator } = await import('../../src/engine/load-translator.js');
    const { openTranslationMemory } = await import('../../src/cache/translation-memory.js');
    const { translateArticle } = await import('../../src/translate-article.js');
    const memory = openTranslationMemory(path.join(tmp, 'cache-cap'));
    const text = 'Børn og voksne fejrede sejren på torvet i går aftes.';
    const capped = await loadTranslator({ model: echo, offline: true, threads: 1, modelProcesses: 1, lengthPolicy: { maxPositions: 6 } });
    const plain = await loadTranslator({ model: echo, offline: true, threads: 1, modelProcesses: 1 });
    try {
      const short = await translateArticle(text, { translator: capped, memory });
      expect(short.paragraphs[0]!.target.length).toBeLessThan(text.length);
      const whole = await translateArticle(text, { translator: plain, memory });
      expect(whole.paragraphs[0]!.target).toBe(text);
      expect(whole.model.decoding).not.toHaveProperty('maxPositions');
      expect(short.model.decoding).toMatchObject({ maxPositions: 6 });
    } finally {
      await Promise.all([capped.dispose(), plain.dispose()]);
      await memory.close();
    }
  });
});
