/** Markdown → blocks through the Markdown parser (not regexes): structure kept, code untouched. */
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/input/index.js';

const NOTES = `---
layout: post
title: ikke artikeltekst
---
# Havnebadet åbner tidligt

Badet åbner **1. maj**, to uger før [sædvanligt](https://example.dk/bad).
Linje to i samme afsnit.\\
Efter et hårdt linjeskift.

## Åbningstider

- Hverdage: 10–19
- Weekend: 9–20
  1. Lørdag
  2. Søndag

3. Tredje punkt
4. Fjerde punkt

> Vandet er allerede 14 grader, siger livredderen.
>
> > Citat i citat.

\`\`\`js
const x = 1;   // ikke oversat
\`\`\`

    indrykket kode

| By | Temperatur |
| --- | --- |
| Aarhus | 14 grader |

***

<script>alert(1)</script>

1. ikke en liste i teksten? Jo: en liste med ét punkt
`;

describe('Markdown → blocks', () => {
  it('keeps relative link targets as written, and web and mail ones; drops javascript:, data: and the like (was: relative ones dropped)', () => {
    const md = 'Se [den anden side](../andet/side.md#afsnit), [mail](mailto:red@example.dk), [web](https://example.dk/a) og [farlig](javascript:alert(1)), [data](data:text/html,x), [anker](#top).';
    const [block] = parseMarkdown(md).blocks;
    expect(block?.links).toEqual([
      { text: 'den anden side', href: '../andet/side.md#afsnit' },
      { text: 'mail', href: 'mailto:red@example.dk' },
      { text: 'web', href: 'https://example.dk/a' },
    ]);
  });

  it('keeps headings with level, lists, quotes, code, tables cell by cell', () => {
    const article = parseMarkdown(NOTES);
    expect(article.title).toBe('Havnebadet åbner tidligt');
    expect(article.blocks).toEqual([
      { type: 'title', text: 'Havnebadet åbner tidligt' },
      {
        type: 'paragraph',
        text: 'Badet åbner 1. maj, to uger før sædvanligt. Linje to i samme afsnit.\nEfter et hårdt linjeskift.',
        links: [{ text: 'sædvanligt', href: 'https://example.dk/bad' }],
      },
      { type: 'heading', level: 2, text: 'Åbningstider' },
      { type: 'list-item', text: 'Hverdage: 10–19', ordered: false, depth: 1 },
      { type: 'list-item', text: 'Weekend: 9–20', ordered: false, depth: 1 },
      { type: 'list-item', text: 'Lørdag', ordered: true, depth: 2, number: 1 },
      { type: 'list-item', text: 'Søndag', ordered: true, depth: 2, number: 2 },
      { type: 'list-item', text: 'Tredje punkt', ordered: true, depth: 1, number: 3 },
      { type: 'list-item', text: 'Fjerde punkt', ordered: true, depth: 1, number: 4 },
      { type: 'quote', text: 'Vandet er allerede 14 grader, siger livredderen.' },
      { type: 'quote', text: 'Citat i citat.', depth: 2 },
      { type: 'code', text: 'const x = 1;   // ikke oversat', lang: 'js' },
      { type: 'code', text: 'indrykket kode' },
      { type: 'table-cell', text: 'By' },
      { type: 'table-cell', text: 'Temperatur' },
      { type: 'table-cell', text: 'Aarhus' },
      { type: 'table-cell', text: '14 grader' },
      { type: 'paragraph', text: '<script>alert(1)</script>' },
      { type: 'list-item', text: 'ikke en liste i teksten? Jo: en liste med ét punkt', ordered: true, depth: 1, number: 1 },
    ]);
  });

  it("what a list item holds after its first paragraph is in the item (its depth); an item opening with no paragraph is left as its blocks", () => {
    expect(parseMarkdown('- Et\n\n  Mere.\n\n  > Citat.\n\n  - Under\n\n    ```\n    kode\n    ```\n- ## Overskrift\n\n  Tekst.\n').blocks).toEqual([
      { type: 'list-item', text: 'Et', ordered: false, depth: 1 },
      { type: 'paragraph', text: 'Mere.', inListItem: 1 },
      { type: 'quote', text: 'Citat.', inListItem: 1 },
      { type: 'list-item', text: 'Under', ordered: false, depth: 2 },
      { type: 'code', text: 'kode', inListItem: 2 },
      { type: 'heading', level: 2, text: 'Overskrift' },
      { type: 'paragraph', text: 'Tekst.' },
    ]);
  });

  it('a document without a leading level-1 heading has no title block', () => {
    const article = parseMarkdown('Bare et afsnit.\n\n# Senere overskrift\n');
    expect(article.title).toBe('');
    expect(article.blocks.map((b) => b.type)).toEqual(['paragraph', 'heading']);
  });

  it('setext headings and emphasis inside headings', () => {
    const article = parseMarkdown('Titel med *kursiv*\n==================\n\nUnder\n-----\n');
    expect(article.blocks).toEqual([
      { type: 'title', text: 'Titel med kursiv' },
      { type: 'heading', level: 2, text: 'Under' },
    ]);
  });
});

describe('front matter', () => {
  const texts = (md: string) => parseMarkdown(md).blocks.map((b) => b.text);

  it('is YAML between "---" lines at the start, with or without a newline at the end, and is not article text', () => {
    expect(texts('---\ntitle: x\n---')).toEqual([]);
    expect(texts('---\r\ntitle: x\r\n---\r\n')).toEqual([]);
    expect(texts('---\ntitle: "Et: kolon"\ntags:\n  - a\n- b\n\n# kommentar\n...\nTekst.\n')).toEqual(['Tekst.']);
    expect(texts('---\n---\nTekst.\n')).toEqual(['Tekst.']);
  });

  it('is not a rule at the start: a blank line or text after the "---", or no closing "---", and the text stays', () => {
    // A blank line after the opening "---" makes it a rule (the first paragraph was lost).
    expect(texts('---\n\nFørste afsnit.\n\n---\n\nAndet afsnit.\n')).toEqual(['Første afsnit.', 'Andet afsnit.']);
    expect(texts('---\nFørste afsnit.\n\n---\n\nAndet afsnit.\n')).toEqual(['Første afsnit.', 'Andet afsnit.']);
    expect(texts('---\ntitle: x\nFørste afsnit.\n---\nAndet afsnit.\n')).toEqual(['title: x Første afsnit.', 'Andet afsnit.']);
    expect(texts('Tekst.\n---\ntitle: x\n---\n')).toEqual(['Tekst.', 'title: x']);
  });
});
