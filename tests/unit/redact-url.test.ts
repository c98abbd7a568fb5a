/** URLs as messages and outputs name them: credentials hidden, anything else exactly as given. */
import { describe, expect, it } from 'vitest';
import { redactedUrlError, redactUrl, withoutCredentials } from '../../src/input/fetch/redact-url.js';
import { shownInput } from '../../src/input/input-format.js';

describe('redactUrl', () => {
  it('hides a password, and a user name standing alone (where a token goes)', () => {
    expect(redactUrl('http://user:pw@host/x')).toBe('http://user:***@host/x');
    expect(redactUrl('https://ghp_token123@host/a?b=1#c')).toBe('https://***@host/a?b=1#c');
    expect(redactUrl('https://us%40er:p%3Aw%40d@host:8080/x')).toBe('https://us%40er:***@host:8080/x');
    expect(redactUrl('http://user:@host/')).toBe('http://***@host/');
  });

  it('hides them in what the URL parser refuses too, up to the last @ of the authority', () => {
    expect(redactUrl('http://user:pw@')).toBe('http://***@');
    expect(redactUrl('http://user:p@w@host:99999/x')).toBe('http://***@host:99999/x');
    // A password with an unencoded #, / or ? ends the authority early, so the parser refuses it.
    for (const cut of ['#', '/', '?']) {
      expect(redactUrl(`http://admin:Pa${cut}ss123@127.0.0.1:18431/x`)).toBe('http://***@127.0.0.1:18431/x');
    }
    expect(redactUrl('http://admin:Pa/ss@w0rd@host/x')).toBe('http://***@host/x');
  });

  it('hides a fragment holding an @, what is left of such a password where the rest parses', () => {
    expect(redactUrl('http://admin:12#secret@host/')).toBe('http://admin:12/#***');
    expect(redactUrl('http://user:pw@host/x#a@b')).toBe('http://user:***@host/x#***');
    expect(redactUrl('http://host/x#section-2')).toBe('http://host/x#section-2');
  });

  it('leaves a URL with no credentials exactly as written', () => {
    for (const url of ['http://HOST/a b', 'https://example.com', 'not a url', 'http://host/a@b', 'http://host/?to=me@example.com']) {
      expect(redactUrl(url)).toBe(url);
    }
  });
});

describe('redactedUrlError', () => {
  it("is the URL parser's error naming its input and base redacted", () => {
    const caught = (input: string, base?: string): unknown => {
      try {
        new URL(input, base);
      } catch (err) {
        return err;
      }
      throw new Error(`${input} parsed`);
    };
    const err = redactedUrlError(caught('http://al:PW@host:99999/x')) as TypeError & { code?: string; input?: string };
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toMatchObject({ code: 'ERR_INVALID_URL', input: 'http://***@host:99999/x' });
    expect(redactedUrlError(caught('http://[bad', 'http://al:PW2@host/'))).toMatchObject({ input: 'http://[bad', base: 'http://al:***@host/' });
  });

  it('leaves any other error as it is', () => {
    const other = new Error('x');
    expect(redactedUrlError(other)).toBe(other);
  });
});

describe('withoutCredentials', () => {
  it('drops them altogether (a link base: a *** password would fail)', () => {
    expect(withoutCredentials('http://user:pw@host/x')).toBe('http://host/x');
    expect(withoutCredentials('http://HOST/x')).toBe('http://HOST/x');
  });
});

describe('shownInput', () => {
  it('redacts URL inputs only: a file name is never taken for one', () => {
    expect(shownInput('https://user:pw@host/x')).toBe('https://user:***@host/x');
    expect(shownInput('user:pw@notes.txt')).toBe('user:pw@notes.txt');
  });
});
