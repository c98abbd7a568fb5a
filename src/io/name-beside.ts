/**
 * Names for what da2en makes beside a file or folder of its own name (a temporary file, the old
 * file kept aside, a model folder being converted): the other's name with a prefix and a suffix.
 * Most file systems refuse a name over 255 bytes, and a copied name near that limit plus the suffix
 * would pass it although the final name fits; so the copy is shortened, in bytes (UTF-8, as Node
 * hands names to the system) and never within a character. Names well under the limit are kept
 * whole: those other code recognises (output-folder.ts, code-cache.ts) stay as they are.
 */
import path from 'node:path';

/** The longest name (one path component) most file systems accept (ext4, XFS, Btrfs, APFS): NAME_MAX. */
const NAME_MAX_BYTES = 255;

const encoder = new TextEncoder();

/** The longest start of `text` that takes at most `maxBytes` bytes in UTF-8. */
function fitBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  // encodeInto writes whole characters only (a surrogate pair is one), and says how much of `text` it took.
  const { read } = encoder.encodeInto(text, new Uint8Array(Math.max(0, maxBytes)));
  return text.slice(0, read);
}

/** `<folder of file>/<prefix><name of file><suffix>`, the name shortened so that the whole fits in 255 bytes. */
export function nameBeside(file: string, suffix: string, prefix = ''): string {
  const room = NAME_MAX_BYTES - Buffer.byteLength(prefix + suffix, 'utf8');
  return path.join(path.dirname(file), prefix + fitBytes(path.basename(file), room) + suffix);
}
