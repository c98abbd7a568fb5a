/** Escaping text for Markdown (see markdown.ts for what each escape is for). */

export function escapeMarkdownInline(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[`*_[\]~$|]/g, (c) => `\\${c}`);
}

export function escapeMarkdownCell(text: string): string {
  return text
    .split(/\r\n?|\n/)
    .map((line) => escapeMarkdownInline(line.replace(/\s+/g, ' ').trim()))
    .filter((line, i, all) => line !== '' || (i > 0 && i < all.length - 1))
    .join('<br>');
}

