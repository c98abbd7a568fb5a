import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { segmentDocument } from '../../src/segmentation/index.js';
import { fakeCountTokens } from '../helpers/fake-tokens.js';

const DIR = join(import.meta.dirname, '..', '..', 'samples');
const files = readdirSync(DIR).filter((f) => f.endsWith('.da.txt')).sort();
const segment = (f: string) =>
  segmentDocument(readFileSync(join(DIR, f), 'utf8'), { countTokens: fakeCountTokens, maxTokens: 64, source: f });

describe('samples/', () => {
  it('has 2–3 Danish articles', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.length).toBeLessThanOrEqual(3);
  });

  it.each(files)('%s: 5–10 paragraphs, a headline, quotes, one sentence per chunk', (f) => {
    const doc = segment(f);
    expect(doc.paragraphs.length).toBeGreaterThanOrEqual(5);
    expect(doc.paragraphs.length).toBeLessThanOrEqual(10);
    expect(doc.paragraphs[0]!.kind).toBe('heading');
    expect(doc.title).toBe(doc.paragraphs[0]!.text);
    expect(doc.paragraphs.some((p) => p.kind === 'quote' && p.prefix === '- ')).toBe(true);
    for (const p of doc.paragraphs) {
      for (const c of p.chunks) {
        // every chunk is one sentence ending in punctuation (headline aside): abbreviations did not split
        if (p.kind !== 'heading') expect(c.text, f).toMatch(/[.!?]$/);
        expect(c.text, f).toMatch(/^[\p{Lu}\d"-]/u);
      }
    }
  });

  it('havnebad-aabner carries the date marker as metadata', () => {
    const doc = segment('havnebad-aabner.da.txt');
    expect(doc.metadata.date).toBe('2025-03');
    expect(doc.title).toBe('Nyt havnebad i Vejle åbner allerede til sommer');
    const all = doc.paragraphs.flatMap((p) => p.chunks.map((c) => c.text));
    expect(all).toContain('Den officielle indvielse finder sted lørdag d. 7. juni kl. 14 med taler, musik og gratis is til børnene.');
    expect(all.join(' ')).not.toContain('date');
  });
});
