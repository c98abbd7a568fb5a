/**
 * Names for what da2en makes beside a file or folder of its own name (a temporary file, the old
 * file kept aside, a model folder being converted): the other's name with a prefix and a suffix.
 * Most file systems refuse a name over 255 bytes, and a copied name near that limit plus the suffix
 * would pass it although the final name fits; so the copy is shortened, in bytes (UTF-8, as Node
 * hands names to the system) and never within a character. Names well under the limit are kept
 * whole: those other code recognises (output-folder.ts, code-cache.ts) stay as they are.
 */
import path from 'node:path';
import { NAME_MAX_BYTES, fitBytes } from './name-limits.js';

/** `<folder of file>/<prefix><name of file><suffix>`, the name shortened so that the whole fits in 255 bytes. */
export function nameBeside(file: string, suffix: string, prefix = ''): string {
  const room = NAME_MAX_BYTES - Buffer.byteLength(prefix + suffix, 'utf8');
  return path.join(path.dirname(file), prefix + fitBytes(path.basename(file), room) + suffix);
}
