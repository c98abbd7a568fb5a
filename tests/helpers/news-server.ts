/**
 * A loopback web server (127.0.0.1, port 0) serving the team's news-like test pages
 * (tests/fixtures/pages) the ways real sites do and fail: UTF-8 and Windows-1252, gzip and
 * brotli, deflate (zlib-wrapped and raw), redirects (one, too many, a loop), a slow answer, a trickling body, 404, 503, a 10 MB
 * page (plain and gzip-compressed), a PDF, and a page without a Content-Type.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { decode } from 'whatwg-encoding';

export const PAGES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'pages');

export function page(name: string): string {
  return readFileSync(path.join(PAGES_DIR, name), 'utf8');
}

/** Text → Windows-1252 bytes (the reverse of the standard's decoder; throws on a character it lacks). */
export function encodeWindows1252(text: string): Buffer {
  const high = new Map<string, number>();
  for (let b = 0x80; b <= 0xff; b++) high.set(decode(Uint8Array.of(b), 'windows-1252'), b);
  return Buffer.from(
    Array.from(text, (ch) => {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) return code;
      const byte = high.get(ch);
      if (byte === undefined) throw new Error(`no Windows-1252 byte for U+${code.toString(16)}`);
      return byte;
    }),
  );
}

export interface NewsServer {
  url: string;
  /** User-Agent of every request, in order. */
  userAgents: string[];
  paths: string[];
  close(): Promise<void>;
}

export const HUGE_BYTES = 10 * 1024 * 1024;

function hugePage(): Buffer {
  const para = '<p>Et meget langt afsnit om vejret, der gentages for at gøre siden stor nok til at ramme grænsen.</p>\n';
  const head = '<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>Stor side</title></head><body><article><h1>Stor side</h1>\n';
  const tail = '</article></body></html>\n';
  const count = Math.ceil((HUGE_BYTES - head.length - tail.length) / Buffer.byteLength(para));
  return Buffer.from(head + para.repeat(count) + tail);
}

export async function startNewsServer(): Promise<NewsServer> {
  const html = 'text/html; charset=utf-8';
  const dr = Buffer.from(page('dr-like.html'));
  const politiken1252 = encodeWindows1252(page('politiken-like.html'));
  // The same page as an archive serves it: the charset only in the header, as ISO-8859-1 (which browsers read as Windows-1252).
  const archive1252 = encodeWindows1252(page('politiken-like.html').replace(/<meta http-equiv="Content-Type"[^>]*>\n/, ''));
  const huge = hugePage();
  const hugeGzip = zlib.gzipSync(huge);
  const hugeRawDeflate = zlib.deflateRawSync(huge);
  const userAgents: string[] = [];
  const paths: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server = http.createServer((req, res) => {
    userAgents.push(req.headers['user-agent'] ?? '');
    const url = new URL(req.url ?? '/', 'http://localhost');
    paths.push(url.pathname);
    const send = (status: number, type: string | null, body: Buffer | string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...(type ? { 'content-type': type } : {}), ...headers });
      res.end(body);
    };
    const accepts = String(req.headers['accept-encoding'] ?? '');
    switch (url.pathname) {
      case '/nyheder/storm':
        return send(200, html, dr);
      case '/nyheder/storm-br':
        if (!accepts.includes('br')) return send(406, 'text/plain', 'br expected');
        return send(200, html, zlib.brotliCompressSync(dr), { 'content-encoding': 'br' });
      case '/nyheder/storm-deflate':
        return send(200, html, zlib.deflateSync(dr), { 'content-encoding': 'deflate' });
      case '/nyheder/storm-raw-deflate':
        // Raw deflate without the zlib wrapper: wrong by the standard, common, and read by browsers.
        return send(200, html, zlib.deflateRawSync(dr), { 'content-encoding': 'deflate' });
      case '/korrupt-deflate':
        return send(200, html, 'this is not deflate at all', { 'content-encoding': 'deflate' });
      case '/indland/laerere':
        if (!accepts.includes('gzip')) return send(406, 'text/plain', 'gzip expected');
        return send(200, 'text/html', zlib.gzipSync(Buffer.from(page('tv2-like.html'))), { 'content-encoding': 'gzip' });
      case '/debat/traeer':
        return send(200, 'text/html', politiken1252);
      case '/arkiv/traeer':
        return send(200, 'text/html; charset=ISO-8859-1', archive1252);
      case '/uden-type':
        return send(200, null, dr);
      case '/forside':
        return send(200, html, page('front-page.html'));
      case '/skadet-utf8':
        // No charset anywhere, and one stray byte (0xE6, Windows-1252's "æ") in otherwise UTF-8 text.
        return send(200, 'text/html', Buffer.concat([Buffer.from('<html><body><p>Hej ø'), Buffer.from([0xe6]), Buffer.from(' med dig.</p></body></html>')]));
      case '/english':
        return send(200, html, page('english-like.html'));
      case '/gammel/storm':
        return send(301, html, '<a href="/nyheder/storm">moved</a>', { location: '/nyheder/storm' });
      case '/kort':
        return send(302, null, '', { location: `http://127.0.0.1:${(server.address() as AddressInfo).port}/gammel/storm` });
      case '/loop-a':
        return send(302, null, '', { location: '/loop-b' });
      case '/loop-b':
        return send(302, null, '', { location: '/loop-a' });
      case '/ftp':
        return send(302, null, '', { location: 'ftp://127.0.0.1/file' });
      case '/langsom':
        // Headers only after 3 s.
        return later(3000, () => send(200, html, dr));
      case '/drypper':
        // Headers at once, then a byte every 400 ms.
        res.writeHead(200, { 'content-type': html });
        {
          let i = 0;
          const drip = () => {
            if (res.destroyed) return;
            if (i >= dr.length) return void res.end();
            res.write(dr.subarray(i, i + 1));
            i++;
            later(400, drip);
          };
          drip();
        }
        return;
      case '/findes-ikke':
        return send(404, html, '<!DOCTYPE html><html><body><h1>Siden findes ikke</h1></body></html>');
      case '/fejl':
        return send(503, html, '<!DOCTYPE html><html><body><h1>Prøv igen senere</h1></body></html>');
      case '/forbudt':
        return send(403, html, 'forbidden');
      case '/stor':
        return send(200, html, huge);
      case '/stor-gzip':
        // No Content-Length: only counting the decompressed bytes catches it.
        res.writeHead(200, { 'content-type': html, 'content-encoding': 'gzip' });
        return void res.end(hugeGzip);
      case '/stor-raw-deflate':
        res.writeHead(200, { 'content-type': html, 'content-encoding': 'deflate' });
        return void res.end(hugeRawDeflate);
      case '/rapport.pdf':
        return send(200, 'application/pdf', '%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\n');
      default:
        return send(404, 'text/plain', 'not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    userAgents,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        timers.forEach(clearTimeout);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
