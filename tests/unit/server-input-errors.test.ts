/**
 * The refusal of a page with no charset whose bytes are not UTF-8 is said to an API client and, the
 * same line, on the reading page (GET /), whose user has an encoding choice and a text box but no
 * html field: its advice names the encoding first, then what each of them can send. Was: "… or send
 * the page's text, decoded, in the "html" field", a way out the page's user does not have.
 */
import { describe, expect, it } from 'vitest';
import { UndecodablePageError } from '../../src/input/errors.js';
import { inputHttpError } from '../../src/server/input-errors.js';

describe('a URL page that is not UTF-8 and declares no charset', () => {
  const url = 'https://nyheder.example/skadet';
  const http = inputHttpError(new UndecodablePageError(url, 21), { url });

  it('is a 400 of one line that names the encoding field, then the reading page\'s choice, then the text field (pasted on the page), then the html field', () => {
    expect(http.status).toBe(400);
    expect(http.message).toBe(
      `${url}: not valid UTF-8 and no charset declared (first bad byte at offset 21); if it is Windows-1252 (or Latin-1), set the "encoding" field to cp1252 (on the reading page: the encoding choice), or send its text decoded: the article in the "text" field (on the reading page: paste it) or the page in the "html" field`,
    );
    const at = (words: string) => http.message.indexOf(words);
    expect(at('"encoding" field')).toBeGreaterThan(0);
    expect(at('the encoding choice')).toBeGreaterThan(at('"encoding" field'));
    expect(at('"text" field')).toBeGreaterThan(at('the encoding choice'));
    expect(at('paste it')).toBeGreaterThan(at('"text" field'));
    expect(at('"html" field')).toBeGreaterThan(at('paste it'));
    expect(http.message).not.toMatch(/\n|--encoding/);
  });
});
