/**
 * Segmentation and reassembly on adversarial but realistic input: odd white space after a quote
 * dash or heading marker, a title of several sentences, long runs without a space (emoji, combining
 * marks), sentences that come back empty, and a seeded property over tricky fragments: every
 * paragraph's source is the input's paragraph as documented (lines trimmed, nothing else changed),
 * in order, and its chunks cover it.
 */
import { describe, expect, it } from 'vitest';
import type { BilingualParagraph } from '../../src/document/types.js';
import type { TranslationResult } from '../../src/engine/translator.js';
import { translateDocument } from '../../src/pipeline/translate-document.js';
import { translateParagraphStream } from '../../src/pipeline/translate-stream.js';
import { qaParagraphs } from '../../src/qa/index.js';
import { render } from '../../src/rendering/index.js';
import { joinChunks, segmentDocument } from '../../src/segmentation/index.js';
import { removeBreakHints } from '../../src/segmentation/normalize.js';
import { icuSentences, SENTENCE_WINDOW, splitSentences } from '../../src/segmentation/sentences.js';
import { fakeCountTokens } from '../helpers/fake-tokens.js';
import { FakeTranslator } from '../helpers/fake-translator.js';
import { pick, prng } from '../helpers/prng.js';

const opts = { countTokens: fakeCountTokens, maxTokens: 60 };
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Boundaries of the grapheme clusters of `text` (0 and its length included). */
function graphemeBoundaries(text: string): Set<number> {
  const out = new Set<number>([text.length]);
  for (const { index } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) out.add(index);
  return out;
}

/** Translates by copying (an echo model): what a paragraph's chunks cover is what comes back. */
class EchoTranslator extends FakeTranslator {
  override async translateBatch(texts: string[]): Promise<TranslationResult[]> {
    return texts.map((t) => ({ text: t, flags: [], tokens: this.countTokens(t) }));
  }
}

