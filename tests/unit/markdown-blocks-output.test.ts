/**
 * Bilingual Markdown of an article read from markup (Markdown, a web page): read back with the
 * Markdown parser, it has the input's structure and text, and nothing from the input becomes
 * markup (code shown as code, never raw HTML).
 */
import type { Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import type { BilingualDocument, BilingualParagraph } from '../../src/document/types.js';
import { extractArticle, parseMarkdown } from '../../src/input/index.js';
import { pairParagraph } from '../../src/pipeline/translate-document.js';
import { renderMarkdown } from '../../src/rendering/index.js';
import { segmentArticle } from '../../src/segmentation/article.js';
import { fakeCountTokens } from '../helpers/fake-tokens.js';

/** The document as translated by a model that copies its source (as /tmp/echo-small did in the review). */
function echoed(paragraphs: BilingualParagraph[], inputFormat: 'md' | 'html' = 'md'): BilingualDocument {
  return {
    title: { source: '', target: '' },
    metadata: { source: 'x', inputFormat },
    model: { id: 'echo', dtype: 'q8', decoding: {} },
    timings: { loadMs: 0, translateMs: 0, totalMs: 0 },
    paragraphs,
  };
}

function echoedMarkdown(markdown: string): BilingualDocument {
  const doc = segmentArticle(parseMarkdown(markdown), { countTokens: fakeCountTokens, maxTokens: 64, source: 'x' });
  return echoed(doc.paragraphs.map((p) => pairParagraph(p, p.chunks.map((c) => ({ ...c, target: c.text, origin: 'model' as const })))));
}

function echoedPage(html: string): BilingualDocument {
  const doc = segmentArticle(extractArticle(html), { countTokens: fakeCountTokens, maxTokens: 64, source: 'x' });
  return echoed(doc.paragraphs.map((p) => pairParagraph(p, p.chunks.map((c) => ({ ...c, target: c.text, origin: 'model' as const })))), 'html');
}

/** A page Readability takes as an article, with `inner` between its paragraphs. */
const articlePage = (inner: string) =>
  `<!DOCTYPE html><html><head><title>T</title></head><body><article><h1>Overskrift</h1>
   <p>Første afsnit er langt nok til at Readability tager det med som en del af artiklen, og det har flere sætninger. Her er endnu en.</p>
   ${inner}
   <p>Sidste afsnit er også langt nok til at blive regnet med i artiklen, så siden som helhed har nok tekst.</p></article></body></html>`;

function parse(md: string): Root {
  return fromMarkdown(md, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

function nodes(tree: Nodes): Nodes[] {
  return [tree, ...('children' in tree ? (tree.children as Nodes[]).flatMap(nodes) : [])];
}

describe('bilingual Markdown: code', () => {
  it('a tilde fence whose info string has a backtick stays one code block; its HTML shows as code', () => {
    const md = renderMarkdown(echoedMarkdown('Et afsnit.\n\n~~~js`\n<img src=x onerror=alert(1)>\n~~~\n\nSidste afsnit.\n'));
    const all = nodes(parse(md));
    expect(all.filter((n) => n.type === 'html')).toEqual([]);
    expect(all.filter((n) => n.type === 'code').map((n) => n.type === 'code' && [n.lang, n.value])).toEqual([['js`', '<img src=x onerror=alert(1)>']]);
  });

  it('code holding fence runs of either kind, and a language with escapes, come back exactly', () => {
    const code = '```\n~~~\n````\n~~~~~ x\n<script>alert(1)</script>';
    for (const lang of ['js', 'a`b~c', 'a\\`b&amp;c', undefined]) {
      const p: BilingualParagraph = { index: 0, kind: 'code', structured: true, prefix: '', source: code, target: code, chunks: [], ...(lang ? { lang } : {}) };
      const all = nodes(parse(renderMarkdown(echoed([p]))));
      expect(all.filter((n) => n.type === 'html'), String(lang)).toEqual([]);
      expect(all.filter((n) => n.type === 'code').map((n) => n.type === 'code' && [n.lang, n.value]), String(lang)).toEqual([[lang ?? null, code]]);
    }
  });
});

describe('bilingual Markdown: headings', () => {
  /** Each heading of the output as [depth, its text as the parser reads it]. */
  const headings = (md: string) =>
    nodes(parse(md)).flatMap((n) => (n.type === 'heading' ? [[n.depth, nodes(n).map((c) => ('value' in c ? c.value : c.type === 'break' ? '\n' : '')).join('')]] : []));

  it('keep a "#" at the end (no closing sequence) and a line break as a space (a heading is one line)', () => {
    const md = renderMarkdown(echoedMarkdown('## Vi er nummer \\#\n\n## Slut ##\\#\n\n## \\#\n\nEt afsnit.\n'));
    expect(headings(md)).toEqual([[2, 'Vi er nummer #'], [2, 'Vi er nummer #'], [2, 'Slut ###'], [2, 'Slut ###'], [2, '#'], [2, '#']]);
    // From a web page: <h2>Vi er nummer #</h2>, <h2>Linje et<br>Linje to</h2>
    const heading = (index: number, text: string): BilingualParagraph => ({ index, kind: 'heading', level: 2, structured: true, prefix: '', source: text, target: text, chunks: [] });
    const html = renderMarkdown(echoed([heading(0, 'Vi er nummer #'), heading(1, 'Linje et\nLinje to\n# tre #')], 'html'));
    expect(headings(html)).toEqual([[2, 'Vi er nummer #'], [2, 'Vi er nummer #'], [2, 'Linje et Linje to # tre #'], [2, 'Linje et Linje to # tre #']]);
    expect(parse(html).children.map((n) => n.type)).toEqual(['paragraph', 'heading', 'heading', 'heading', 'heading']);
  });
});

describe('bilingual Markdown: lists', () => {
  /** The tree's block structure: lists with their items, each item's blocks; text as "p", "h2", "quote", "code". */
  function shape(node: Nodes): unknown {
    switch (node.type) {
      case 'list':
        return { [node.ordered ? 'ol' : 'ul']: node.children.map((item) => item.children.map(shape)) };
      case 'blockquote':
        return { quote: node.children.map(shape) };
      case 'heading':
        return `h${node.depth}`;
      case 'code':
        return `code:${node.value}`;
      default:
        return node.type === 'paragraph' ? 'p' : node.type;
    }
  }
  /** Each block of the input shows up twice (Danish, then English: a quote as two quotes), code once; a list once, its items' blocks so. */
  const doubled = (blocks: unknown[]): unknown[] =>
    blocks.flatMap((b) => {
      if (typeof b === 'string') return b.startsWith('code:') ? [b] : [b, b];
      const [[k, v]] = Object.entries(b as object) as [[string, unknown[]]];
      return k === 'quote' ? [b, b] : [{ [k]: (v as unknown[][]).map(doubled) }];
    });

  const cases = [
    '- Punkt et\n\n  Andet afsnit i punktet.\n\n  - Under punkt\n',
    '1. Et\n\n   Mere om et.\n\n   > Et citat i punktet.\n\n   ```js\n   const x = 1;\n\n     y();\n   ```\n\n   #### Overskrift i punktet\n\n   1. Under et\n\n      Mere om under et.\n\n      - Dybt\n\n2. To\n',
    '- Et\n  - Under et\n\n    Andet afsnit under et.\n\n    - Dybt nede\n- To\n',
    // Markers of four characters and more put an item's content past column 4.
    '100. Første punkt i listen.\n     - Et underpunkt her.\n101. Andet punkt i listen.\n',
    '99. Et\n\n    1000. Under et\n\n          Mere om under et.\n\n          > Citat\n\n          ```\n          kode\n          ```\n\n          - Dybt\n\n            Mere dybt.\n\n    1001. Under to\n100. To\n\n     Mere om to.\n',
  ];

  it.each(cases)('an item with more than one paragraph, a quote, code, a heading and nested lists has the same structure: %j', (input) => {
    const expected = doubled(parse(input).children.map(shape));
    const output = parse(renderMarkdown(echoedMarkdown(input))).children.slice(1); // the metadata line first
    expect(output.map(shape)).toEqual(expected);
  });

  it('a numbered list from a web page starting at 100 keeps its nested list inside the item; nothing becomes code', () => {
    const item = (index: number, text: string, list: BilingualParagraph['list']): BilingualParagraph => ({ index, kind: 'list-item', list, structured: true, prefix: '', source: text, target: text, chunks: [] });
    // <ol start="100"><li>x<ul><li>y</li></ul></li><li>z</li></ol>
    const html = renderMarkdown(
      echoed([item(0, 'x', { ordered: true, number: 100, depth: 1 }), item(1, 'y', { ordered: false, depth: 2 }), item(2, 'z', { ordered: true, number: 101, depth: 1 })], 'html'),
    );
    expect(parse(html).children.slice(1).map(shape)).toEqual([{ ol: [['p', 'p', { ul: [['p', 'p']] }], ['p', 'p']] }]);
  });

  it("from a web page, an item's later paragraphs, quote and code stay in the item, and the list goes on", () => {
    const md = renderMarkdown(
      echoedPage(articlePage(`<ol><li><p>Første punkt.</p><p>Mere om første punkt.</p><blockquote>Et citat.</blockquote><pre>kode</pre></li><li><p>Andet punkt.</p></li></ol>`)),
    );
    const blocks = parse(md).children.slice(1).map(shape);
    // The title pair, the first paragraph pair, the list, the last paragraph pair.
    expect(blocks.slice(4, -2)).toEqual([{ ol: [['p', 'p', 'p', 'p', { quote: ['p'] }, { quote: ['p'] }, 'code:kode'], ['p', 'p']] }]);
  });

  it('a reversed list from a web page shows each item\'s own number, and what the items hold stays in them', () => {
    const md = renderMarkdown(echoedPage(articlePage(`<ol reversed start="3"><li><p>Tre</p><p>Mere om tre.</p></li><li>To<ol start="5"><li>Fem</li><li>Seks</li></ol></li><li>En</li></ol>`)));
    const tree = parse(md);
    const lists = tree.children.filter((n) => n.type === 'list');
    expect(lists.map((l) => [l.start, l.children.map((item) => item.children.map(shape))])).toEqual([
      [3, [['p', 'p', 'p', 'p']]],
      [2, [['p', 'p', { ol: [['p', 'p'], ['p', 'p']] }]]],
      [1, [['p', 'p']]],
    ]);
    expect(nodes(tree).flatMap((n) => (n.type === 'list' ? [n.start] : []))).toEqual([3, 2, 5, 1]);
  });

  it('an item that opens with no paragraph is left as its blocks, where the list stands; nothing becomes code', () => {
    const output = parse(renderMarkdown(echoedMarkdown('- ## Overskrift\n\n  Tekst i punktet.\n\n  - Under punkt\n- Punkt to\n'))).children.slice(1);
    expect(output.map(shape)).toEqual(['h2', 'h2', 'p', 'p', { ul: [['p', 'p'], ['p', 'p']] }]);
  });
});

/** Bare URLs and e-mail addresses, as Danish articles write them, each with a character Markdown escapes or not. */
const BARE_LINKS = [
  'Læs mere på https://da.wikipedia.org/wiki/Niels_Bohr i dag.',
  'Se https://www.dr.dk/nyheder?side=2&sort=ny og www.tv2.dk/nyheder_2024.',
  'Hjemmesiden https://x.dk/~jens/ og (https://x.dk/a_b).',
  'Skriv til jens_hansen@dr.dk eller jens@dr.dk.',
  'Rent link: https://www.dr.dk/nyheder/indland og www.dr.dk.',
];

/** A block's text as the parser reads it: link text included, a hard line break as "\n". */
const readText = (n: Nodes): string => nodes(n).map((c) => ('value' in c && c.type !== 'html' ? c.value : c.type === 'break' ? '\n' : '')).join('');

describe('bilingual Markdown: bare URLs', () => {
  it('come back exactly as written, also at the end of a line before a line break or a final "#" (was: "…/Niels\\_Bohr", "&amp;")', () => {
    const texts = [...BARE_LINKS, 'Linket https://x.dk/side\nstår på sin egen linje', 'www.dr.dk\nog mere', 'Se https://x.dk/#'];
    const blocks: BilingualParagraph[] = texts.map((text, index) => ({ index, kind: 'text', structured: true, prefix: '', source: text, target: text, chunks: [] }));
    const output = parse(renderMarkdown(echoed(blocks, 'html'))).children.slice(1);
    expect(output.map(readText)).toEqual(texts.flatMap((t) => [t, t]));
    // A link that shows as written is still a link: "https://www.dr.dk/nyheder/indland" stays clickable.
    expect(nodes(output[8]!).filter((n) => n.type === 'link').map((n) => n.type === 'link' && n.url)).toEqual(['https://www.dr.dk/nyheder/indland', 'http://www.dr.dk']);
  });
});

describe('bilingual Markdown: footnotes', () => {
  it('references link to their note in both columns; each note is one definition holding the Danish and the English (was: "\\[^1\\]", shown as text)', () => {
    const input = '# Titel\n\nDet er besluttet[^1]. Han sagde[^kilde-2] at det var vildt![^1]\n\n[^1]: Kilde: Danmarks Statistik.\n\n[^kilde-2]: En anden note\nover to linjer.\n';
    const tree = parse(renderMarkdown(echoedMarkdown(input)));
    const all = nodes(tree);
    const references = all.filter((n) => n.type === 'footnoteReference').map((n) => n.type === 'footnoteReference' && n.identifier);
    expect(references).toEqual(['1', 'kilde-2', '1', '1', 'kilde-2', '1']); // the Danish paragraph, then its English partner
    const definitions = tree.children.filter((n) => n.type === 'footnoteDefinition');
    expect(definitions.map((d) => [d.identifier, d.children.map(readText)])).toEqual([
      ['1', ['Kilde: Danmarks Statistik.', 'Kilde: Danmarks Statistik.']],
      ['kilde-2', ['En anden note over to linjer.', 'En anden note over to linjer.']],
    ]);
    // Nothing of the markup is left as text.
    expect(all.some((n) => n.type === 'text' && /\[\^|\]:/.test(n.value))).toBe(false);
  });

  it('a note of several blocks is one definition holding them all, each Danish then English (was: all but the first paragraph left the note, and a note opening with a list was gone)', () => {
    const input =
      'Tekst[^1] og[^2] og[^3].\n\n- liste\n\n  [^3]: I listen.\n\n      Mere i listen.\n\n- liste to\n\n' +
      '[^1]: Første afsnit.\n\n    Andet afsnit.\n\n    - punkt en\n\n      mere i punkt\n    - punkt to\n\n    ```js\n    kode\n\n    linje\n    ```\n\n    > citat\n\n' +
      '[^2]:\n    1. liste først\n\nSlut her.\n';
    const tree = parse(renderMarkdown(echoedMarkdown(input)));
    /** A block as [type, its text] (a list: its items' blocks; a quote: its blocks; a note: its label). */
    const shape = (n: Nodes): unknown =>
      n.type === 'list' || n.type === 'listItem' || n.type === 'blockquote'
        ? [n.type, ...n.children.map(shape)]
        : n.type === 'code'
          ? ['code', n.value]
          : n.type === 'footnoteDefinition'
            ? [n.type, n.identifier]
            : [n.type, readText(n)];
    const definitions = nodes(tree).flatMap((n) => (n.type === 'footnoteDefinition' ? [[n.identifier, ...n.children.map(shape)]] : []));
    expect(definitions).toEqual([
      ['3', ['paragraph', 'I listen.'], ['paragraph', 'I listen.'], ['paragraph', 'Mere i listen.'], ['paragraph', 'Mere i listen.']],
      [
        '1',
        ['paragraph', 'Første afsnit.'],
        ['paragraph', 'Første afsnit.'],
        ['paragraph', 'Andet afsnit.'],
        ['paragraph', 'Andet afsnit.'],
        ['list', ['listItem', ['paragraph', 'punkt en'], ['paragraph', 'punkt en'], ['paragraph', 'mere i punkt'], ['paragraph', 'mere i punkt']], ['listItem', ['paragraph', 'punkt to'], ['paragraph', 'punkt to']]],
        ['code', 'kode\n\nlinje'],
        ['blockquote', ['paragraph', 'citat']],
        ['blockquote', ['paragraph', 'citat']],
      ],
      ['2', ['list', ['listItem', ['paragraph', 'liste først'], ['paragraph', 'liste først']]]],
    ]);
    // The article around the notes is as it was: the list goes on after the note in its item.
    expect(tree.children.slice(1).filter((n) => n.type !== 'footnoteDefinition').map(shape)).toEqual([
      ['paragraph', 'Tekst og og.'],
      ['paragraph', 'Tekst og og.'],
      ['list', ['listItem', ['paragraph', 'liste'], ['paragraph', 'liste'], ['footnoteDefinition', '3']], ['listItem', ['paragraph', 'liste to'], ['paragraph', 'liste to']]],
      ['paragraph', 'Slut her.'],
      ['paragraph', 'Slut her.'],
    ]);
  });

  it('a note whose label stays text keeps its further blocks as text after it, in order', () => {
    const tree = parse(renderMarkdown(echoedMarkdown('Se [^*] og [^+].\n\n[^*]: Den skæve note.\n\n    Mere.\n\n[^+]:\n    - punkt\n\nSlut.\n')));
    const blocks = tree.children.slice(1).map((n) => [n.type, readText(n)]);
    expect(blocks).toEqual([
      ['paragraph', 'Se [^*] og [^+].'],
      ['paragraph', 'Se [^*] og [^+].'],
      ['paragraph', '[^*]: Den skæve note.'],
      ['paragraph', '[^*]: Den skæve note.'],
      ['paragraph', 'Mere.'],
      ['paragraph', 'Mere.'],
      ['paragraph', '[^+]:'],
      ['list', 'punktpunkt'],
      ['paragraph', 'Slut.'],
      ['paragraph', 'Slut.'],
    ]);
  });

  it('text that only looks like footnote markup stays text: an escaped "[^1]:" at a line start, a label Markdown would misread', () => {
    // A note labelled so that its references stay text is text too: as a definition nothing would lead to, it would not be shown.
    const odd = parse(renderMarkdown(echoedMarkdown('Se [^*].\n\n[^*]: Den skæve note.\n'))).children.slice(1);
    expect(odd.map((n) => n.type)).toEqual(['paragraph', 'paragraph', 'paragraph', 'paragraph']);
    expect(odd.map(readText)).toEqual(['Se [^*].', 'Se [^*].', '[^*]: Den skæve note.', '[^*]: Den skæve note.']);
    const tree = parse(renderMarkdown(echoedMarkdown('\\[^1\\]: ikke en note, og [^*] heller ikke.\n\n[^1]: En note.\n')));
    const texts = tree.children.slice(1).filter((n) => n.type === 'paragraph').map(readText);
    expect(texts).toEqual(['[^1]: ikke en note, og [^*] heller ikke.', '[^1]: ikke en note, og [^*] heller ikke.']);
    expect(tree.children.filter((n) => n.type === 'footnoteDefinition')).toHaveLength(1);
  });
});
