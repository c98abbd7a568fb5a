/**
 * The URL fetcher against a real HTTP server on loopback (tests/helpers/news-server.ts): every
 * way a page arrives (encodings, compression, redirects) and every way it fails, each with its
 * own FetchError kind and a one-line message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, fetchArticle, fetchPage, USER_AGENT, type FetchFailure } from '../../src/input/index.js';
import { HUGE_BYTES, startNewsServer, type NewsServer } from '../helpers/news-server.js';

let server: NewsServer;
beforeAll(async () => {
  server = await startNewsServer();
});
afterAll(async () => {
  await server.close();
});

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchError);
  const fe = err as FetchError;
  expect(fe.message).not.toContain('\n');
  return fe;
}

describe('fetching a page', () => {
  it('reads a UTF-8 page and names da2en in the User-Agent', async () => {
    const before = server.userAgents.length;
    const article = await fetchArticle(`${server.url}/nyheder/storm`);
    expect(article.title).toBe('Storm lukker færgeruter til Bornholm');
    expect(article.provenance.url).toBe(`${server.url}/nyheder/storm`);
    expect(article.provenance.fetchedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(server.userAgents[before]).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/^da2en\/\d+\.\d+\.\d+ /);
    // Relative links resolve against the page's address.
    const links = article.blocks.flatMap((b) => b.links ?? []);
    expect(links).toContainEqual({ text: 'Lars Møller', href: `${server.url}/profil/lars-moeller` });
  });

  it('decompresses gzip and brotli', async () => {
    const gz = await fetchArticle(`${server.url}/indland/laerere`);
    expect(gz.title).toBe('Rekordmange vil være lærere');
    const br = await fetchArticle(`${server.url}/nyheder/storm-br`);
    expect(br.blocks.some((b) => b.text.includes('Østersøen'))).toBe(true);
  });

  it('decompresses deflate, zlib-wrapped as the standard says or raw as some servers send it', async () => {
    for (const route of ['/nyheder/storm-deflate', '/nyheder/storm-raw-deflate']) {
      const article = await fetchArticle(`${server.url}${route}`);
      expect(article.title, route).toBe('Storm lukker færgeruter til Bornholm');
    }
  });

  it('honours <meta http-equiv> Windows-1252 and a Content-Type charset of ISO-8859-1 (read as Windows-1252)', async () => {
    for (const route of ['/debat/traeer', '/arkiv/traeer']) {
      const article = await fetchArticle(`${server.url}${route}`);
      expect(article.title).toBe('Byens træer fortjener bedre');
      const text = article.blocks.map((b) => b.text).join('\n');
      // « », æøå and the en dash (0x96 in Windows-1252, a C1 control in ISO-8859-1 proper)
      expect(text).toContain('»Det tager hundrede år at gro et træ«');
      expect(text).toContain('politikerne – men');
      expect(text).not.toMatch(/[\u0080-\u009f\ufffd]/);
    }
  });

  it('reads a page sent without a Content-Type by its first bytes', async () => {
    const article = await fetchArticle(`${server.url}/uden-type`);
    expect(article.title).toBe('Storm lukker færgeruter til Bornholm');
  });

  it('takes time limits with decimals (rounded up to whole milliseconds, as timers need)', async () => {
    const page = await fetchPage(`${server.url}/nyheder/storm`, { timeoutMs: 2009.9999999999998, connectTimeoutMs: 1000.5 });
    expect(page.status).toBe(200);
  });

  it('follows redirects (relative and absolute) and records the final address', async () => {
    const page = await fetchPage(`${server.url}/kort`);
    expect(page.redirects).toEqual([`${server.url}/kort`, `${server.url}/gammel/storm`]);
    expect(page.finalUrl).toBe(`${server.url}/nyheder/storm`);
    const article = await fetchArticle(`${server.url}/gammel/storm`);
    expect(article.provenance.finalUrl).toBe(`${server.url}/nyheder/storm`);
  });
});

describe('failures: one kind each, one line', () => {
  const cases: [string, string, FetchFailure, RegExp][] = [
    ['404', '/findes-ikke', 'not-found', /page not found \(HTTP 404\)/],
    ['503', '/fejl', 'server-error', /server failed \(HTTP 503\)/],
    ['403', '/forbudt', 'http-status', /HTTP 403/],
    ['a PDF', '/rapport.pdf', 'not-html', /sent application\/pdf, not an HTML page/],
    ['10 MB', '/stor', 'too-big', /larger than 8 MiB/],
    ['10 MB gzip-compressed, no Content-Length', '/stor-gzip', 'too-big', /larger than 8 MiB/],
    ['10 MB raw deflate, no Content-Length', '/stor-raw-deflate', 'too-big', /larger than 8 MiB/],
    ['a body that is not deflate', '/korrupt-deflate', 'connection', /sent a corrupt deflate body/],
    ['a redirect loop', '/loop-a', 'redirects', /redirect loop/],
    ['a redirect to ftp:', '/ftp', 'redirects', /ftp: address/],
  ];
  for (const [name, route, kind, message] of cases) {
    it(name, async () => {
      const err = await failure(fetchArticle(`${server.url}${route}`));
      expect(err.kind).toBe(kind);
      expect(err.message).toMatch(message);
    });
  }

  it('too many redirects', async () => {
    const err = await failure(fetchPage(`${server.url}/kort`, { maxRedirects: 1 }));
    expect(err.kind).toBe('redirects');
    expect(err.message).toMatch(/more than 1 redirects/);
  });

  it('names a small or uneven size limit as it is', async () => {
    for (const [maxBytes, shown] of [[10, '10 bytes'], [1, '1 byte'], [1536, '1.5 KiB'], [2047, '1.9 KiB'], [3 * 1024 * 1024, '3 MiB']] as const) {
      const err = await failure(fetchPage(`${server.url}/stor`, { maxBytes }));
      expect(err.kind).toBe('too-big');
      expect(err.message).toContain(`larger than ${shown};`);
    }
  });

  it('the 10 MB page fits a larger limit', async () => {
    const page = await fetchPage(`${server.url}/stor-gzip`, { maxBytes: 11 * 1024 * 1024 });
    expect(page.body.length).toBeGreaterThanOrEqual(HUGE_BYTES);
  });

  it('a slow answer times out; a trickling body too', async () => {
    for (const route of ['/langsom', '/drypper']) {
      const started = performance.now();
      const err = await failure(fetchPage(`${server.url}${route}`, { timeoutMs: 800 }));
      expect(err.kind).toBe('timeout');
      expect(performance.now() - started).toBeLessThan(2900); // stopped by our limit, not by the server
    }
  });

  it('connection refused', async () => {
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await failure(fetchPage(`http://127.0.0.1:${port}/`));
    expect(err.kind).toBe('refused');
  });

  it('a host that does not resolve', async () => {
    const err = await failure(fetchPage('http://nyheder.da2en-test.invalid/artikel', { timeoutMs: 10_000 }));
    expect(err.kind).toBe('dns');
    expect(err.message).toMatch(/host nyheder\.da2en-test\.invalid not found/);
    expect(err.cause).toBeDefined();
  });

  it('not an http(s) URL', async () => {
    const err = await failure(fetchPage('file:///etc/passwd'));
    expect(err.message).toMatch(/only http and https/);
  });
});

describe('the address check (the server refuses private ranges with it)', () => {
  const noLoopback = (address: string) => !address.startsWith('127.') && address !== '::1';

  it('refuses an IP literal before connecting', async () => {
    const before = server.paths.length;
    const err = await failure(fetchPage(`${server.url}/nyheder/storm`, { allowAddress: noLoopback }));
    expect(err.kind).toBe('address-refused');
    expect(server.paths.length).toBe(before);
  });

  it('refuses a host name that resolves to a refused address', async () => {
    const port = new URL(server.url).port;
    const before = server.paths.length;
    const err = await failure(fetchPage(`http://localhost:${port}/nyheder/storm`, { allowAddress: noLoopback }));
    expect(err.kind).toBe('address-refused');
    expect(server.paths.length).toBe(before);
  });

  it('checks every redirect target too', async () => {
    const seen: string[] = [];
    const port = new URL(server.url).port;
    // localhost passes the check once; the redirect to the 127.0.0.1 literal is refused.
    const err = await failure(
      fetchPage(`http://localhost:${port}/kort`, {
        allowAddress: (a) => {
          seen.push(a);
          return seen.length === 1;
        },
      }),
    );
    expect(err.kind).toBe('address-refused');
  });

  it('allows what the check allows', async () => {
    const page = await fetchPage(`${server.url}/nyheder/storm`, { allowAddress: () => true });
    expect(page.status).toBe(200);
  });
});
