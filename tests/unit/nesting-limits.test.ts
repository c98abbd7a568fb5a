import { createRequire } from 'node:module';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { inputUserError, isDa2enError } from '../../src/errors.js';
import { NestingTooDeepError } from '../../src/input/errors.js';
import { extractArticle } from '../../src/input/html/extract-article.js';
import { MAX_PAGE_DEPTH, nestsDeeperThan as pageNestsDeeperThan } from '../../src/input/html/nesting-depth.js';
import { parseMarkdown } from '../../src/input/markdown/parse-markdown.js';
import { lineNesting, MAX_MARKDOWN_DEPTH } from '../../src/input/markdown/nesting-depth.js';

const TEXT = 'Kommunen bygger en ny skole i Aarhus. Den åbner i 2027 med plads til 400 elever og 30 lærere. '.repeat(3);

/** How deep linkedom's tree of `html` nests, its outermost elements at depth 1 (walked without recursion). */
function linkedomDepth(html: string): number {
  interface Tree {
    children: ArrayLike<Tree>;
  }
  const { document } = parseHTML(html) as unknown as { document: Tree };
  let deepest = 0;
  const pending: [Tree, number][] = Array.from(document.children, (el) => [el, 1]);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [el, depth] = next;
    deepest = Math.max(deepest, depth);
    for (const child of Array.from(el.children)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** A page whose article sits inside `depth` nested elements of `tag` (html, body, article around them). */
function nestedPage(tag: string, depth: number): string {
  return `<html><body><article>${`<${tag}>`.repeat(depth)}<p>${TEXT}</p>${`</${tag}>`.repeat(depth)}</article></body></html>`;
}

describe('web pages nested too deeply are refused before linkedom and Readability see them', () => {
  it('5,000 nested <blockquote> (was: a stack overflow) and 2,000 nested <div> (was: over a minute) are an input error naming the page', () => {
    for (const html of [nestedPage('blockquote', 5000), nestedPage('div', 2000)]) {
      let thrown: unknown;
      try {
        extractArticle(html, { inputName: 'deep.html' });
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(NestingTooDeepError);
      expect((thrown as Error).message).toBe(`deep.html: the page has elements nested more than ${MAX_PAGE_DEPTH} levels deep, which da2en does not read; to translate all of its text, use the text input format`);
      const mapped = inputUserError(thrown);
      expect(isDa2enError(mapped, 'input')).toBe(true);
    }
  });

  it('a deep but real page (60 levels of layout) is read as before', () => {
    const article = extractArticle(nestedPage('div', 60));
    expect(article.blocks.map((b) => b.text)).toEqual([TEXT.trim()]);
  });

  it('counts as linkedom nests: up to the limit passes, one more is refused', () => {
    // html, body, article and the <p> are four levels.
    expect(pageNestsDeeperThan(nestedPage('div', MAX_PAGE_DEPTH - 4))).toBe(false);
    expect(pageNestsDeeperThan(nestedPage('div', MAX_PAGE_DEPTH - 3))).toBe(true);
    // <a> and <h1> do not close themselves in linkedom's parser, so they nest there.
    expect(pageNestsDeeperThan('<a>'.repeat(1000))).toBe(true);
  });

  it('unclosed <p>, <li>, <td>, <option> and void elements do not nest, nor do tags in comments, scripts, styles or attributes', () => {
    const flat = [
      '<p>Et afsnit'.repeat(2000),
      `<ul>${'<li>Punkt'.repeat(2000)}</ul>`,
      `<table>${'<tr><td>a<td>b'.repeat(1000)}</table>`,
      `<select>${'<option>x'.repeat(1000)}</select>`,
      '<br><img src="x"><hr><input>'.repeat(1000),
      `<!-- ${'<div>'.repeat(1000)} -->`,
      `<script>var s = "${'<div>'.repeat(1000)}";</script>`,
      `<style>/* ${'<div>'.repeat(1000)} */</style>`,
      `<div title="${'<div>'.repeat(1000)}">x</div>`,
      `<svg>${'<path d="M0 0"/>'.repeat(1000)}</svg>`,
    ];
    for (const html of flat) expect(pageNestsDeeperThan(`<html><body>${html}</body></html>`)).toBe(false);
  });

  // linkedom reads only script, style, title, textarea and xmp as text; the others are elements.
  const wrappers = {
    iframe: (deep: string) => `<iframe>${deep}</iframe>`,
    noembed: (deep: string) => `<noembed>${deep}</noembed>`,
    noframes: (deep: string) => `<noframes>${deep}</noframes>`,
    plaintext: (deep: string) => `<plaintext>${deep}`,
    'self-closed script': (deep: string) => `<script/>${deep}</script>`,
    'self-closed textarea': (deep: string) => `<textarea/>${deep}</textarea>`,
    'foreignObject in svg': (deep: string) => `<svg><foreignObject>${deep.replaceAll('<div>', '<div/>')}</foreignObject></svg>`,
  };

  it('markup in <iframe>, <noembed>, <noframes>, <plaintext>, after <script/>, in <foreignObject> is nesting (was: 3,000 levels overflowed the stack)', () => {
    for (const [name, wrap] of Object.entries(wrappers)) {
      const html = `<html><body><article><p>${TEXT}</p></article>${wrap('<div>'.repeat(3000) + 'x' + '</div>'.repeat(3000))}</body></html>`;
      expect(() => extractArticle(html, { inputName: 'deep.html' }), name).toThrow(NestingTooDeepError);
    }
  });

  it('measures the depth of the tree linkedom builds, wherever the markup stands', () => {
    const pages = [
      ...Object.values(wrappers).map((wrap) => wrap('<div>'.repeat(40))),
      `<svg><style>${'<div>'.repeat(40)}</style></svg>`,
      `<style></style/>${'<div>'.repeat(40)}</style>`,
      `<!--> ${'<div>'.repeat(40)} -->`,
      `<![CDATA[ > ${'<div>'.repeat(40)} ]]>`,
      `<noscript>${'<span>'.repeat(40)}</noscript>`,
      `<table><tr><td>${'<p>a<li>b<dd>c<b>'.repeat(20)}</table>`,
    ];
    for (const page of pages) {
      const html = `<html><body>${page}</body></html>`;
      const depth = linkedomDepth(html);
      expect([pageNestsDeeperThan(html, depth - 1), pageNestsDeeperThan(html, depth)], page.slice(0, 40)).toEqual([true, false]);
    }
  });

  it('counts with the very htmlparser2 that linkedom parses with', () => {
    const linkedomRequire = createRequire(createRequire(import.meta.url).resolve('linkedom'));
    expect(createRequire(import.meta.url).resolve('htmlparser2')).toBe(linkedomRequire.resolve('htmlparser2'));
  });
});

describe('Markdown nested too deeply is refused before it is parsed', () => {
  const refused = (md: string) => {
    try {
      parseMarkdown(md, 'd.md');
    } catch (err) {
      return err;
    }
    return undefined;
  };

  it('3,000 ">" on one line (was: a stack overflow) and 1,500 "> - " (was: 11 s, then a stack overflow) are an input error naming the file', () => {
    for (const md of ['>'.repeat(3000) + ' x\n', '> - '.repeat(1500) + 'x\n', 'Et afsnit.\n\n' + '1. '.repeat(500) + 'x\n']) {
      const err = refused(md);
      expect(err).toBeInstanceOf(NestingTooDeepError);
      expect((err as Error).message).toBe(`d.md: the Markdown has block quotes or lists nested more than ${MAX_MARKDOWN_DEPTH} levels deep, which da2en does not read; to translate all of its text, use the text input format`);
    }
  });

  it('nesting built line by line through indentation is refused as well', () => {
    const md = Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}- punkt ${i}`).join('\n');
    expect(refused(md)).toBeInstanceOf(NestingTooDeepError);
  });

  it('nesting up to the limit parses, its blocks in document order at their depth', () => {
    const quotes = parseMarkdown('>'.repeat(MAX_MARKDOWN_DEPTH) + ' Dybt citat.\n\nEfter.\n');
    expect(quotes.blocks).toEqual([
      { type: 'quote', text: 'Dybt citat.', depth: MAX_MARKDOWN_DEPTH },
      { type: 'paragraph', text: 'Efter.' },
    ]);
    const depth = MAX_MARKDOWN_DEPTH / 2;
    const lists = parseMarkdown(Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- punkt ${i + 1}`).join('\n') + '\n\nEfter.\n');
    expect(lists.blocks).toEqual([
      ...Array.from({ length: depth }, (_, i) => ({ type: 'list-item', text: `punkt ${i + 1}`, ordered: false, depth: i + 1 })),
      { type: 'paragraph', text: 'Efter.' },
    ]);
  });

  it('reads a line as deep as its markers and indentation', () => {
    expect(lineNesting('Tekst')).toBe(0);
    expect(lineNesting('> > tekst')).toBe(2);
    expect(lineNesting('>>> tekst')).toBe(3);
    expect(lineNesting('- 1. > tekst')).toBe(3);
    expect(lineNesting('    - tekst')).toBe(3);
    expect(lineNesting('-tekst')).toBe(0);
    expect(lineNesting('2024. tekst')).toBe(1);
  });
});
