/**
 * /translate's `format: "html"` fragments, split and written back (src/server/html-fragment.ts).
 * Every vector below is inert in a browser (checked in Chromium when they were found: the payload
 * is text, an attribute value or raw text there) and came back from linkedom's innerHTML as a live
 * <img onerror>. The output is checked without a browser: no `<img` anywhere in it (so no parser
 * can make an element of it), and linkedom's reading of it has no <img> and no on* attribute.
 */
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { isDa2enError } from '../../src/errors.js';
import { escapeText } from '../../src/server/html-escape.js';
import { fragmentTemplate, MAX_FRAGMENT_DEPTH } from '../../src/server/html-fragment.js';

/** The fragment written back, each text through `translate` (the identity: as it was). */
function rewrite(html: string, translate: (text: string) => string = (t) => t): string {
  const { markup, texts } = fragmentTemplate(html);
  return markup.reduce((out, m, i) => out + (i > 0 ? escapeText(translate(texts[i - 1]!)) : '') + m, '');
}

interface El {
  nodeType: number;
  localName: string;
  attributes: ArrayLike<{ name: string }>;
  childNodes: ArrayLike<El>;
}

/** Element names and on* attributes as linkedom reads `html` (a flat walk: these are shallow). */
function liveParts(html: string): string[] {
  const { document } = parseHTML(`<!DOCTYPE html><html><body>${html}</body></html>`) as unknown as { document: { body: El } };
  const found: string[] = [];
  const todo = [document.body];
  for (let n = todo.pop(); n; n = todo.pop()) {
    for (const c of Array.from(n.childNodes)) {
      if (c.nodeType !== 1) continue;
      if (c.localName === 'img') found.push('img');
      for (const a of Array.from(c.attributes)) if (/^on/i.test(a.name)) found.push(a.name);
      todo.push(c);
    }
  }
  return found;
}

const P = '&lt;img src=x onerror=alert(1)&gt;';
const INERT_VECTORS = [
  `<p>Hej <title>med dig &lt;/title&gt;${P}</title></p>`,
  `<noscript><p title="&lt;/noscript&gt;${P}"></p></noscript>`,
  `<p>Hej med dig</p><noscript><p title="&lt;/noscript&gt;${P}">Hej</p></noscript>`,
  `<svg><style>${P}</style></svg>`,
  `<math><mtext><table><mglyph><style>${P}</style></mglyph></table></mtext></math>`,
  `<noembed>${P}</noembed>`,
  `<noframes>${P}</noframes>`,
  `<iframe>${P}</iframe>`,
  `<xmp>${P}</xmp>`,
  `<textarea>Hej &lt;/textarea&gt;${P}</textarea>`,
  `<p>Hej</p><template><p>Hej ${P}</p></template>`,
  `<select><option>Hej &lt;/option&gt;${P}</option></select>`,
  `<p>Hej <span>verden</span></p><plaintext>${P}`,
  `<p>Hej <a title="&lt;/p&gt;${P}">dig</a> og &amp;lt; tegn</p>`,
  // A browser reads the rest as raw text (no </noscript> in it); htmlparser2 closes the inner <noscript> at </b>.
  '<noscript><b><noscript></b><img src=x onerror=alert(1)>',
  '<iframe><iframe></b><img src=x onerror=alert(1)>',
  '<svg><foreignObject><noscript><b><noscript></b><img src=x onerror=alert(1)>',
  '<p>Hej <!-- a --!> b --> med dig</p>',
];

