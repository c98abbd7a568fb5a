/**
 * Markdown footnotes: the footnote's text is translated with its label kept, and the references
 * in the text reach every output as written, never through the model. (The footnote text was
 * dropped, and "[^1]" vanished from the sentence.)
 */
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/input/index.js';
import { passesThrough, pairParagraph } from '../../src/pipeline/translate-document.js';
import { segmentArticle } from '../../src/segmentation/article.js';
import type { BilingualDocument, TranslatedChunk } from '../../src/document/types.js';
import { renderEnglish } from '../../src/rendering/english.js';
import { renderHtml } from '../../src/rendering/html.js';
import { renderJson, type BilingualJson } from '../../src/rendering/json.js';
import { renderText } from '../../src/rendering/text.js';
import { fakeCountTokens } from '../helpers/fake-tokens.js';

const NOTE = '# Titel\n\nFodnote her[^1]. Slut.[^kilde] Han sagde [^2] at det var godt.\n\n[^1]: Fodnoten forklarer.\n[^kilde]: Kilden er *god*.\n\n[^2]: Første afsnit.\n\n    Andet afsnit.\n';
const opts = { countTokens: fakeCountTokens, maxTokens: 64 };

describe('Markdown footnotes', () => {
  it('are parsed: references kept in the text, each footnote a block with its label', () => {
    expect(parseMarkdown(NOTE).blocks).toEqual([
      { type: 'title', text: 'Titel' },
      { type: 'paragraph', text: 'Fodnote her[^1]. Slut.[^kilde] Han sagde [^2] at det var godt.' },
      { type: 'footnote', label: '1', text: 'Fodnoten forklarer.', footnote: '1' },
      { type: 'footnote', label: 'kilde', text: 'Kilden er god.', footnote: 'kilde' },
      { type: 'footnote', label: '2', text: 'Første afsnit.', footnote: '2' },
      { type: 'paragraph', text: 'Andet afsnit.', footnote: '2' },
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

/**
 * A note of several blocks: a second paragraph and a list in the first, a note that opens with a
 * list in the second. (Everything after a note's first paragraph was taken out of the note: in
 * Markdown it stood in the article's text, and the second note was gone, its reference left
 * dangling; the other outputs showed it as the article's text.)
 */
const LONG_NOTES = 'Tekst[^1] og[^2].\n\n[^1]: Første afsnit.\n\n    Andet afsnit.\n\n    - punkt en\n    - punkt to\n\n[^2]:\n    - liste først\n\nSlut her.\n';

/** The document as a model that writes its source in capitals would translate it. */
function capitalised(markdown: string): BilingualDocument {
  const doc = segmentArticle(parseMarkdown(markdown), opts);
  const paragraphs = doc.paragraphs.map((p) => pairParagraph(p, p.chunks.map((c) => ({ ...c, target: passesThrough(p, c.text) ? c.text : c.text.toUpperCase(), origin: 'model' as const }))));
  return {
    title: { source: '', target: '' },
    metadata: { source: 'x', inputFormat: 'md' },
    model: { id: 'm', dtype: 'q8', decoding: {} },
    timings: { loadMs: 0, translateMs: 0, totalMs: 0 },
    paragraphs,
  };
}

describe('Markdown footnotes of several blocks', () => {
  it('every block of a note is parsed as the note\'s (its label on each), in order', () => {
    expect(parseMarkdown(LONG_NOTES).blocks).toEqual([
      { type: 'paragraph', text: 'Tekst[^1] og[^2].' },
      { type: 'footnote', label: '1', text: 'Første afsnit.', footnote: '1' },
      { type: 'paragraph', text: 'Andet afsnit.', footnote: '1' },
      { type: 'list-item', text: 'punkt en', ordered: false, depth: 1, footnote: '1' },
      { type: 'list-item', text: 'punkt to', ordered: false, depth: 1, footnote: '1' },
      { type: 'list-item', text: 'liste først', ordered: false, depth: 1, footnote: '2' },
      { type: 'paragraph', text: 'Slut her.' },
    ]);
  });

  it('JSON: each block of a note carries its label (footnote), Danish and English', () => {
    const json = JSON.parse(renderJson(capitalised(LONG_NOTES))) as BilingualJson;
    expect(json.paragraphs.map((p) => [p.footnote, p.source, p.target])).toEqual([
      [undefined, 'Tekst[^1] og[^2].', 'TEKST[^1] OG[^2].'],
      ['1', '[^1]: Første afsnit.', '[^1]: FØRSTE AFSNIT.'],
      ['1', 'Andet afsnit.', 'ANDET AFSNIT.'],
      ['1', 'punkt en', 'PUNKT EN'],
      ['1', 'punkt to', 'PUNKT TO'],
      ['2', 'liste først', 'LISTE FØRST'],
      [undefined, 'Slut her.', 'SLUT HER.'],
    ]);
  });

  it('text and English-only: the note\'s further blocks indented under it, a note without a first paragraph under its label', () => {
    const doc = capitalised(LONG_NOTES);
    const notes = '[^1]: Første afsnit.\n[^1]: FØRSTE AFSNIT.\n\n    Andet afsnit.\n    ANDET AFSNIT.\n\n    - punkt en\n    - PUNKT EN\n\n    - punkt to\n    - PUNKT TO\n\n[^2]:\n    - liste først\n    - LISTE FØRST\n\nSlut her.\nSLUT HER.\n';
    expect(renderText(doc)).toContain(`\n\n${notes}`);
    expect(renderEnglish(doc)).toBe('TEKST[^1] OG[^2].\n\n[^1]: FØRSTE AFSNIT.\n\n    ANDET AFSNIT.\n\n    - PUNKT EN\n\n    - PUNKT TO\n\n[^2]:\n    - LISTE FØRST\n\nSLUT HER.\n');
  });

  it('HTML: the note\'s further blocks are marked as in the note, a note without a first paragraph shows its label', () => {
    const html = renderHtml(capitalised(LONG_NOTES)).replace(/<span class="s" data-s="\d+-\d+" tabindex="0">([^<]*)<\/span>/g, '$1');
    const rows = html.split('\n').filter((l) => l.startsWith('<section'));
    expect(rows.map((r) => /class="([^"]*)"/.exec(r)![1])).toEqual([
      'pair kind-text',
      'pair kind-text',
      'pair kind-text in-note',
      'pair kind-list-item in-note',
      'pair kind-list-item in-note',
      'pair kind-list-item in-note',
      'pair kind-text',
    ]);
    expect(rows[2]).toContain('<p class="text" dir="auto">Andet afsnit.</p></div><div class="cell en" lang="en"><p class="text" dir="auto">ANDET AFSNIT.</p>');
    expect(rows[5]).toContain('<div class="cell da" lang="da"><p class="text note-label">[^2]:</p><ul class="text" dir="auto"><li>liste først</li></ul></div>');
    expect(rows[5]).toContain('<div class="cell en" lang="en"><p class="text note-label">[^2]:</p><ul class="text" dir="auto"><li>LISTE FØRST</li></ul>');
  });
});
