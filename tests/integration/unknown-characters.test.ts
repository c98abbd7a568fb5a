/**
 * Issue 11 §4: characters the model cannot spell (its tokenizer's <unk>) and compatibility
 * characters its normaliser would fold into something else reach the English side unchanged.
 * The echo model copies its input token for token, <unk> included, so what comes out is exactly
 * what the engine's protection gives back. The tiny model (random weights) never writes <unk>, so
 * nothing can be given back, and QA must say so.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BilingualDocument } from '../../src/document/types.js';
import { builtModel } from '../../tools/builder-models.js';
import { runCli } from '../helpers/run-cli.js';

// source → what must reach the English side (the echo model's "translation")
const GOLDEN: [string, string][] = [
  ['Erdoğan mødte Łukasz Šimek i Košice.', 'Erdoğan mødte Łukasz Šimek i Košice.'],
  ['Opskriften siger 2½ dl mælk og ½ kg mel.', 'Opskriften siger 2½ dl mælk og ½ kg mel.'],
  ['Arealet er 120 m² og rummet 300 m³, og 10⁻³ er lidt.', 'Arealet er 120 m² og rummet 300 m³, og 10⁻³ er lidt.'],
  // the non-breaking hyphen of a range becomes a hyphen the model knows ("45 mio." before)
  ['Udledningen af CO₂ faldt med 4\u20115 mio. tons.', 'Udledningen af CO₂ faldt med 4-5 mio. tons.'],
  ['Det koster 5 € – ”billigt”, siger Søren’s far.', 'Det koster 5 € – ”billigt”, siger Søren’s far.'],
  ['Skrevet som tekst forsvinder <unk> og </s> ikke.', 'Skrevet som tekst forsvinder <unk> og </s> ikke.'],
  ['Festen 🎉 hed Ψυχή på græsk.', 'Festen 🎉 hed Ψυχή på græsk.'],
  ['Familien 👨\u200d👩\u200d👧 sendte ❤\ufe0f.', 'Familien 👨\u200d👩\u200d👧 sendte ❤\ufe0f.'],
  // invisible break hints (soft hyphen, zero-width space, word joiner, U+FEFF, joiners between
  // letters) are taken out before the model: the word reaches it whole (was "Folketings valget")
  [
    'Folketings\u200bvalget blev Blom\u00adster, ord\u2060for\u2060ord, mid\ufefft, e\u200cf og e\u200df.',
    'Folketingsvalget blev Blomster, ordforord, midt, ef og ef.',
  ],
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-unk-'));
});

async function translate(preset: 'echo' | 'tiny'): Promise<BilingualDocument> {
  const model = await builtModel(preset);
  const input = path.join(dir, `${preset}.da.txt`);
  writeFileSync(input, GOLDEN.map(([source]) => source).join('\n\n'));
  const output = path.join(dir, `${preset}.json`);
  const result = await runCli([input, '--model', model, '--offline', '--no-cache', '--quiet', '-o', output]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(readFileSync(output, 'utf8')) as BilingualDocument;
}

describe('text the model cannot spell', () => {
  it('reaches the English side unchanged, through the CLI and the echo model (golden)', async () => {
    const doc = await translate('echo');
    expect(doc.paragraphs.map((p) => p.source)).toEqual(GOLDEN.map(([source]) => source));
    expect(doc.paragraphs.map((p) => p.target)).toEqual(GOLDEN.map(([, target]) => target));
    expect(doc.paragraphs.flatMap((p) => p.qa ?? []).filter((f) => f.kind === 'unrestored')).toEqual([]);
    expect(doc.qa?.byKind.unrestored).toBe(0);
    // Part of the cache key: translations cached before (which lost this text) are not reused.
    expect(doc.model.decoding).toMatchObject({ unknownText: 'restored' });
  }, 60_000);

  it('is flagged by QA where the model did not give it back (the tiny model writes no <unk>)', async () => {
    const doc = await translate('tiny');
    const first = doc.paragraphs[0]!;
    for (const lost of ['ğ', 'Ł', 'Š', 'š']) {
      if (!first.target.includes(lost)) expect(first.qa?.map((f) => f.message)).toContain(`The source's "${lost}" (which the model cannot spell: <unk>) is missing from the translation.`);
    }
    expect(doc.qa?.byKind.unrestored).toBeGreaterThanOrEqual(4);
    // The chunk says which text it lost (JSON), so a reader can find it.
    expect(first.chunks.flatMap((c) => c.flags ?? [])).toContain('unrestored:ğ');
  }, 60_000);
});
