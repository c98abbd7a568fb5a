import { describe, expect, it } from 'vitest';
import { detectInputFormat, isHtmlResponse } from '../../src/input/index.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('input format', () => {
  it('a URL argument is fetched', () => {
    expect(detectInputFormat('https://www.dr.dk/nyheder/indland/x')).toBe('url');
    expect(detectInputFormat('HTTP://example.dk')).toBe('url');
  });
  it('by extension', () => {
    expect(detectInputFormat('side.html')).toBe('html');
    expect(detectInputFormat('SIDE.HTM')).toBe('html');
    expect(detectInputFormat('noter.md')).toBe('md');
    expect(detectInputFormat('noter.markdown')).toBe('md');
    expect(detectInputFormat('artikel.da.txt', { head: bytes('<!doctype html>') })).toBe('text');
  });
  it('by content: <!doctype html> or <html> at the start, after a BOM, white space or comments', () => {
    expect(detectInputFormat('gemt-side', { head: bytes('<!DOCTYPE html>\n<html>') })).toBe('html');
    expect(detectInputFormat('gemt-side', { head: bytes('\uFEFF  <html lang="da">') })).toBe('html');
    expect(detectInputFormat('gemt-side', { head: bytes('<!-- saved from url=(0040)https://x.dk -->\n<html>') })).toBe('html');
    expect(detectInputFormat('artikel', { head: bytes('Overskrift\n\nTekst med <b>fed</b>.') })).toBe('text');
    expect(detectInputFormat('artikel', { head: bytes('# Overskrift\n\n- punkt') })).toBe('text');
    expect(detectInputFormat('-')).toBe('text');
  });
  it('a URL is fetched whatever --input-format says (as a file path it could only fail)', () => {
    for (const format of ['text', 'html', 'md', 'url', 'auto'] as const) expect(detectInputFormat('https://x.dk/a', { format })).toBe('url');
  });
  it('--input-format wins', () => {
    expect(detectInputFormat('side.html', { format: 'text' })).toBe('text');
    expect(detectInputFormat('noter.txt', { format: 'md' })).toBe('md');
    expect(detectInputFormat('side.html', { format: 'auto' })).toBe('html');
  });
  it('an HTTP response is HTML by its Content-Type, or by its bytes when it has none', () => {
    expect(isHtmlResponse('text/html; charset=utf-8', bytes(''))).toBe(true);
    expect(isHtmlResponse('application/xhtml+xml', bytes(''))).toBe(true);
    expect(isHtmlResponse('application/json', bytes('<html>'))).toBe(false);
    expect(isHtmlResponse('', bytes('<!doctype html><p>x'))).toBe(true);
    expect(isHtmlResponse('', bytes('%PDF-1.4'))).toBe(false);
  });
});
