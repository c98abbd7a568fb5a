import { createHash } from 'node:crypto';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import {
  ALIGN_SCRIPT,
  ALIGN_SCRIPT_HASH,
  CSP,
  escapeMarkdownCell,
  extensionFor,
  formatFromPath,
  OUTPUT_FORMATS,
  render,
  renderEnglish,
  renderHtml,
  renderJson,
  renderMarkdown,
  renderText,
  toJsonObject,
} from '../../src/rendering/index.js';
import type { BilingualDocument } from '../../src/document/types.js';
import { fixtureDocument, fixtureWithoutTargetPrefixes, NASTY_DA, NASTY_EN } from '../helpers/bilingual-fixture.js';

/** Splits a Markdown table row at pipes not escaped by an odd number of backslashes. */
function splitRow(row: string): string[] {
  const cells: string[] = [];
  let current = '';
  let backslashes = 0;
  for (const ch of row) {
    if (ch === '|' && backslashes % 2 === 0) {
      cells.push(current);
      current = '';
    } else {
      current += ch;
    }
    backslashes = ch === '\\' ? backslashes + 1 : 0;
  }
  cells.push(current);
  return cells;
}

describe('formats', () => {
  it('maps extensions to formats and back', () => {
    expect(formatFromPath('out/a.html')).toBe('html');
    expect(formatFromPath('A.HTM')).toBe('html');
    expect(formatFromPath('a.md')).toBe('md');
    expect(formatFromPath('a.txt')).toBe('txt');
    expect(formatFromPath('a.en.txt')).toBe('en');
    expect(formatFromPath('a.json')).toBe('json');
    expect(formatFromPath('a.pdf')).toBeUndefined();
    expect(OUTPUT_FORMATS.map(extensionFor)).toEqual(['.html', '.md', '.txt', '.json', '.en.txt']);
    for (const f of OUTPUT_FORMATS) expect(formatFromPath(`x${extensionFor(f)}`)).toBe(f);
  });

  it('render(format) dispatches to each renderer and ends with a newline', () => {
    const doc = fixtureDocument();
    expect(render('html', doc)).toBe(renderHtml(doc));
    expect(render('md', doc)).toBe(renderMarkdown(doc));
    expect(render('txt', doc)).toBe(renderText(doc));
    expect(render('json', doc)).toBe(renderJson(doc));
    expect(render('en', doc)).toBe(renderEnglish(doc));
    for (const f of OUTPUT_FORMATS) expect(render(f, doc).endsWith('\n')).toBe(true);
  });
});

