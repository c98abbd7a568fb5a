/** Escaping text for Markdown (see markdown.ts for what each escape is for). */

function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[`*_[\]~$|]/g, (c) => `\\${c}`);
}

/** What every link GFM finds in bare text holds. */
const LINK_MARK = /:\/\/|www\.|@/i;

/** Where a link GFM finds in bare text could start in `word` (a scheme before "://", "www.", an e-mail address), or -1. */
function linkStart(word: string): number {
  const starts = [/[a-z][a-z0-9+.-]*:\/\//i, /www\./i, /[a-z0-9._+-]*@/i].map((re) => word.search(re)).filter((i) => i >= 0);
  return starts.length === 0 ? -1 : Math.min(...starts);
}

/** One piece of text without white space, escaped; `escapedAfter`: an escape will follow it directly. */
function escapeWord(word: string, escapedAfter = false): string {
  const escaped = escapeText(word);
  if (!LINK_MARK.test(word)) return escaped;
  // GFM shows a bare URL or e-mail address it links (`https://…`, `www.…`, `a@b.dk`) as written,
  // escapes and all ("…/Niels\_Bohr", "?a=1&amp;b=2", on GitHub as in micromark), and an escape or a
  // hard line break's backslash right after it too. Such a link is kept from forming: the word's
  // "://", "www." and "@" are escaped as well.
  const start = linkStart(word);
  if (start < 0) return escaped;
  const link = word.slice(start);
  if (!escapedAfter && escapeText(link) === link) return escaped;
  return escaped.replace(/:(?=\/\/)/g, '\\:').replace(/(www)\./gi, '$1\\.').replace(/@/g, '\\@');
}

/**
 * Text escaped for Markdown's inline content. `escapedAfter`: the caller writes a backslash right
 * after the text (an escape, a hard line break), which a link at its end would take in.
 */
export function escapeMarkdownInline(text: string, escapedAfter = false): string {
  if (!LINK_MARK.test(text)) return escapeText(text);
  // Split at ASCII white space only: a link runs on over any other kind, so the word does too.
  const parts = text.split(/([\t\n\r ]+)/);
  return parts.map((part, i) => (i % 2 === 1 ? part : escapeWord(part, escapedAfter && i === parts.length - 1))).join('');
}

export function escapeMarkdownCell(text: string): string {
  return text
    .split(/\r\n?|\n/)
    .map((line) => escapeMarkdownInline(line.replace(/\s+/g, ' ').trim()))
    .filter((line, i, all) => line !== '' || (i > 0 && i < all.length - 1))
    .join('<br>');
}
