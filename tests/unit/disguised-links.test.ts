/**
 * Link targets in disguise: a scheme or a "//host" behind a character that the URL parser keeps
 * as part of a path but a reader of the JSON may trim (a no-break space, a BOM, an ideographic
 * space) must not reach `links`, from a saved page or from Markdown.
 */
import { describe, expect, it } from 'vitest';
import { extractArticle, parseMarkdown } from '../../src/input/index.js';

const TEXT = 'Borgmesteren mødte op på rådhuset mandag morgen, hvor han blev modtaget af medarbejderne. Han fik flere stemmer end ventet ved valget i november.';

/** Every space of Unicode's classes Zs, Zl and Zp, the BOM, zero-width and other format characters, and controls. */
const DISGUISES = [
  ...'\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\u180e',
  '\u00ad',
  '\u202e',
  '\u0085',
  '\u007f',
  '\u0001',
  ' \u00a0',
  '\u00a0 ',
  '\t\u3000\n',
];

const PAYLOADS = ['javascript:alert(1)', 'JaVaScRiPt:alert(2)', 'data:text/html,<script>alert(3)</script>', 'vbscript:msgbox(4)', '//evil.example/x', '\\\\evil.example/x', '/\\evil.example/x', '\\/evil.example/x', 'file:///etc/passwd'];

/** Folded into a scheme or a host by NFKC (full-width letters, colon and slashes). */
const FULL_WIDTH = ['ｊａｖａｓｃｒｉｐｔ：alert(5)', 'javascript\uff1aalert(6)', '\uff0f\uff0fevil.example/x', '/\uff0fevil.example/x'];

const hrefs = [...DISGUISES.flatMap((d) => PAYLOADS.map((p) => d + p)), ...PAYLOADS.map((p) => `java${'\u00a0'}${p}`).filter((h) => h.includes(':')), ...FULL_WIDTH, 'java\u00adscript:alert(7)'];

const GOOD = ['ok.html', '../mappe/side.html', './side.html', '/forside', '?side=2', 'æbler/søde.html', '2024/nyhed.html'];

const htmlLinks = (html: string) => extractArticle(html, { inputName: 'side.html' }).blocks.flatMap((b) => b.links ?? []);
const markdownLinks = (md: string) => parseMarkdown(md).blocks.flatMap((b) => b.links ?? []);

/** Writes each code point outside printable ASCII as a character reference, as a page may. */
const asReferences = (s: string) => s.replace(/[^\x21-\x7e]|["&<>]/gu, (c) => `&#x${c.codePointAt(0)!.toString(16)};`);

/** One paragraph of text around each link, so that the page stays an article however many links it holds. */
const page = (hrefs: string[]) => `<!doctype html><html><body><article><h1>Ny borgmester</h1>${hrefs.map((h, i) => `<p>${TEXT} Se <a href="${h}">her ${i}</a>.</p>`).join('')}</article></body></html>`;

describe('a link target in disguise is dropped', () => {
  it('from a saved page, written as characters or as character references', () => {
    for (const write of [(s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;'), asReferences]) {
      expect(htmlLinks(page([...hrefs, ...GOOD].map(write))).map((l) => l.href)).toEqual(GOOD);
    }
  });

  it('named references too: &nbsp;javascript: and &NewLine;&nbsp;//host', () => {
    const written = ['&nbsp;javascript:alert(1)', '&NewLine;&nbsp;//evil.example/', '&Tab;&ensp;data:text/html,x', '&ZeroWidthSpace;javascript:alert(2)', 'ok.html'];
    expect(htmlLinks(page(written)).map((l) => l.href)).toEqual(['ok.html']);
  });

  it('from Markdown, in plain and in <pointy> destinations and as character references', () => {
    const md = (dest: (h: string) => string) => `# Ny borgmester\n\n${TEXT}\n\n${[...hrefs, ...GOOD].map((h, i) => `[link ${i}](${dest(h)})`).join(' ')}\n`;
    const pointy = (h: string) => `<${h.replace(/[<>\\\n]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`)}>`;
    const references = (h: string) => `<${asReferences(h)}>`;
    for (const dest of [pointy, references]) expect(markdownLinks(md(dest)).map((l) => l.href)).toEqual(GOOD);
  });

  it('a plain relative target is kept exactly as it was judged', () => {
    expect(htmlLinks(page([' ok.html ', '\tandre/side.html\n', 'mappe/min\u00a0side.html'])).map((l) => l.href)).toEqual(['ok.html', 'andre/side.html', 'mappe/min\u00a0side.html']);
  });
});