describe('renderHtml', () => {
  const html = renderHtml(fixtureDocument());

  it('is a standalone English page with a strict CSP and a title', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CSP.replace(/'/g, '&#39;')}">`);
    // Scripts: only the page's own sentence-alignment script, by its hash.
    expect(CSP).toBe(`default-src 'none'; style-src 'unsafe-inline'; script-src '${ALIGN_SCRIPT_HASH}'`);
    expect(ALIGN_SCRIPT_HASH).toBe(`sha256-${createHash('sha256').update(ALIGN_SCRIPT).digest('base64')}`);
    expect(html).toContain('<title>Mayor &lt;b&gt;wants&lt;/b&gt; to build new bridge</title>');
  });

  it('contains no script tag from content, only its own hashed script, and no network references', () => {
    expect(html.match(/<script/gi)?.length).toBe(1);
    expect(html).toContain(`<script>${ALIGN_SCRIPT}</script>`);
    expect(ALIGN_SCRIPT).not.toMatch(/fetch|XMLHttpRequest|import|src|href|eval|Function|innerHTML/);
    expect(html).toContain('&lt;script&gt;window.__pwned = 1;');
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|base|audio|video|source)\b/i);
    expect(html).not.toMatch(/\b(src|href|action|srcset)\s*=/i);
    expect(html).not.toMatch(/url\(|@import/i);
    // the only "http" in the page is the escaped content text
    expect(html.match(/https?:/g)?.length).toBe(2);
    expect(html.match(/http/g)?.length).toBe(3); // + http-equiv
    expect(html).not.toMatch(/\son\w+\s*=/i);
  });

  it("names a page without a title after its input, and text from standard input plainly (was: \"- (Danish–English)\")", () => {
    const untitled = (source: string) => renderHtml({ ...fixtureDocument(), title: { source: '', target: '' }, metadata: { source } });
    expect(untitled('samples/bro.da.txt')).toContain('<title>bro.da.txt (Danish–English)</title>');
    expect(untitled('-')).toContain('<title>Danish–English</title>');
    expect(untitled('./-')).toContain('<title>- (Danish–English)</title>');
  });

  it('has one row per paragraph with lang-tagged cells, escaped', () => {
    const doc = fixtureDocument();
    expect(html.match(/<section class="pair /g)?.length).toBe(doc.paragraphs.length);
    expect(html.match(/class="cell da" lang="da"/g)?.length).toBe(doc.paragraphs.length);
    expect(html.match(/class="cell en" lang="en"/g)?.length).toBe(doc.paragraphs.length);
    expect(html).toContain('Pris: 5 &amp; 6 | &quot;citat&quot; *fed* _kursiv_ [link](http://x) \\ 🎉');
    expect(html).toContain('Byrådet mødtes kl. 14 i går.\nMødet varede ca. 3 timer.');
    expect(html).toContain('white-space: pre-wrap');
  });

  it('styles headings as headings (Markdown marker not shown) and quotes as blockquotes', () => {
    const plain = html.replace(/<span class="s" data-s="\d+-\d+" tabindex="0">([^<]*)<\/span>/g, '$1');
    // The title pair is the page's one <h1> (issue 11: the title was shown twice, in a header <h1> and the first pair).
    expect(plain).toContain('<section class="pair kind-heading title" id="p1"><div class="cell da" lang="da"><h1 class="text" dir="auto">Borgmester vil bygge ny bro</h1>');
    expect(plain).toContain('<h1 class="text" dir="auto">Mayor wants to build new bridge</h1>');
    expect(plain.match(/<h1\b/g)).toHaveLength(2); // the Danish and the English cell, nothing in the header
    expect(plain).not.toContain('<p class="source-title"');
    expect(plain).toContain('<h2 class="text" dir="auto">Økonomi</h2>');
    expect(html).not.toContain('## Økonomi');
    expect(plain).toContain('<blockquote class="text" dir="auto">- Det er en god dag for byen, siger borgmesteren.</blockquote>');
  });

  it('keeps an article heading at its level; the title alone is <h1>', () => {
    // Headings from markup (a web page's <h2>, Markdown's "##") once came out one level down (h2 → <h3>).
    const heading = (index: number, level: number, text: string) => ({
      index, kind: 'heading' as const, level, structured: true, prefix: '', source: text, target: text,
      chunks: [{ index: 0, text, joinBefore: '' as const, tokens: 1, target: text, origin: 'model' as const }],
    });
    const doc: BilingualDocument = {
      ...fixtureDocument(),
      paragraphs: [heading(0, 1, 'Titel'), heading(1, 2, 'Ung borgmester'), heading(2, 3, 'Tre'), heading(3, 6, 'Seks'), heading(4, 1, 'Igen et')],
    };
    const plain = renderHtml(doc).replace(/<span class="s" data-s="\d+-\d+" tabindex="0">([^<]*)<\/span>/g, '$1');
    const tags = Array.from(plain.matchAll(/<(h\d) class="text" dir="auto">([^<]*)</g), (m) => `${m[1]} ${m[2]}`);
    expect(tags).toEqual([
      'h1 Titel', 'h1 Titel', 'h2 Ung borgmester', 'h2 Ung borgmester', 'h3 Tre', 'h3 Tre', 'h6 Seks', 'h6 Seks',
      // A level-1 heading after the title is a section under it: the page keeps one <h1>.
      'h2 Igen et', 'h2 Igen et',
    ]);
    expect(plain).toContain('<section class="pair kind-heading level-2" id="p2">');
    expect(plain).toContain('<section class="pair kind-heading level-1" id="p5">');
  });

  it('shows QA findings as a badge with the messages, escaped', () => {
    expect(html.match(/<details class="qa">/g)?.length).toBe(1);
    expect(html).toContain('2 QA notes');
    expect(html).toContain('number &quot;5&quot; &lt;missing&gt; in target');
    expect(html).toContain('title="missing-number: number &quot;5&quot; &lt;missing&gt; in target\nlength-ratio:');
  });

  it('shows metadata, a phone layout and a print layout', () => {
    for (const s of ['2025-03', 'Helsinki-NLP/opus-mt-da-en', 'q8', 'samples/bro.da.txt']) expect(html).toContain(s);
    expect(html).toContain('@media (max-width: 40rem)');
    expect(html).toContain('@media print');
    expect(html).toContain('<meta name="viewport"');
  });

  it('adds a missing prefix to targets exactly once', () => {
    const a = renderHtml(fixtureDocument());
    const b = renderHtml(fixtureWithoutTargetPrefixes());
    expect(b).toBe(a);
  });

  it('lets each text block take its direction from its text (dir="auto"), so an Arabic or Hebrew quote reads right to left; code keeps the page\'s', () => {
    const doc = fixtureDocument();
    const item = { ...doc.paragraphs[1]!, index: 8, kind: 'list-item' as const, list: { ordered: true, number: 2, depth: 1 }, source: 'شكرا', target: 'شكرا', chunks: [] };
    const code = { ...doc.paragraphs[1]!, index: 9, kind: 'code' as const, source: 'x = "שלום"', target: 'x = "שלום"', chunks: [] };
    doc.paragraphs.push(item, code);
    const page = renderHtml(doc);
    const blocks = Array.from(page.matchAll(/<(p|h\d|blockquote|ul|ol|pre) class="text"([^>]*)>/g), (m) => `${m[1]}${m[2]}`);
    expect(blocks).toHaveLength(2 * doc.paragraphs.length);
    expect(blocks.filter((b) => !b.startsWith('pre'))).toEqual(expect.arrayContaining(['ol dir="auto" start="2"', 'p dir="auto"', 'h1 dir="auto"', 'blockquote dir="auto"']));
    expect(blocks.filter((b) => !b.startsWith('pre')).every((b) => / dir="auto"/.test(b))).toBe(true);
    expect(blocks.filter((b) => b.startsWith('pre'))).toEqual(['pre', 'pre']);
    // Nothing else changes: without the attribute the page is the one written before.
    expect(page.replace(/ dir="auto"/g, '')).not.toContain('dir=');
  });

  it('marks an empty translation', () => {
    const doc = fixtureDocument();
    doc.paragraphs[1]!.target = '';
    expect(renderHtml(doc)).toContain('(no translation)');
  });
});

describe('renderMarkdown', () => {
  const md = renderMarkdown(fixtureDocument());
  const rows = md.split('\n').filter((l) => l.startsWith('|'));

  it('is a two-column table with one row per paragraph', () => {
    expect(rows[0]).toBe('| Dansk | English |');
    expect(rows[1]).toBe('| --- | --- |');
    expect(rows.length).toBe(2 + fixtureDocument().paragraphs.length);
    for (const row of rows) {
      const cells = splitRow(row);
      expect(cells.length, row).toBe(4); // '', da, en, ''
      expect(cells[0]).toBe('');
      expect(cells[3]).toBe('');
    }
  });

  it('escapes pipes, Markdown, HTML and backslashes so content shows as text', () => {
    const row = rows.find((r) => r.includes('pwned = 1'))!;
    const [, da, en] = splitRow(row);
    expect(da!.trim()).toBe(
      '&lt;script&gt;window.\\_\\_pwned = 1; alert(1)&lt;/script&gt; Pris: 5 &amp; 6 \\| "citat" \\*fed\\* \\_kursiv\\_ \\[link\\](http://x) \\\\ 🎉',
    );
    expect(en).toContain('\\*bold\\*');
    expect(md).not.toMatch(/<script/i);
  });

  it('shows bare URLs and e-mail addresses as written (was: "…/Niels\\_Bohr", "&amp;" shown in the link)', () => {
    const texts = [
      'Læs mere på https://da.wikipedia.org/wiki/Niels_Bohr i dag.',
      'Se https://www.dr.dk/nyheder?side=2&sort=ny | www.tv2.dk/nyheder_2024.',
      'Skriv til jens_hansen@dr.dk eller https://x.dk/~jens/.',
    ];
    const doc: BilingualDocument = {
      ...fixtureDocument(),
      paragraphs: texts.map((text, index) => ({ index, kind: 'text', prefix: '', source: text, target: text, chunks: [] })),
    };
    const tree = fromMarkdown(renderMarkdown(doc), { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
    const table = tree.children.find((n) => n.type === 'table');
    const cellText = (n: object): string =>
      'value' in n ? String(n.value) : 'children' in n ? (n.children as object[]).map(cellText).join('') : '';
    expect(table?.type === 'table' && table.children.slice(1).map((row) => row.children.map(cellText))).toEqual(texts.map((t) => [t, t]));
  });

  it('keeps line breaks as <br>, prefixes as text, headings bold', () => {
    expect(md).toContain('| Byrådet mødtes kl. 14 i går.<br>Mødet varede ca. 3 timer. |');
    expect(md).toContain('| - Det er en god dag for byen, siger borgmesteren. | - It is a good day for the city, says the mayor. |');
    // A table cell cannot hold a heading: the marker is not shown as text (issue 11: "**## Baggrund**").
    expect(md).toContain('| **Økonomi** | **Economy** |');
    expect(md).not.toContain('##');
    expect(md).toContain('| \\*\\*\\* | \\*\\*\\* |');
  });

  it('escapeMarkdownCell handles edge cases', () => {
    expect(escapeMarkdownCell('  a  b\t\u00A0c  ')).toBe('a b c');
    expect(escapeMarkdownCell('a\\|b')).toBe('a\\\\\\|b');
    expect(escapeMarkdownCell('x\ny\r\nz')).toBe('x<br>y<br>z');
    expect(escapeMarkdownCell('`code` ~strike~ $x$ <b>')).toBe('\\`code\\` \\~strike\\~ \\$x\\$ &lt;b&gt;');
    expect(escapeMarkdownCell('&amp;')).toBe('&amp;amp;');
    expect(escapeMarkdownCell('')).toBe('');
    expect(splitRow(`| ${escapeMarkdownCell('\\')} | ${escapeMarkdownCell('|\\|')} |`).length).toBe(4);
  });

  it('lists the QA notes after the table, escaped (issue 11: Markdown carried none)', () => {
    expect(md).toMatch(/\n\*\*QA notes\*\* \(check these against the Danish\)\n\n- paragraph \d+, missing-number: number "5" &lt;missing&gt; in target\n- paragraph \d+, length-ratio: target is 2\.3× the source &amp; "odd"\n$/);
  });

  it('has a metadata line; the title is the first row, shown once', () => {
    expect(md.startsWith('**Date:** 2025-03')).toBe(true);
    expect(md).toContain('| --- | --- |\n| **Borgmester vil bygge ny bro** | **Mayor wants to build new bridge** |\n');
    expect(md).not.toMatch(/^# /m);
    expect(md).toContain('**Date:** 2025-03');
    expect(md).toContain('**Model:** Helsinki-NLP/opus-mt-da-en');
  });
});

describe('renderText', () => {
  it('interleaves Danish and English paragraphs with a blank line between pairs', () => {
    const txt = renderText(fixtureDocument());
    const blocks = txt.trimEnd().split('\n\n');
    // The header is the metadata; the title is the first pair, shown once.
    expect(blocks[0]).toBe(
      'Date: 2025-03 | Source: samples/bro.da.txt | Detected language: da | Model: Helsinki-NLP/opus-mt-da-en | Precision: q8 | Time: 4.6 s',
    );
    expect(blocks[1]).toBe('Borgmester vil bygge ny bro\nMayor wants to build new bridge');
    expect(blocks[2]).toBe(
      'Byrådet mødtes kl. 14 i går.\nMødet varede ca. 3 timer.\nThe city council met at 2 pm yesterday.\nThe meeting lasted about 3 hours.',
    );
    expect(blocks[3]).toBe('- Det er en god dag for byen, siger borgmesteren.\n- It is a good day for the city, says the mayor.');
    expect(blocks[4]).toBe(`${NASTY_DA}\n${NASTY_EN}`);
    // Then the QA report the README promises (issue 11: text carried none).
    expect(blocks.at(-1)).toMatch(/^QA notes \(check these against the Danish\):\n- paragraph \d+, missing-number: number "5" <missing> in target\n- paragraph \d+, length-ratio: target is 2\.3× the source & "odd"$/);
    expect(blocks.length).toBe(2 + fixtureDocument().paragraphs.length);
  });

  it('has no QA block when nothing was flagged', () => {
    const doc = fixtureDocument();
    const clean = { ...doc, paragraphs: doc.paragraphs.map((p) => ({ ...p, qa: [] })) };
    expect(renderText(clean)).not.toContain('QA notes');
    expect(renderMarkdown(clean)).not.toContain('QA notes');
  });
});

describe('renderEnglish', () => {
  it('is the translated paragraphs, prefixes kept, blank-line separated', () => {
    const en = renderEnglish(fixtureDocument());
    const paras = en.trimEnd().split('\n\n');
    expect(paras[0]).toBe('Mayor wants to build new bridge');
    expect(paras[2]).toBe('- It is a good day for the city, says the mayor.');
    expect(paras[3]).toBe(NASTY_EN);
    expect(paras[4]).toBe('## Economy');
    expect(en).not.toContain('Byrådet');
    expect(renderEnglish(fixtureWithoutTargetPrefixes())).toBe(en);
  });

  it('keeps the place of an empty translation, so paragraph i is still the input\'s paragraph i (was: left out)', () => {
    const doc = fixtureDocument();
    const before = renderEnglish(doc).trimEnd().split('\n\n');
    doc.paragraphs[1]!.target = '';
    doc.paragraphs[1]!.chunks = doc.paragraphs[1]!.chunks.map((c) => ({ ...c, target: '' }));
    const after = renderEnglish(doc).trimEnd().split('\n\n');
    expect(after).toHaveLength(doc.paragraphs.length);
    expect(after[1]).toBe('(no translation)');
    expect(after.filter((_, i) => i !== 1)).toEqual(before.filter((_, i) => i !== 1));
  });

  it("keeps a list item's bullet or number, as the text output does (was: a Markdown or web page list lost its numbers)", () => {
    const item = (index: number, source: string, target: string, list: { ordered: boolean; number?: number; depth: number }) => ({
      index, kind: 'list-item' as const, list, structured: true, prefix: '', source, target,
      chunks: [{ index: 0, text: source, joinBefore: '' as const, tokens: 1, target, origin: 'model' as const }],
    });
    const doc: BilingualDocument = {
      ...fixtureDocument(),
      metadata: { source: 'opskrift.md', inputFormat: 'md' },
      paragraphs: [
        item(0, 'Bland mel', 'Mix flour', { ordered: true, number: 3, depth: 1 }),
        item(1, 'Rør', 'Stir', { ordered: false, depth: 2 }),
        item(2, 'Bag', 'Bake', { ordered: true, number: 4, depth: 1 }),
      ],
    };
    expect(renderEnglish(doc)).toBe('3. Mix flour\n\n  - Stir\n\n4. Bake\n');
    // The same marks as the text output's English lines.
    const txtEnglish = renderText(doc).split('\n\n').slice(1, 4).map((block) => block.split('\n')[1]);
    expect(txtEnglish).toEqual(['3. Mix flour', '  - Stir', '4. Bake']);
  });
});

describe('renderJson', () => {
  it('is the document plus format and version, round-trips, and has a stable key order', () => {
    const doc = fixtureDocument();
    const json = renderJson(doc);
    const parsed = JSON.parse(json) as BilingualDocument & { format: string; version: number };
    expect(parsed.format).toBe('da2en-bilingual');
    expect(parsed.version).toBe(1);
    const { format: _f, version: _v, ...rest } = parsed;
    expect(rest).toEqual(doc);
    expect(Object.keys(parsed)).toEqual(['format', 'version', 'title', 'metadata', 'model', 'timings', 'paragraphs']);
    expect(Object.keys(parsed.paragraphs[3]!)).toEqual(['index', 'kind', 'prefix', 'source', 'target', 'qa', 'chunks']);
    expect(Object.keys(parsed.paragraphs[0]!.chunks[0]!)).toEqual(['index', 'joinBefore', 'text', 'tokens', 'target', 'origin']);
    expect(json).toBe(JSON.stringify(toJsonObject(doc), null, 2) + '\n');
  });

  it('does not depend on the order the document was built in', () => {
    const doc = fixtureDocument();
    const shuffled = JSON.parse(
      JSON.stringify(doc, (_k, v: unknown) =>
        v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
      ),
    ) as BilingualDocument;
    expect(Object.keys(shuffled)[0]).toBe('paragraphs');
    expect(renderJson(shuffled)).toBe(renderJson(doc));
  });
});
