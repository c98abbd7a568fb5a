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
