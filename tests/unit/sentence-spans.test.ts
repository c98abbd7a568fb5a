import { describe, expect, it } from 'vitest';
import type { TranslatedChunk } from '../../src/document/types.js';
import { pairParagraph } from '../../src/pipeline/translate-document.js';
import { renderHtml } from '../../src/rendering/index.js';
import { sentenceSpans } from '../../src/rendering/sentence-spans.js';
import { segmentDocument } from '../../src/segmentation/segment.js';
import { fakeCountTokens } from '../helpers/fake-tokens.js';

function chunk(index: number, text: string, target: string): TranslatedChunk {
  return { index, text, target, origin: 'model', joinBefore: ' ', tokens: 1 };
}

describe('sentenceSpans (sentence alignment in the HTML page)', () => {
  it('wraps each chunk in a span numbered by paragraph and chunk, keeping the text between', () => {
    const html = sentenceSpans('Hej. Farvel!', [chunk(0, 'Hej.', 'Hi.'), chunk(1, 'Farvel!', 'Bye!')], 'source', 4);
    expect(html).toBe('<span class="s" data-s="5-1" tabindex="0">Hej.</span> <span class="s" data-s="5-2" tabindex="0">Farvel!</span>');
  });

  it('finds a chunk whose white space differs from the displayed text (a soft line break)', () => {
    const html = sentenceSpans('En lang\n  sætning.', [chunk(0, 'En lang sætning.', 'A long sentence.')], 'source', 0);
    expect(html).toBe('<span class="s" data-s="1-1" tabindex="0">En lang\n  sætning.</span>');
  });

  it('uses the target side for English cells and escapes markup in text', () => {
    const html = sentenceSpans('<b>Hi</b> & bye', [chunk(0, '<b>Hej</b> & farvel', '<b>Hi</b> & bye')], 'target', 0);
    expect(html).toBe('<span class="s" data-s="1-1" tabindex="0">&lt;b&gt;Hi&lt;/b&gt; &amp; bye</span>');
  });

  it('does not match words glued together, and goes on to the next occurrence', () => {
    // "ab c" must not be found inside "abc"; the real occurrence comes later.
    const html = sentenceSpans('abc. ab c.', [chunk(0, 'ab c.', 'x')], 'source', 0);
    expect(html).toBe('abc. <span class="s" data-s="1-1" tabindex="0">ab c.</span>');
  });

  it('finds chunks whose break hints segmentation took out; the Danish cell keeps them, inside and between the spans', () => {
    // As chunkLine makes them: "Folketings\u00advalget" reaches the model as "Folketingsvalget".
    const display = 'Folketings\u00advalget er i dag.\u200b Det er go\u2060dt for 👨\u200d👩\u200d👧 alle.';
    const html = sentenceSpans(display, [chunk(0, 'Folketingsvalget er i dag.', 'x'), chunk(1, 'Det er godt for 👨\u200d👩\u200d👧 alle.', 'y')], 'source', 0);
    expect(html).toBe(
      '<span class="s" data-s="1-1" tabindex="0">Folketings\u00advalget er i dag.</span>\u200b <span class="s" data-s="1-2" tabindex="0">Det er go\u2060dt for 👨\u200d👩\u200d👧 alle.</span>',
    );
    // A hint at the very start, and a target that has hints of its own.
    expect(sentenceSpans('\u00adHej\u00ad. Far\u00advel.', [chunk(0, 'Hej.', 'x'), chunk(1, 'Far\u00advel.', 'y')], 'source', 0)).toBe(
      '\u00ad<span class="s" data-s="1-1" tabindex="0">Hej\u00ad.</span> <span class="s" data-s="1-2" tabindex="0">Far\u00advel.</span>',
    );
  });

  it('a paragraph with a soft hyphen, as segmented and rendered: both columns have their spans, the Danish keeps the hint', () => {
    const { paragraphs } = segmentDocument('Folketings\u00advalget er i dag. Det er godt for alle.\n', { countTokens: fakeCountTokens, maxTokens: 64 });
    const page = renderHtml({
      title: { source: '', target: '' },
      metadata: { source: 's.txt' },
      model: { id: 'echo', dtype: 'q8', decoding: {} },
      timings: { loadMs: 0, translateMs: 0, totalMs: 0 },
      paragraphs: paragraphs.map((p) => pairParagraph(p, p.chunks.map((c) => ({ ...c, target: c.text, origin: 'model' as const })))),
    });
    const danish = /<div class="cell da"[^>]*>(.*?)<\/div>/s.exec(page)?.[1] ?? '';
    expect(danish).toContain('<span class="s" data-s="1-1" tabindex="0">Folketings\u00advalget er i dag.</span>');
    expect(danish).toContain('<span class="s" data-s="1-2" tabindex="0">Det er godt for alle.</span>');
  });

  it('gives null when a chunk is not in the text (the cell is then shown without spans)', () => {
    expect(sentenceSpans('Hej.', [chunk(0, 'Farvel.', 'Bye.')], 'source', 0)).toBeNull();
    // Chunks are found in order: a chunk before the cursor is not found again.
    expect(sentenceSpans('A. B.', [chunk(0, 'B.', 'x'), chunk(1, 'A.', 'y')], 'source', 0)).toBeNull();
  });
});
