/**
 * A decode error says what is wrong apart from the CLI's advice after it ("; pass --encoding
 * cp1252"), so a front end whose users have no such option (the server's clients) words its own
 * way out from the error's data instead of cutting the message up.
 */
import { describe, expect, it } from 'vitest';
import { decodeBytes, DecodeError, notTextError } from '../../src/io/decode-text.js';

describe('DecodeError.problem', () => {
  it('is the message without its advice; the message is as the CLI says it', async () => {
    const bad = await decodeBytes(new Uint8Array([...Buffer.from('Hej med dig ø'), 0xe6, 0x20]), 'utf8').catch((err: unknown) => err);
    expect(bad).toBeInstanceOf(DecodeError);
    expect((bad as DecodeError).problem).toBe('is not valid UTF-8 (first bad byte at offset 14)');
    expect((bad as DecodeError).message).toMatch(/^is not valid UTF-8 \(first bad byte at offset 14\); .*cp1252$/);

    const utf16 = notTextError(Buffer.from('Hej med dig, det regner i dag.', 'utf16le'));
    expect(utf16?.problem).toBe('looks like UTF-16LE text without a byte order mark');
    expect(utf16?.message).toMatch(/^looks like UTF-16LE text without a byte order mark; .*utf16le$/);
  });

  it('is the whole message where there is no advice', () => {
    const png = notTextError(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    expect(png?.problem).toBe('looks like a PNG image, not a text file');
    expect(png?.problem).toBe(png?.message);
  });
});