describe('a quote dash or heading marker followed by a tab or no-break space', () => {
  const text = '#\tOverskrift med tab\n\n-\tDet er godt, siger han.\n\n–\u00a0Nej, siger hun.\n\n##\u00a0Baggrund\n\nTekst.';

  it('the prefix is the marker and its white space as written, so the text starts with it', () => {
    const doc = segmentDocument(text, opts);
    expect(doc.paragraphs.map((p) => [p.kind, p.prefix])).toEqual([
      ['heading', '#\t'],
      ['quote', '-\t'],
      ['quote', '–\u00a0'],
      ['heading', '##\u00a0'],
      ['text', ''],
    ]);
    for (const p of doc.paragraphs) expect(p.text.startsWith(p.prefix), JSON.stringify(p.text)).toBe(true);
    expect(doc.title).toBe('Overskrift med tab');
  });

  it('every output shows the marker once on each side (was: "- -\\tDet …" in the Danish column)', async () => {
    const doc = segmentDocument(text, opts);
    const { paragraphs } = await translateDocument(doc, new EchoTranslator());
    const frame = { title: { source: doc.title, target: doc.title }, metadata: {}, model: { id: 'echo', dtype: 'none', decoding: {} }, timings: { loadMs: 0, translateMs: 0, totalMs: 0 } };
    const bilingual = { ...frame, paragraphs };
    const txt = render('txt', bilingual);
    expect(txt).toContain('-\tDet er godt, siger han.\n-\tDet er godt, siger han.');
    expect(txt).toContain('–\u00a0Nej, siger hun.\n–\u00a0Nej, siger hun.');
    expect(txt).not.toMatch(/- -|– –|# #/);
    const md = render('md', bilingual);
    expect(md).toContain('| **Overskrift med tab** | **Overskrift med tab** |');
    expect(md).toContain('| **Baggrund** | **Baggrund** |');
    expect(md).toContain('| - Det er godt, siger han. | - Det er godt, siger han. |');
    const html = render('html', bilingual);
    expect(html).toMatch(/<h1 class="text" dir="auto"><span[^>]*>Overskrift med tab<\/span><\/h1>/);
    expect(html).toMatch(/<h2 class="text" dir="auto"><span[^>]*>Baggrund<\/span><\/h2>/);
    const main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
    expect(main).toContain('<blockquote class="text" dir="auto">-\t<span');
    expect(main).not.toMatch(/[-–#]\s*[-–#]/u);
  });
});

describe('the title of several sentences', () => {
  it('a "# " heading of two sentences gets the whole translation as its title (was: the first sentence only)', async () => {
    const t = translateParagraphStream(['# Krise i Aarhus. Borgmester går af', 'Tekst her.'], new FakeTranslator());
    const paragraphs: BilingualParagraph[] = [];
    for await (const p of t) paragraphs.push(p);
    expect(paragraphs[0]!.chunks).toHaveLength(2);
    expect(t.result().frame.title).toEqual({ source: 'Krise i Aarhus. Borgmester går af', target: 'EN(KRISE I AARHUS.) EN(BORGMESTER GÅR AF)' });
  });

  it('a title cut to its first sentence keeps that sentence\'s translation', async () => {
    const long = `# Krise i Aarhus. ${'Borgmester går af efter lang tids uro i byrådet '.repeat(4).trim()}`;
    const t = translateParagraphStream([long, 'Tekst her.'], new FakeTranslator());
    for await (const _ of t);
    expect(t.result().frame.title).toEqual({ source: 'Krise i Aarhus.', target: 'EN(KRISE I AARHUS.)' });
  });
});

describe('a run without spaces longer than the sentence window', () => {
  it('is cut between grapheme clusters: no emoji loses its joiner, no letter its accent', () => {
    for (const unit of ['🎉👨‍👩‍👧e\u0301', 'a\u030a', '🇩🇰🇸🇪x', 'æ👍🏽']) {
      const text = unit.repeat(Math.ceil((3 * SENTENCE_WINDOW) / unit.length));
      const pieces = icuSentences(text);
      expect(pieces.join('')).toBe(text);
      expect(pieces.length).toBeGreaterThan(1);
      const boundaries = graphemeBoundaries(text);
      let at = 0;
      for (const piece of pieces) {
        expect(boundaries.has(at), `${JSON.stringify(unit)} at ${at}`).toBe(true);
        at += piece.length;
      }
    }
  });

  it('keeps the word boundary just past the window (was: "xxx Ord" became "xxxOrd")', () => {
    for (const run of [SENTENCE_WINDOW, 2 * SENTENCE_WINDOW, SENTENCE_WINDOW - 1, SENTENCE_WINDOW + 1]) {
      const text = `${'x'.repeat(run)} Ord her. Mere Tekst.`;
      const doc = segmentDocument(text, { countTokens: fakeCountTokens, maxTokens: 400 });
      expect(joinChunks(doc.paragraphs[0]!.chunks), String(run)).toBe(text);
    }
  });
});

describe('a sentence that comes back empty', () => {
  class DropsOne extends FakeTranslator {
    override async translateBatch(texts: string[]): Promise<TranslationResult[]> {
      return texts.map((t) => ({ text: t.startsWith('Det var') ? '' : `EN(${t})`, flags: [], tokens: 1 }));
    }
  }

  it('is a QA finding even when the rest of the paragraph is translated (was: dropped without a note)', async () => {
    const doc = segmentDocument('Kommunen bygger en ny skole. Det var godt. Borgmesteren er glad for det.\n\nDet var alt.\n\nIntet tabt her.', opts);
    const { paragraphs } = await translateDocument(doc, new DropsOne());
    expect(paragraphs[0]!.target).toBe('EN(Kommunen bygger en ny skole.) EN(Borgmesteren er glad for det.)');
    const { paragraphs: checked, summary } = qaParagraphs(paragraphs);
    expect(checked.map((p) => p.qa!.map((f) => f.kind))).toEqual([['empty'], ['empty'], []]);
    expect(checked[0]!.qa![0]!.message).toBe('The sentence "Det var godt." came back empty: it is missing from the translation.');
    expect(checked[1]!.qa![0]!.message).toBe('The translation is empty but the source is not.');
    expect(summary.byKind.empty).toBe(2);
  });

  it('says how many more sentences came back empty, and leaves chunks without letters alone', () => {
    const chunk = (index: number, text: string, target: string, origin: 'model' | 'passthrough' = 'model') => ({ index, text, joinBefore: index === 0 ? ('' as const) : (' ' as const), tokens: 1, target, origin });
    const p: BilingualParagraph = {
      index: 0, kind: 'text', prefix: '', source: 'Det var godt. Hej. 42. Det var slut på det hele.', target: 'Hi.',
      chunks: [chunk(0, 'Det var godt.', ''), chunk(1, 'Hej.', 'Hi.'), chunk(2, '42.', '42.', 'passthrough'), chunk(3, 'Det var slut på det hele.', ' ')],
    };
    const [checked] = qaParagraphs([p]).paragraphs;
    expect(checked!.qa!.filter((f) => f.kind === 'empty').map((f) => f.message)).toEqual(['The sentence "Det var godt." and 1 more came back empty: they are missing from the translation.']);
  });
});

// Fragments that real articles hold, and some that break naive splitters.
const FRAGMENTS = [
  'Hr. Jensen', 'f.eks.', 'bl.a.', 'ca.', 'kr.', 'nr. 3.', 'jf. § 3', 'dvs.', 'mio.', 'kl. 14.30', '1. maj', '3. plads', '3,5', '2.000',
  '»Nej,« sagde han.', '„Ja“', '– Det er godt.', '-\tDet er slut.', '–\u00a0Hvad?', '#\tOverskrift', '## Baggrund', '1. Første', '* punkt',
  'https://www.dr.dk/nyheder/a.b?c=1.', 'jens.hansen@dr.dk.', '🎉', '👨‍👩‍👧', 'e\u0301', 'A\u030angstrøm', 'Привет мир.', '你好世界。', 'مرحبا.',
  'Folketings\u200bvalget', 'blom\u00adster', 'ord\u2060ord', '\u200b', '42', '***', '§', 'Det.', 'Han kom.', '"Nej!" og gik.', 'ÆØÅ æøå.',
  'x'.repeat(90), 'supercalifragilistiskekspialidoces',
];
const GAPS = [' ', ' ', ' ', '  ', '\t', '\u00a0', '\u2028', '\u2029', '\f', '\v', '\u3000', '\n', '\n', '\r\n', '\r', '\n\n', '\r\n\r\n', '\r\r', '\n \t\n', '\n\f\n', '\n\u00a0\n'];

/**
 * The paragraphs the README promises: CR LF, CR and LF end lines; lines trimmed (JavaScript's \s);
 * blank lines (white space, or characters that show nothing: a zero-width space alone) end paragraphs.
 */
function expectedParagraphs(text: string): string[] {
  const paragraphs: string[] = [];
  let lines: string[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (!/^[\s\p{Default_Ignorable_Code_Point}]*$/u.test(line)) lines.push(line);
    else if (lines.length > 0) {
      paragraphs.push(lines.join('\n'));
      lines = [];
    }
  }
  if (lines.length > 0) paragraphs.push(lines.join('\n'));
  return paragraphs;
}

describe('property: random concatenations of tricky fragments', () => {
  it('sources are the input\'s paragraphs exactly, in order; each starts with its prefix; its chunks cover the rest; an echo gives it back', async () => {
    const rand = prng(20261202);
    for (let run = 0; run < 300; run++) {
      let text = '';
      const n = 1 + Math.floor(rand() * 60);
      for (let i = 0; i < n; i++) text += pick(rand, FRAGMENTS) + pick(rand, GAPS);
      // Now and then a long run without spaces, over the sentence window.
      if (rand() < 0.05) text += `${pick(rand, ['🎉👨‍👩‍👧', 'e\u0301', 'ab'])}`.repeat(1500 + Math.floor(rand() * 1500)) + pick(rand, [' Ord.', ' ord.', '']);
      const maxTokens = 6 + Math.floor(rand() * 60);
      const packSentences = rand() < 0.3;
      const ctx = JSON.stringify({ run, text: text.length > 500 ? `${text.slice(0, 500)}…` : text, maxTokens, packSentences });
      const doc = segmentDocument(text, { countTokens: fakeCountTokens, maxTokens, packSentences, dateMarker: false });
      expect(doc.paragraphs.map((p) => p.text), ctx).toEqual(expectedParagraphs(text));
      for (const p of doc.paragraphs) {
        expect(p.text.startsWith(p.prefix), ctx).toBe(true);
        expect(p.chunks.length, ctx).toBeGreaterThan(0);
        for (const c of p.chunks) {
          expect(c.tokens, ctx).toBeLessThanOrEqual(maxTokens);
          expect(c.text, ctx).not.toMatch(/^\s|\s$|\n|\s\s/);
        }
        // Break hints are taken out of the chunks (except where a line holds nothing else).
        const body = p.text.slice(p.prefix.length);
        expect(squash(removeBreakHints(joinChunks(p.chunks))), ctx).toBe(squash(removeBreakHints(body)));
        for (const line of body.split('\n')) expect(splitSentences(line).join(''), ctx).toBe(line);
      }
      const { paragraphs } = await translateDocument(doc, new EchoTranslator());
      paragraphs.forEach((p, i) => {
        expect(p.source, ctx).toBe(doc.paragraphs[i]!.text);
        expect(p.chunks.map((c) => c.target), ctx).toEqual(doc.paragraphs[i]!.chunks.map((c) => c.text));
        expect(p.target, ctx).toBe(p.prefix + joinChunks(doc.paragraphs[i]!.chunks));
      });
    }
  });
});
