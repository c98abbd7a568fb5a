/**
 * NUL characters (U+0000) are never text: a stray one from a broken export would reach every
 * output and the model. Every input loses them before it is read as paragraphs or as markup (the
 * paragraph splitter, src/segmentation/paragraphs.ts; the Markdown and web page readers), whatever
 * the entry point, and the reader's note says how many. Shared by segmentation and the readers.
 */

export function removeNuls(text: string): { text: string; removed: number } {
  if (!text.includes('\u0000')) return { text, removed: 0 };
  const parts = text.split('\u0000');
  return { text: parts.join(''), removed: parts.length - 1 };
}

/** What a reader tells the user about the NULs it removed. */
export function nulsRemovedNote(removed: number): string {
  return `removed ${removed} NUL character(s)`;
}
