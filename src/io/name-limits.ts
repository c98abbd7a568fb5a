/**
 * How long a file's name and path may be, measured as the system measures them: in bytes of UTF-8,
 * as Node hands paths to the system.
 */

/** The longest name (one path component) most file systems accept (ext4, XFS, Btrfs, APFS): NAME_MAX. */
export const NAME_MAX_BYTES = 255;

/** The longest path the system takes, its closing NUL included (Linux's PATH_MAX). */
export const PATH_MAX_BYTES = 4096;

const encoder = new TextEncoder();

/** The longest start of `text` that takes at most `maxBytes` bytes in UTF-8, never cut within a character. */
export function fitBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  // encodeInto writes whole characters only (a surrogate pair is one), and says how much of `text` it took.
  const { read } = encoder.encodeInto(text, new Uint8Array(Math.max(0, maxBytes)));
  return text.slice(0, read);
}

/**
 * Whether the system would refuse `file` as too long (ENAMETOOLONG): a part of it over 255 bytes, or
 * the whole over 4095. Measured here because the system looks at a name only once it gets to it: a
 * name under a folder still to be made would be found too long only once the work was done.
 */
export function isNameTooLong(file: string): boolean {
  if (Buffer.byteLength(file, 'utf8') >= PATH_MAX_BYTES) return true;
  return file.split('/').some((part) => Buffer.byteLength(part, 'utf8') > NAME_MAX_BYTES);
}
