/**
 * /translate's `format: "html"` fragments, split and written back (src/server/html-fragment.ts).
 * Inertness is checked as a browser would see it, without one: the output is read back with parse5
 * (the HTML standard's parser, as innerHTML reads it) and must hold no element and no on* attribute
 * that the input, read the same way, did not have; also where the model's translation is itself
 * markup. The vectors are the ones that turned linkedom's innerHTML into a live <img onerror>, the
 * ones once refused because linkedom read them differently from browsers, and well-known mutation
 * XSS vectors (DOMPurify's bypasses among them).
 */
import { defaultTreeAdapter, html as spec, parseFragment, type DefaultTreeAdapterTypes as P5 } from 'parse5';
import { describe, expect, it } from 'vitest';
import { isDa2enError } from '../../src/errors.js';
import { escapeText } from '../../src/server/html-escape.js';
import { fragmentTemplate, MAX_FRAGMENT_DEPTH } from '../../src/server/html-fragment.js';

const MARKUP_TRANSLATION = () => '<img src=x onerror=alert(1)>';

/** The fragment written back, each text through `translate` (the identity: as it was). */
function rewrite(html: string, translate: (text: string) => string = (t) => t): string {
  const { markup, texts } = fragmentTemplate(html);
  return markup.reduce((out, m, i) => out + (i > 0 ? escapeText(translate(texts[i - 1]!)) : '') + m, '');
}

/** Every element (namespace and name) and on* attribute a browser builds from `html` set as innerHTML. */
function liveParts(html: string, scriptingEnabled = true): string[] {
  const body = defaultTreeAdapter.createElement('body', spec.NS.HTML, []);
  const found: string[] = [];
  const todo: P5.ChildNode[] = [...parseFragment(body, html, { scriptingEnabled }).childNodes];
  for (let n = todo.pop(); n; n = todo.pop()) {
    if (!defaultTreeAdapter.isElementNode(n)) continue;
    found.push(`<${n.namespaceURI === spec.NS.HTML ? '' : `${n.namespaceURI} `}${n.tagName}>`);
    for (const a of n.attrs) if (/^on/i.test(a.name)) found.push(`${n.tagName} ${a.name}`);
    todo.push(...(n.tagName === 'template' ? (n as P5.Template).content : n).childNodes);
  }
  return found;
}

/** What `output` has live that `input` had not (as many times as it had). */
function newLiveParts(input: string, output: string, scriptingEnabled = true): string[] {
  const had = liveParts(input, scriptingEnabled);
  return liveParts(output, scriptingEnabled).filter((p) => {
    const i = had.indexOf(p);
    if (i >= 0) had.splice(i, 1);
    return i < 0;
  });
}

/** Inert (nothing new runs) with the identity and with a translation that is markup, or refused in one line. */
function expectInert(html: string): string | undefined {
  let out: string;
  try {
    out = rewrite(html);
  } catch (err) {
    expect(isDa2enError(err, 'input')).toBe(true);
    expect((err as Error).message).toMatch(/^this HTML cannot be translated safely: [^\n]*; send well-formed markup$/);
    return undefined;
  }
  expect(newLiveParts(html, out)).toEqual([]);
  // Read with scripting off too (DOMParser, as sanitisers do), where the input is inert to a browser: <noscript> holds markup then.
  if (!liveParts(html).some((p) => / on/.test(p))) expect(newLiveParts(html, out, false)).toEqual([]);
  expect(newLiveParts(html, rewrite(html, MARKUP_TRANSLATION))).toEqual([]);
  return out;
}

const NOTHING_RUNS: string[] = [];
const P = '&lt;img src=x onerror=alert(1)&gt;';
/** Inert in a browser; linkedom's innerHTML made each a live <img onerror>. */
const LINKEDOM_VECTORS = [
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
  '<noscript><b><noscript></b><img src=x onerror=alert(1)>',
  '<iframe><iframe></b><img src=x onerror=alert(1)>',
  '<svg><foreignObject><noscript><b><noscript></b><img src=x onerror=alert(1)>',
  '<p>Hej <!-- a --!> b --> med dig</p>',
];
/** Refused while linkedom parsed fragments (it ended these early where browsers read on); inert to the standard's parser. */
const ONCE_REFUSED = [
  '<p>Hej</p title="><img src=x onerror=alert(1)>">',
  '<svg><style><a title="</style><img src=x onerror=alert(1)>"></style></svg>',
  '<select><style><a title="</style><input autofocus onfocus=alert(1)>"></style></select>',
  '<script><!--<script></script><img src=x onerror=alert(1)></script>',
];
/** Mutation XSS vectors from sanitiser bypasses (DOMPurify's among them) and their variants. */
const MXSS_VECTORS = [
  '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;">',
  '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>',
  '<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title="</style><img src onerror=alert(1)>"></style></h1>',
  '<math><mtext><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=alert(1) src=1>">',
  '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
  '<svg><p><style><a id="</style><img src=1 onerror=alert(1)>">',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<noscript><style></noscript><img src=x onerror=alert(1)></style></noscript>',
  '<svg><![CDATA[</svg><img src=x onerror=alert(1)>]]></svg>',
  '<svg><style><!--</style><img src=x onerror=alert(1)>--></style></svg>',
  '<math><annotation-xml encoding="text/html"><style><img src=x onerror=alert(1)></style></annotation-xml></math>',
  '<svg><annotation-xml><foreignobject><style><!--</style><p id="--><img src=x onerror=alert(1)>">',
  '<math><mi><mglyph><style><img src=x onerror=alert(1)></style></mglyph></mi></math>',
  '<math><malignmark><style><img src=x onerror=alert(1)></style></malignmark></math>',
  '<svg><title><style><img src=x onerror=alert(1)></style></title></svg>',
  '<table><svg><desc><style><img src=x onerror=alert(1)></style></desc></svg></table>',
  '<table><style><img src=x onerror=alert(1)></style><td>Hej</td></table>',
  '<select><template><style><img src=x onerror=alert(1)></style></template></select>',
  '<select><iframe><img src=x onerror=alert(1)></iframe></select>',
  '<!--><p title="--><img src=x onerror=alert(1)>">',
  '<!-- a --!><img src=x onerror=alert(1)> -->',
  '<a title="<!--"></a><img src=x title="--><img src=x onerror=alert(1)>">',
  '<p title="</p><img src=x onerror=alert(1)>">Hej</p>',
  '<xmp><p title="</xmp><img src=x onerror=alert(1)>">',
  '<table><plaintext>Hej',
  `${'<div>'.repeat(MAX_FRAGMENT_DEPTH - 2)}<svg><style>${P}</style></svg>`,
];

