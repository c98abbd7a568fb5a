/**
 * Pages at the edges of what extraction reads: text a browser never shows, link targets of a
 * saved page, pages that are only links.
 */
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../src/input/index.js';

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
