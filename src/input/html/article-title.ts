/**
 * The article's title among the page's <h1>s and Readability's title. The first <h1> of a page is
 * often the site's logo, outside the article; Readability's title (from <title>, og:title, …) is
 * the article's but may carry the site's name. An <h1> that matches Readability's title is the
 * headline as the page shows it, so it wins; then one Readability kept in the article (as a
 * heading), then one in <article>/<main>, then Readability's title. Readability drops an <h1> that
 * repeats its title from the article, so preferring its title to a stray <h1> never loses the headline.
 */
import type { ArticleBlock } from '../article.js';
import type { PageMetadata } from './page-metadata.js';

export function articleTitle(page: PageMetadata, readabilityTitle: string | null, body: readonly ArticleBlock[]): string {
  const title = normalize(readabilityTitle ?? '');
  const found =
    (title && page.headlines.find((h) => normalize(h) === title)) ||
    (title && page.headlines.find((h) => carriesHeadline(title, normalize(h)))) ||
    page.headlines.find((h) => body.some((b) => b.type === 'heading' && normalize(b.text) === normalize(h))) ||
    page.articleHeadline ||
    // A page whose only <h1> is the logo may set its headline as an <h2> at the article's top:
    // Readability keeps it, and its title ("Headline - Site") standing in for it showed the
    // headline twice, the second time as a heading.
    (title && body.slice(0, 3).find((b) => b.type === 'heading' && carriesHeadline(title, normalize(b.text)))?.text) ||
    readabilityTitle?.replace(/\s+/g, ' ').trim() ||
    page.headlines[0] ||
    page.pageTitle;
  return found ?? '';
}

function normalize(s: string): string {
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Whether `title` is the headline with something added ("Borgmester går af - Lokalavisen"): it
 * holds the headline, which is at least half of it (so the site's name alone never qualifies).
 */
function carriesHeadline(title: string, headline: string): boolean {
  return headline !== '' && title.includes(headline) && headline.length * 2 >= title.length;
}