describe('format html: nothing inert in the input runs in the output (mutation XSS)', () => {
  it.each(INERT_VECTORS)('%s', (html) => {
    const out = rewrite(html);
    expect(out).not.toMatch(/<img/i);
    expect(liveParts(out)).toEqual([]);
    // Texts come back translated: whatever the model writes is text too.
    expect(rewrite(html, () => '<img src=x onerror=alert(1)>')).not.toMatch(/<img/i);
  });

  it('the reported outputs: <title> text and attribute values escaped, <svg><style> text as it came', () => {
    expect(rewrite(`<p>Hej <title>med dig &lt;/title&gt;${P}</title></p>`)).toBe(`<p>Hej <title>med dig &lt;/title&gt;${P}</title></p>`);
    expect(rewrite(`<noscript><p title="&lt;/noscript&gt;${P}"></p></noscript>`)).toBe(`<noscript><p title="&lt;/noscript&gt;${P}"></p></noscript>`);
    expect(rewrite(`<svg><style>${P}</style></svg>`)).toBe(`<svg><style>${P}</style></svg>`);
  });

  it.each([
    ['an end tag with a quoted attribute holding >', '<p>Hej</p title="><img src=x onerror=alert(1)>">'],
    ['markup in an <svg> <style>', '<svg><style><a title="</style><img src=x onerror=alert(1)>"></style></svg>'],
    ['markup in a <select> <style>', '<select><style><a title="</style><input autofocus onfocus=alert(1)>"></style></select>'],
    ["'<!--<script' in a script", '<script><!--<script></script><img src=x onerror=alert(1)></script>'],
  ])('refused where htmlparser2 ends early what a browser reads on (%s): one line, kind input', (_what, html) => {
    let err: unknown;
    try {
      rewrite(html);
    } catch (e) {
      err = e;
    }
    expect(isDa2enError(err, 'input')).toBe(true);
    expect((err as Error).message).toMatch(/^this HTML cannot be translated safely: .*read differently by browsers/);
    expect((err as Error).message).not.toContain('\n');
  });
});

describe('format html: raw-text elements keep their content', () => {
  it('<xmp> text is not escaped twice', () => {
    expect(rewrite('<xmp>&lt;b&gt;fed&lt;/b&gt;</xmp>')).toBe('<xmp>&lt;b&gt;fed&lt;/b&gt;</xmp>');
    expect(rewrite('<xmp><b>fed</b></xmp>')).toBe('<xmp><b>fed</b></xmp>');
  });

  it('<plaintext> gets no end tag, and nothing after it is translated', () => {
    expect(rewrite(`<p>Hej <span>verden</span></p><plaintext>${P}`)).toBe(`<p>Hej <span>verden</span></p><plaintext>${P}`);
    expect(fragmentTemplate('<p>Hej</p><plaintext>Hej med dig').texts).toEqual(['Hej']);
  });

  it('scripts, styles and textareas as they came, never sent to the model', () => {
    const html = '<script>if (a < b && c) x("</p>");</script><style>a > b { content: "&amp;" }</style><textarea>Hej &amp; farvel</textarea>';
    expect(rewrite(html)).toBe(html);
    expect(fragmentTemplate(html).texts).toEqual([]);
  });
});

describe('format html: ordinary markup round-trips', () => {
  it.each([
    '<p class="lead">Det regner <b>i dag</b>.</p><ul><li>Ja.</li></ul><script>var hej = 1;</script>',
    '<p>Hej <a href="https://example.dk/?a=1&amp;b=2" title="&quot;citat&quot;">med dig</a> &amp; &lt;dig&gt;</p>',
    '<!-- en kommentar --><p>Hej<br>med<img src="a.png" alt="et billede"> dig</p>',
    '<svg viewBox="0 0 10 10"><title>Hej</title><path d="M0 0"></path></svg><math><mi>x</mi></math>',
    '<table><tr><td>Hej</td></tr></table><pre><code>x &lt; y</code></pre>',
  ])('%s', (html) => {
    expect(rewrite(html)).toBe(html);
    // Written back again: the same.
    expect(rewrite(rewrite(html))).toBe(html);
  });

  it('one text per run of text, entities decoded; code, svg and math not translated', () => {
    expect(fragmentTemplate('<p>Hej &amp; farvel <b>med</b> dig</p><code>kode</code><svg><text>Hej</text></svg>').texts).toEqual(['Hej & farvel ', 'med', ' dig']);
  });

  it('translations are written escaped', () => {
    expect(rewrite('<p>Hej</p>', () => 'a < b & "c"')).toBe('<p>a &lt; b &amp; "c"</p>');
  });
});

describe('format html: nesting', () => {
  it(`${MAX_FRAGMENT_DEPTH} elements inside one another are written back; one more is refused in one line (no stack overflow)`, () => {
    const ok = `${'<b>'.repeat(MAX_FRAGMENT_DEPTH)}Hej`;
    expect(rewrite(ok)).toBe(`${ok}${'</b>'.repeat(MAX_FRAGMENT_DEPTH)}`);
    let err: unknown;
    try {
      fragmentTemplate(`${'<b>'.repeat(33_000)}Hej med dig`);
    } catch (e) {
      err = e;
    }
    expect(isDa2enError(err, 'input')).toBe(true);
    expect((err as Error).message).toBe(`the HTML is nested too deeply (more than ${MAX_FRAGMENT_DEPTH} elements inside one another); send flatter markup`);
  });
});
