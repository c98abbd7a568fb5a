import { describe, expect, it } from 'vitest';
import type { TranslatedChunk } from '../../src/document/types.js';
import { sentenceSpans } from '../../src/rendering/sentence-spans.js';

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

  it('gives null when a chunk is not in the text (the cell is then shown without spans)', () => {
    expect(sentenceSpans('Hej.', [chunk(0, 'Farvel.', 'Bye.')], 'source', 0)).toBeNull();
    // Chunks are found in order: a chunk before the cursor is not found again.
    expect(sentenceSpans('A. B.', [chunk(0, 'B.', 'x'), chunk(1, 'A.', 'y')], 'source', 0)).toBeNull();
  });
});
