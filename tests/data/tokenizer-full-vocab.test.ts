/**
 * At full size (58,930 pieces, the real model's vocabulary size) da2en's tokenizer — Transformers.js
 * with the sorted piece index in place of its trie — encodes every paragraph of the real news
 * articles (Danish, and the English references beside them), and the seed article, to the same ids
 * as Transformers.js imported as usual, and decodes them to the same text.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as transformers from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../src/engine/model-directory.js';
import { builtModel } from '../../tools/builder-models.js';

const shared = process.env['DA2EN_SHARED'] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared');

let dir: string;
beforeAll(async () => {
  if (!existsSync(path.join(shared, 'data'))) throw new Error(`shared data not found at ${shared}; set DA2EN_SHARED`);
  dir = await builtModel('opus-da-en');
}, 600_000);

describe('the tokenizer at full size', () => {
  it('encodes and decodes the real articles exactly as Transformers.js imported as usual', async () => {
    const read = (f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>;
    transformers.env.logLevel = transformers.LogLevel.ERROR;
    const usual = new transformers.MarianTokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
    const ours = await loadTokenizer(dir);
    expect(ours).not.toBeInstanceOf(transformers.MarianTokenizer);
    expect((ours.get_vocab() as unknown as Map<string, number>).size).toBe(58_930);
    const articles = path.join(shared, 'data', 'articles');
    const files = [...readdirSync(articles).filter((f) => f.endsWith('.txt')).map((f) => path.join(articles, f)), path.join(shared, 'seed', 'seed-article.da.txt')];
    let paragraphs = 0;
    let tokens = 0;
    for (const file of files) {
      for (const paragraph of readFileSync(file, 'utf8').split(/\n\s*\n/)) {
        const ids = ours.encode(paragraph);
        expect(ids, `${path.basename(file)}: ${paragraph.slice(0, 60)}`).toEqual(usual.encode(paragraph));
        expect(ours.decode(ids, { skip_special_tokens: true })).toBe(usual.decode(ids, { skip_special_tokens: true }));
        paragraphs++;
        tokens += ids.length;
      }
    }
    process.stderr.write(`[tokenizer] ${files.length} files, ${paragraphs} paragraphs, ${tokens} tokens: identical ids\n`);
    expect(paragraphs).toBeGreaterThan(100);
  }, 120_000);
});
