/**
 * Segmentation of the real articles in shared/ (the seed article and shared/data/articles).
 * Reads ../shared (or $DA2EN_SHARED); runs in the data suite only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinChunks, segmentDocument } from '../../src/segmentation/index.js';
import { fakeCountTokens } from '../helpers/fake-tokens.js';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const shared = process.env.DA2EN_SHARED ?? path.resolve(repoRoot, '../shared');
const seed = path.join(shared, 'seed/seed-article.da.txt');
const articlesDir = path.join(shared, 'data/articles');

function load(file: string): string {
  if (!existsSync(file)) {
    throw new Error(`${file} not found: put the shared folder beside the repo (../shared) or set DA2EN_SHARED.`);
  }
  return readFileSync(file, 'utf8');
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('segmenting the shared articles', () => {
  it('seed article: date marker is metadata, first paragraph clean, quotes detected', () => {
    const doc = segmentDocument(load(seed), { countTokens: fakeCountTokens, maxTokens: 80 });
    expect(doc.metadata.date).toBe('2021-07');
    expect(doc.paragraphs[0]!.text.startsWith('Over 1000 afghanske')).toBe(true);
    // It opens with a lede, not a heading: no title (issue 11), the lede is the first pair.
    expect(doc.title).toBe('');
    expect(doc.paragraphs.some((p) => p.kind === 'quote')).toBe(true);
    for (const p of doc.paragraphs) for (const c of p.chunks) expect(c.text).not.toMatch(/\bdate 2021/);
  });

  const files = existsSync(articlesDir) ? readdirSync(articlesDir).filter((f) => f.endsWith('.da.txt')).sort() : [];
  it('finds the articles', () => {
    load(path.join(articlesDir, 'INDEX.tsv'));
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s: chunks within budget, nothing lost, no chunk starts lower-case', (f) => {
    for (const maxTokens of [24, 200]) {
      const doc = segmentDocument(load(path.join(articlesDir, f)), { countTokens: fakeCountTokens, maxTokens });
      for (const p of doc.paragraphs) {
        expect(squash(p.prefix + joinChunks(p.chunks))).toBe(squash(p.text));
        for (const c of p.chunks) {
          expect(c.tokens).toBeLessThanOrEqual(maxTokens);
          // a lower-case start means a wrong sentence break (split long sentences aside)
          if (maxTokens === 200 && c.joinBefore !== '') expect(c.text, c.text).not.toMatch(/^\p{Ll}/u);
        }
      }
    }
  });
});
