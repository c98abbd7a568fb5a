/**
 * What a page says about itself beyond Readability's own findings: its visible headlines, and a
 * published date from the places Danish sites put it (<meta name="date">, Dublin Core,
 * itemprop, <time datetime>), read before Readability rewrites the document.
 */
import { visibleText, type DomDocument } from './dom.js';

export interface PageMetadata {
  /** The <title> element's text. */
  pageTitle?: string;
  /** The text of every <h1> in the page, in document order (a site's logo can be one). */
  headlines: string[];
  /** The first <h1> inside the page's <article> or <main>. */
  articleHeadline?: string;
  published?: string;
  lang?: string;
}

const DATE_SELECTORS = [
  'meta[property="article:published_time"]',
  'meta[itemprop="datePublished"]',
  'meta[name="dcterms.date"]',
  'meta[name="DC.date"]',
  'meta[name="dc.date"]',
  'meta[name="date"]',
  'meta[name="pubdate"]',
];

export function readPageMetadata(doc: DomDocument): PageMetadata {
  // A script inside a headline is not part of it (its code would become the title).
  const out: PageMetadata = { headlines: Array.from(doc.querySelectorAll('h1'), (h1) => clean(visibleText(h1))).filter((h) => h !== '') };
  const title = clean(doc.querySelector('title')?.textContent);
  if (title) out.pageTitle = title;
  const h1 = doc.querySelector('article h1') ?? doc.querySelector('main h1');
  const articleHeadline = clean(h1 ? visibleText(h1) : '');
  if (articleHeadline) out.articleHeadline = articleHeadline;
  for (const selector of DATE_SELECTORS) {
    const value = clean(doc.querySelector(selector)?.getAttribute('content'));
    if (value) {
      out.published = value;
      break;
    }
  }
  if (!out.published) {
    const time = clean(doc.querySelector('article time[datetime]')?.getAttribute('datetime') ?? doc.querySelector('time[datetime]')?.getAttribute('datetime'));
    if (time) out.published = time;
  }
  const lang = clean(doc.documentElement?.getAttribute('lang'));
  if (lang) out.lang = lang;
  return out;
}

function clean(s: string | null | undefined): string {
  return (s ?? '').replace(/\s+/g, ' ').trim();
}
