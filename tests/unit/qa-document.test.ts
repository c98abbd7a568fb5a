import { describe, expect, it } from 'vitest';
import type { BilingualDocument, BilingualParagraph } from '../../src/document/types.js';
import { qaDocument } from '../../src/qa/qa-document.js';
import { render } from '../../src/rendering/index.js';

function para(index: number, source: string, target: string, flags?: string[]): BilingualParagraph {
  return {
    index,
    kind: 'text',
    prefix: '',
    source,
    target,
    chunks: [{ index: 0, text: source, joinBefore: '', tokens: 1, target, origin: 'model', ...(flags ? { flags } : {}) }],
  };
}

const doc: BilingualDocument = {
  title: { source: 'Nyheder', target: 'News' },
  metadata: {},
  model: { id: 'test', dtype: 'fp32', decoding: {} },
  timings: { loadMs: 0, translateMs: 0, totalMs: 0 },
  paragraphs: [
    para(0, 'Der var 1.000 mennesker til stede i dag.', 'There were 1,000 people present today.'),
    para(1, 'Der var 5 mennesker til stede ved mødet i går.', ''),
    para(2, 'Hej med dig.', 'Hello to you.', ['repeat']),
    para(3, 'Det kostede 12 mio. kr. at bygge broen over fjorden.', 'It cost 21 million kroner to build the bridge over the fjord.'),
  ],
};

describe('qaDocument', () => {
  it('fills qa per paragraph and summarises', () => {
    const { document, summary } = qaDocument(doc);
    expect(document.paragraphs.map((p) => p.qa?.map((f) => f.kind))).toEqual([
      [],
      ['empty'],
      ['guard'],
      ['missing-number'],
    ]);
    expect(summary).toEqual({
      paragraphs: 4,
      paragraphsFlagged: 3,
      findings: 3,
      byKind: { 'missing-number': 1, 'number-format': 0, 'length-ratio': 0, guard: 1, untranslated: 0, empty: 1, unrestored: 0 },
    });
  });

  it('ignores the verbatim prefix, so a quote translated to just "- " is empty', () => {
    const quote: BilingualParagraph = { ...para(0, '- Det er 3 dage siden.', '- '), kind: 'quote', prefix: '- ' };
    const { document } = qaDocument({ ...doc, paragraphs: [quote] });
    expect(document.paragraphs[0]!.qa!.map((f) => f.kind)).toEqual(['empty']);
  });

  it('gives the document the summary of this check, not the one it came with (the renderers show document.qa)', () => {
    const stale = { ...doc, qa: { paragraphs: 4, paragraphsFlagged: 0, findings: 0, byKind: { 'missing-number': 0, 'number-format': 0, 'length-ratio': 0, guard: 0, untranslated: 0, empty: 0, unrestored: 0 } } };
    const { document, summary } = qaDocument(stale);
    expect(summary.findings).toBe(3);
    expect(document.qa).toEqual(summary);
    expect(JSON.parse(render('json', document)).qa).toEqual(summary);
  });

  it('does not modify its input', () => {
    qaDocument(doc);
    expect(doc.paragraphs.every((p) => p.qa === undefined)).toBe(true);
  });

  it('passes options through', () => {
    const { summary } = qaDocument(doc, { maxRatio: 1.0 });
    expect(summary.byKind['length-ratio']).toBeGreaterThan(0);
  });

  it('finds nothing in a paragraph kept as it is by design (code, numbers only): no "untranslated", no "missing-number"', () => {
    const keptAsIs = (index: number, kind: BilingualParagraph['kind'], text: string): BilingualParagraph => ({
      ...para(index, text, text),
      kind,
      chunks: [{ index: 0, text, joinBefore: '', tokens: 1, target: text, origin: 'passthrough' }],
    });
    const code = keptAsIs(0, 'code', 'const total = items.map((item) => item.price).reduce(add, 0);');
    const indented = keptAsIs(1, 'code', 'indrykket kode her med flere ord');
    const numbers = keptAsIs(2, 'text', '12.345 67 89');
    const { document, summary } = qaDocument({ ...doc, paragraphs: [code, indented, numbers] });
    expect(document.paragraphs.map((p) => p.qa)).toEqual([[], [], []]);
    expect(summary.findings).toBe(0);
  });

  it('still finds a copied translation the model made, also beside a chunk kept as it is', () => {
    const copied = para(0, 'Det er en god dag i dag.', 'Det er en god dag i dag.');
    const mixed: BilingualParagraph = {
      ...para(1, 'Det er en god dag i dag. 12 34.', 'Det er en god dag i dag. 12 34.'),
      chunks: [
        { index: 0, text: 'Det er en god dag i dag.', joinBefore: '', tokens: 1, target: 'Det er en god dag i dag.', origin: 'model' },
        { index: 1, text: '12 34.', joinBefore: ' ', tokens: 1, target: '12 34.', origin: 'passthrough' },
      ],
    };
    const { document } = qaDocument({ ...doc, paragraphs: [copied, mixed] });
    expect(document.paragraphs.map((p) => p.qa?.map((f) => f.kind))).toEqual([['untranslated'], ['untranslated']]);
  });
});
