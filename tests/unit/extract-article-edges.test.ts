/**
 * Pages at the edges of what extraction reads: text a browser never shows, link targets of a
 * saved page, pages that are only links.
 */
import { describe, expect, it } from 'vitest';
import { extractArticle, NoArticleError } from '../../src/input/index.js';

const TEXT = 'Kommunen bygger en ny skole i Aarhus. Den åbner i 2027 med plads til 400 elever og 30 lærere. '.repeat(3).trim();

const articlePage = (inner: string) =>
  `<!DOCTYPE html><html><head><title>Skolen</title></head><body><article><h1>Ny skole i Aarhus</h1><p>${TEXT}</p>${inner}</article></body></html>`;

describe('text a browser never shows', () => {
  it('<noembed> and <noframes> are left out, as <iframe>, <template> and <noscript> are', () => {
    const article = extractArticle(
      articlePage(`<p>Sidste afsnit. <noembed>NOEMBED_T</noembed><noframes>NOFRAMES_T</noframes><iframe>IFRAME_T</iframe><template>TEMPLATE_T</template></p><noembed><p>NOEMBED_P</p></noembed><noframes><p>NOFRAMES_P</p></noframes>`),
    );
    expect(article.blocks.map((b) => b.text)).toEqual(['Ny skole i Aarhus', TEXT, 'Sidste afsnit.']);
  });

  it('nor are they part of the title', () => {
    const page = articlePage('').replace('<h1>Ny skole i Aarhus</h1>', '<h1>Ny skole i Aarhus<noembed> NOEMBED_H</noembed><noframes> NOFRAMES_H</noframes><iframe> IFRAME_H</iframe></h1>');
    expect(extractArticle(page).blocks.map((b) => b.text)).toEqual(['Ny skole i Aarhus', TEXT]);
  });
});

describe('a whole page read as text (--input-format text on a URL) is its visible text', () => {
  const whole = (html: string) => extractArticle(html, { url: 'https://nyheder.example.dk/', wholePage: true }).blocks.map((b) => b.text);

  it('a page without one tag has its character references read, as with a tag around it', () => {
    const text = 'Tom &amp; Jerry &aelig;der k&oslash;d &#248;l &#x3c;b&#x3e;\n\nAnden &quot;del&quot;<!-- skjult -->, 5 &lt; 7';
    const expected = ['Tom & Jerry æder kød øl <b>', 'Anden "del", 5 < 7'];
    expect(whole(text)).toEqual(expected);
    expect(whole(text.split('\n\n').map((p) => `<p>${p}</p>`).join(''))).toEqual(expected);
  });

  it('what the page hides is left out, as the article path leaves it out', () => {
    const hidden = [
      '<p hidden>HIDDEN</p>',
      '<p aria-hidden="true">ARIA</p>',
      '<div style="display:none">NONE</div>',
      '<div style="color: red; DISPLAY : None !important">NONE2</div>',
      '<div style="visibility:hidden">INVISIBLE</div>',
      '<dialog>DIALOG</dialog>',
      '<template><p>TEMPLATE</p></template>',
      '<title>BODYTITLE</title>',
      '<p>Med <span hidden>SPAN</span>skjult ord.</p>',
    ].join('');
    const html = `<!doctype html><html><head><title>Forside</title></head><body><h1>Forsiden</h1><p>Synlig tekst.</p>${hidden}<dialog open>Åben dialog.</dialog><div style="display: block">Blok.</div><details><summary>Mere</summary>Detaljer.</details></body></html>`;
    expect(whole(html)).toEqual(['Forsiden', 'Synlig tekst.', 'Med skjult ord.', 'Åben dialog.', 'Blok.', 'Mere', 'Detaljer.']);
    // The article path: Readability drops most of these, the rest are dropped as here.
    const article = articlePage(hidden);
    expect(extractArticle(article).blocks.map((b) => b.text)).toEqual(['Ny skole i Aarhus', TEXT, 'Med skjult ord.']);
  });
});

describe('link targets of a saved page (no URL to resolve them against)', () => {
  const links = (html: string, url?: string) => extractArticle(html, url ? { url } : {}).blocks.flatMap((b) => b.links ?? []);

  it('relative ones are kept as written; with the page URL or a <base> they are resolved', () => {
    const html = articlePage('<p>Læs <a href="andre/side.html">mere her</a>, på <a href="/forside">forsiden</a> og <a href="https://example.dk/x">der</a>.</p>');
    expect(links(html)).toEqual([
      { text: 'mere her', href: 'andre/side.html' },
      { text: 'forsiden', href: '/forside' },
      { text: 'der', href: 'https://example.dk/x' },
    ]);
    expect(links(html, 'https://kbh.example.dk/a/b.html').map((l) => l.href)).toEqual(['https://kbh.example.dk/a/andre/side.html', 'https://kbh.example.dk/forside', 'https://example.dk/x']);
    expect(links(html.replace('<head>', '<head><base href="https://kbh.example.dk/a/">')).map((l) => l.href)).toEqual(['https://kbh.example.dk/a/andre/side.html', 'https://kbh.example.dk/forside', 'https://example.dk/x']);
  });

  it('scripts, data and other schemes are still dropped, however they are spelled', () => {
    const hrefs = ['javascript:alert(1)', ' JavaScript:alert(2)', 'java\tscript:alert(3)', 'java&#10;script:alert(4)', 'data:text/html,<script>alert(5)</script>', 'vbscript:msgbox(6)', 'file:///etc/passwd', '\u0001javascript:alert(7)', '//andet.example/x', '#top', ' #top'];
    const html = articlePage(`<p>${hrefs.map((h, i) => `<a href="${h.replace(/"/g, '&quot;')}">link ${i}</a>`).join(' ')} og <a href="ok.html">den gode</a>.</p>`);
    expect(links(html)).toEqual([{ text: 'den gode', href: 'ok.html' }]);
  });
});