describe('format html: nothing inert in the input runs in the output (mutation XSS)', () => {
  it.each([...LINKEDOM_VECTORS, ...MXSS_VECTORS])('%s', (html) => {
    expectInert(html);
  });

  it.each(ONCE_REFUSED)('once refused, now written back inert: %s', (html) => {
    const out = expectInert(html);
    expect(out).toBeDefined();
    expect(liveParts(out!).filter((p) => / on/.test(p) || p === '<img>' || p === '<input>')).toEqual(NOTHING_RUNS);
  });

  it('the reported outputs: <title> text and attribute values escaped, <svg><style> text escaped (entities decode there)', () => {
    expect(rewrite(`<p>Hej <title>med dig &lt;/title&gt;${P}</title></p>`)).toBe(`<p>Hej <title>med dig &lt;/title&gt;${P}</title></p>`);
    expect(rewrite(`<noscript><p title="&lt;/noscript&gt;${P}"></p></noscript>`)).toBe(`<noscript><p title="&lt;/noscript&gt;${P}"></p></noscript>`);
    expect(rewrite(`<svg><style>${P}</style></svg>`)).toBe(`<svg><style>${P}</style></svg>`);
  });

  it("markup in an <svg> <style> is markup: written back as such, the attribute's < and > escaped", () => {
    expect(rewrite('<svg><style><a title="</style><img src=x onerror=alert(1)>"></style></svg>')).toBe(
      '<svg><style><a title="&lt;/style&gt;&lt;img src=x onerror=alert(1)&gt;"></a></style></svg>',
    );
  });

  it('raw text inside <svg>/<math> (under an HTML integration point) is written with its < escaped', () => {
    expect(rewrite('<math><annotation-xml encoding="text/html"><style>a<b</style></annotation-xml></math>')).toBe(
      '<math><annotation-xml encoding="text/html"><style>a&lt;b</style></annotation-xml></math>',
    );
  });

  it('a tree the standard cannot read back from its own markup (a <form> in a <form>) is refused in one line', () => {
    let err: unknown;
    try {
      rewrite('<form><div></form><form><p>Hej</p></div></form>');
    } catch (e) {
      err = e;
    }
    expect(isDa2enError(err, 'input')).toBe(true);
    expect((err as Error).message).toBe(
      'this HTML cannot be translated safely: browsers would read it back as different markup (as with a <form> inside a <form>); send well-formed markup',
    );
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

  it('a script holding its own end tag (inside <!--<script>) is written with its < escaped', () => {
    expect(rewrite('<script><!--<script></script>x</script>')).toBe('<script>&lt;!--&lt;script>&lt;/script>x</script>');
  });
});

describe('format html: ordinary markup round-trips', () => {
  it.each([
    '<p class="lead">Det regner <b>i dag</b>.</p><ul><li>Ja.</li></ul><script>var hej = 1;</script>',
    '<p>Hej <a href="https://example.dk/?a=1&amp;b=2" title="&quot;citat&quot;">med dig</a> &amp; &lt;dig&gt;</p>',
    '<!-- en kommentar --><p>Hej<br>med<img src="a.png" alt="et billede"> dig</p>',
    '<svg viewBox="0 0 10 10"><title>Hej</title><path d="M0 0"></path><a xlink:href="#a"></a></svg><math><mi>x</mi></math>',
    '<table><tbody><tr><td>Hej</td></tr></tbody></table><pre><code>x &lt; y</code></pre>',
  ])('%s', (html) => {
    expect(rewrite(html)).toBe(html);
    // Written back again: the same.
    expect(rewrite(rewrite(html))).toBe(html);
  });

  it('markup is written back as browsers read it (a <table> gets its <tbody>, misnested tags are closed)', () => {
    expect(rewrite('<table><tr><td>Hej</td></tr></table>')).toBe('<table><tbody><tr><td>Hej</td></tr></tbody></table>');
    expect(rewrite('<b><p>Hej</b> med dig</p>')).toBe('<b></b><p><b>Hej</b> med dig</p>');
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
