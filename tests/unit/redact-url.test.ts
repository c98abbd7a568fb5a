/** URLs as messages and outputs name them: credentials hidden, anything else exactly as given. */
import { describe, expect, it } from 'vitest';
import { redactUrl, withoutCredentials } from '../../src/input/fetch/redact-url.js';
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
  });

  it('leaves a URL with no credentials exactly as written', () => {
    for (const url of ['http://HOST/a b', 'https://example.com', 'not a url', 'http://host/a@b', 'http://host/?to=me@example.com']) {
      expect(redactUrl(url)).toBe(url);
    }
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
