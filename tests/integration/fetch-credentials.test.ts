/**
 * Credentials written in a URL, against two loopback servers (two origins): sent as HTTP Basic to
 * the URL's own origin, through its redirects there; never to another origin a redirect leads to,
 * nor back from there; and shown nowhere, the errors' causes included.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, fetchPage } from '../../src/input/index.js';

interface Site {
  url: string;
  /** The Authorization header of every request, by path ('' when none). */
  seen: [string, string][];
  close(): Promise<void>;
}

/** Answers 401 to a page asked for without `expected`; `/to?u` redirects to u. */
async function startSite(expected: string): Promise<Site> {
  const seen: [string, string][] = [];
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    seen.push([req.url ?? '', auth]);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/to') {
      res.writeHead(302, { location: decodeURIComponent(url.search.slice(1)) }).end();
      return;
    }
    const ok = auth === expected;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain', ...(ok ? {} : { 'www-authenticate': 'Basic realm="test"' }) }).end(ok ? 'ok' : 'who?');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const basic = (pair: string) => `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
const withCredentials = (site: Site, credentials: string, path: string) => `${site.url.replace('//', `//${credentials}@`)}/${path}`;

let home: Site;
let elsewhere: Site;
beforeAll(async () => {
  home = await startSite(basic('ana:hemmelig'));
  elsewhere = await startSite(basic('ana:hemmelig'));
});
afterAll(async () => {
  await home.close();
  await elsewhere.close();
});

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchError);
  return err as FetchError;
}

describe('credentials in a URL', () => {
  it('are sent as HTTP Basic, percent-decoded and in UTF-8, and not in the request line', async () => {
    const page = await fetchPage(withCredentials(home, 'ana:hemmelig', 'p'));
    expect(page.body.toString()).toBe('ok');
    const before = home.seen.length;
    await failure(fetchPage(withCredentials(home, 'an%61:h%C3%A6m%40lig', 'q')));
    expect(home.seen[before]).toEqual(['/q', basic('ana:hæm@lig')]);
  });

  it('a user name alone (a token) is sent with an empty password', async () => {
    const before = home.seen.length;
    await failure(fetchPage(withCredentials(home, 'tok3n', 'p')));
    expect(home.seen[before]).toEqual(['/p', basic('tok3n:')]);
  });

  it('follow a redirect within the origin', async () => {
    const page = await fetchPage(withCredentials(home, 'ana:hemmelig', 'to?/p'));
    expect(page.body.toString()).toBe('ok');
  });

  it('are not sent where a redirect leaves the origin, nor back from there; and never shown', async () => {
    const homeBefore = home.seen.length;
    const elsewhereBefore = elsewhere.seen.length;
    const back = encodeURIComponent(`${home.url}/p`);
    const err = await failure(fetchPage(withCredentials(home, 'ana:hemmelig', `to?${encodeURIComponent(`${elsewhere.url}/to?${back}`)}`)));
    expect(elsewhere.seen.slice(elsewhereBefore)).toEqual([[`/to?${back}`, '']]);
    expect(home.seen.slice(homeBefore).map(([, auth]) => auth)).toEqual([basic('ana:hemmelig'), '']);
    expect(err.message).toMatch(/HTTP 401/);
    expect(inspect(err, { depth: 10 })).not.toContain('hemmelig');
  });
});

describe('an address the parser refuses', () => {
  it('its error and the error it wraps name it with the credentials hidden', async () => {
    for (const url of ['http://al:PW@host:99999/x', 'http://admin:Pa#PW@127.0.0.1:1/x']) {
      const err = await failure(fetchPage(url));
      expect(err.message).toContain('not a valid URL');
      const shown = inspect(err, { depth: 10 });
      expect(shown, url).not.toContain('PW');
      expect((err.cause as { code?: string }).code).toBe('ERR_INVALID_URL');
    }
  });

  it('a redirect to one: the page it came from is named without them', async () => {
    const err = await failure(fetchPage(withCredentials(home, 'al:PW2', `to?${encodeURIComponent('http://[bad')}`)));
    expect(err.kind).toBe('redirects');
    expect(inspect(err, { depth: 10 })).not.toContain('PW2');
    expect((err.cause as { base?: string }).base).toBe(`${home.url.replace('//', '//al:***@')}/to?${encodeURIComponent('http://[bad')}`);
  });
});
