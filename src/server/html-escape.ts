/** Text and attribute values as the HTML standard's serialiser writes them (./html-fragment.ts). */

/** `>` too: it ends nothing in text, but parsers that are not the standard's may read it otherwise. */
export const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `<` and `>` too, as browsers now write them: a value read as raw text can then end nothing. */
export const escapeAttribute = (s: string): string => escapeText(s).replace(/"/g, '&quot;');
