/**
 * Markdown footnotes: the footnote's text is translated with its label kept, and the references
 * in the text reach every output as written, never through the model. (The footnote text was
 * dropped, and "[^1]" vanished from the sentence.)
 */
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/input/index.js';
import { passesThrough, pairParagraph } from '../../src/pipeline/translate-document.js';
import { segmentArticle } from '../../src/segmentation/article.js';
import type { TranslatedChunk } from '../../src/document/types.js';
import { fakeCountTokens } from '../helpers/fake-tokens.js';

const NOTE = '# Titel\n\nFodnote her[^1]. Slut.[^kilde] Han sagde [^2] at det var godt.\n\n[^1]: Fodnoten forklarer.\n[^kilde]: Kilden er *god*.\n\n[^2]: Første afsnit.\n\n    Andet afsnit.\n';
const opts = { countTokens: fakeCountTokens, maxTokens: 64 };

describe('Markdown footnotes', () => {
  it('are parsed: references kept in the text, each footnote a block with its label', () => {
    expect(parseMarkdown(NOTE).blocks).toEqual([
      { type: 'title', text: 'Titel' },
      { type: 'paragraph', text: 'Fodnote her[^1]. Slut.[^kilde] Han sagde [^2] at det var godt.' },
      { type: 'footnote', label: '1', text: 'Fodnoten forklarer.' },
      { type: 'footnote', label: 'kilde', text: 'Kilden er god.' },
      { type: 'footnote', label: '2', text: 'Første afsnit.' },
      { type: 'paragraph', text: 'Andet afsnit.' },
    ]);
  });

  it('a footnote is a text paragraph whose label is its verbatim prefix', () => {
    const doc = segmentArticle(parseMarkdown(NOTE), opts);
    const note = doc.paragraphs[2]!;
    expect(note).toMatchObject({ kind: 'text', prefix: '[^1]: ', text: '[^1]: Fodnoten forklarer.', structured: true });
    expect(note.chunks.map((c) => c.text)).toEqual(['Fodnoten forklarer.']);
  });

  it('a reference is a chunk of its own (with the punctuation after it) that passes through the model untouched', () => {
    const doc = segmentArticle(parseMarkdown(NOTE), opts);
    const p = doc.paragraphs[1]!;
    expect(p.chunks.map((c) => [c.joinBefore, c.text])).toEqual([
      ['', 'Fodnote her'],
      ['', '[^1].'],
      [' ', 'Slut.'],
      ['', '[^kilde]'],
      [' ', 'Han sagde'],
      [' ', '[^2]'],
      [' ', 'at det var godt.'],
    ]);
    expect(p.chunks.map((c) => passesThrough(p, c.text))).toEqual([false, true, false, true, false, true, false]);
    // Whatever the model makes of the words, the references stand where they stood.
    const chunks: TranslatedChunk[] = p.chunks.map((c) => ({ ...c, target: passesThrough(p, c.text) ? c.text : c.text.toUpperCase(), origin: 'model' }));
    expect(pairParagraph(p, chunks).target).toBe('FODNOTE HER[^1]. SLUT.[^kilde] HAN SAGDE [^2] AT DET VAR GODT.');
  });

  it('text without a reference is chunked as before; words in brackets are not references', () => {
    const doc = segmentArticle(parseMarkdown('Et [link](https://x.dk) og [ikke en note] her. Næste.\n'), opts);
    expect(doc.paragraphs[0]!.chunks.map((c) => c.text)).toEqual(['Et link og [ikke en note] her.', 'Næste.']);
    expect(passesThrough(doc.paragraphs[0]!, '[ikke en note]')).toBe(false);
  });
});
