/**
 * Telling Windows-1252 from UTF-8 when nothing says which: the rule a text input's 'auto' decoding
 * uses (src/io/decode-text.ts) and a web page without a declared charset falls back to
 * (src/input/html/decode-html.ts), so both read the same bytes the same way, with the same notice.
 */
import { SETTING_WORDS } from './setting-words.js';

/** Bytes Windows-1252 leaves undefined: text that has them is not Windows-1252. */
function hasUndefinedCp1252(bytes: Uint8Array): boolean {
  return bytes.some((b) => b === 0x81 || b === 0x8d || b === 0x8f || b === 0x90 || b === 0x9d);
}

/**
 * Whether `bytes` hold a well-formed multi-byte UTF-8 sequence: then a bad byte is more likely
 * damage in a UTF-8 file than Windows-1252 text (where pairs like "Ã¸" are rare).
 */
function hasUtf8Multibyte(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0 || i + need >= bytes.length) continue;
    let ok = true;
    for (let k = 1; k <= need; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) ok = false;
    if (ok) return true;
  }
  return false;
}

/** How many bytes from the first non-ASCII byte `looksLikeCp1252` is shown (or all that is left). */
export const CP1252_WINDOW = 8192;

/**
 * The detection rule of 'auto'. `window`: the input's bytes from its first non-ASCII byte on, up
 * to CP1252_WINDOW of them (fewer only at the end of the input: then `final`). Everything before
 * that byte is ASCII, which reads the same in UTF-8 and Windows-1252, so nothing decoded before
 * the decision changes meaning after it. Windows-1252 when the window is not UTF-8, holds no
 * well-formed UTF-8 sequence at all (one would point to a damaged UTF-8 file) and no byte that
 * Windows-1252 leaves undefined.
 */
export function looksLikeCp1252(window: Uint8Array, final: boolean): boolean {
  return firstBadUtf8Byte(window, final) >= 0 && !hasUtf8Multibyte(window) && !hasUndefinedCp1252(window);
}

/** Said on stderr when 'auto' reads Windows-1252, so a wrong guess is seen (the CLI says --encoding: `cliNotice`). */
export const CP1252_NOTICE = `not valid UTF-8: read as Windows-1252 (${SETTING_WORDS.otherEncoding})`;

/**
 * Offset of the first byte of the first ill-formed UTF-8 sequence in `bytes` (its lead byte when
 * the sequence is cut short), or -1 when there is none. With `final` false, a sequence cut by the
 * end of `bytes` is not an error. `bytes` must start at a sequence boundary.
 */
export function firstBadUtf8Byte(bytes: Uint8Array, final: boolean): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return final ? i : -1;
      const c = bytes[i + k]!;
      if (c < lo || c > hi) return i;
      lo = 0x80;
      hi = 0xbf;
    }
    i += need + 1;
  }
  return -1;
}


/** Whether a whole input in memory reads as Windows-1252 by `looksLikeCp1252` (false for ASCII). */
export function wholeLooksLikeCp1252(bytes: Uint8Array): boolean {
  const first = bytes.findIndex((b) => b >= 0x80);
  return first >= 0 && looksLikeCp1252(bytes.subarray(first, first + CP1252_WINDOW), bytes.length - first <= CP1252_WINDOW);
}