describe('a page that is only links is not an article (exit 7)', () => {
  it('navigation alone, or a front page of teasers (headline links with a short summary each)', () => {
    const nav = `<!doctype html><html><head><title>Forside</title></head><body><nav><ul>${Array.from({ length: 12 }, (_, i) => `<li><a href="/a${i}">Nyhed nummer ${i} om noget</a></li>`).join('')}</ul></nav></body></html>`;
    const teasers = `<!doctype html><html><head><title>Nyheder - Forsiden</title></head><body><header><a href="/">Logo</a></header><main>${Array.from(
      { length: 12 },
      (_, i) => `<div class="teaser"><h2><a href="/artikel/${i}">Overskrift nummer ${i} om et vigtigt emne i dag</a></h2><p>Kort resumé af historien nummer ${i}.</p></div>`,
    ).join('')}</main><footer>Kontakt</footer></body></html>`;
    for (const html of [nav, teasers]) expect(() => extractArticle(html, { inputName: 'forside.html' })).toThrow(NoArticleError);
  });

  it('an article with many links in its text, or a table of contents, is still an article', () => {
    const linked = TEXT.split('. ').map((s) => `<a href="/emne">${s.slice(0, 20)}</a>${s.slice(20)}. `).join('');
    const toc = `<ul>${['Baggrund', 'Økonomi', 'Tidsplan', 'Kritik', 'Reaktioner'].map((t, i) => `<li><a href="#afsnit-${i}">${t}</a></li>`).join('')}</ul>`;
    for (const inner of [`<p>${linked}</p><p>${linked}</p>`, `${toc}<p>${TEXT}</p>`]) {
      expect(extractArticle(articlePage(inner)).blocks.length).toBeGreaterThan(2);
    }
  });

  describe('a short article followed by a list of links ("Læs også", "Mest læste") is still an article', () => {
    const BRIEF = [
      'Efter en nat med spejlglatte veje i Nordjylland melder politiet om en helt problemfri morgen.',
      'Selvom politikredsene melder om en rolig nat uden større uheld, kan bilister, der skal af sted lørdag morgen, godt forvente lidt længere rejsetid.',
      'Der er nemlig stadig glatte veje, og der er faldet en del sne i Nordjylland.',
      'Saltvogne og sneplove har allerede været på vejene, og politiet opfordrer fortsat bilisterne til at køre forsigtigt på de snefyldte veje.',
    ];
    const HEADLINES = Array.from({ length: 12 }, (_, i) => `Overskrift nummer ${i} om et vigtigt emne fra hele landet i dag`);
    const briefWith = (list: string) => `<!doctype html><html lang="da"><body><article><h1>Glatte veje i Nordjylland</h1>${BRIEF.map((p) => `<p>${p}</p>`).join('')}${list}</article></body></html>`;
    const items = HEADLINES.map((h, i) => `<li><a href="/nyheder/${i}">${h}</a></li>`).join('');

    it.each([
      ['<ul>', `<h2>Læs også</h2><ul>${items}</ul>`],
      ['<ol>', `<h2>Mest læste</h2><ol>${items}</ol>`],
      ['nested', `<h2>Læs også</h2><ul><li>Indland<ul>${items}</ul></li></ul>`],
    ])('%s', (_, list) => {
      const html = briefWith(list);
      const texts = extractArticle(html).blocks.map((b) => b.text);
      // The list stays in the article; it only does not count as the article's own text.
      expect(texts.slice(0, 5)).toEqual(['Glatte veje i Nordjylland', ...BRIEF]);
      expect(texts).toContain(HEADLINES[11]);
    });

    it('but a list of links with a line or two of text is not', () => {
      const html = `<!doctype html><html><body><article><h1>Forside</h1><p>Dagens vigtigste nyheder.</p><ul>${items}</ul><ol>${items}</ol></article></body></html>`;
      expect(() => extractArticle(html)).toThrow(NoArticleError);
    });
  });

  it('an <a> without href (a named anchor) is no link: an article wrapped in one is an article', () => {
    const page = `<!doctype html><html><body><article><h1>Ny skole i Aarhus</h1><p><a id="a1">${TEXT}</a></p><p><a name="mere">${TEXT}</a></p></article></body></html>`;
    expect(extractArticle(page).blocks.map((b) => b.text)).toEqual(['Ny skole i Aarhus', TEXT, TEXT]);
  });
});
