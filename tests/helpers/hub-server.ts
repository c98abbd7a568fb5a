import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * A loopback stand-in for the Hugging Face hub, in its URL layout:
 * /{org}/{name}/resolve/{revision}/{file}. Like the hub, large (.onnx) files answer with a
 * redirect carrying x-linked-etag (sha256) and x-linked-size, and the target serves byte ranges.
 * Faults can be injected per file to test resuming and verification.
 */
export interface HubFaults {
  /** Close the connection after this many body bytes, on the first request for the file only. */
  dropAfter?: Record<string, number>;
  /** Always serve only this many bytes (as if the stored file were truncated), with the full file's size/sha headers. */
  truncate?: Record<string, number>;
  /** Answer requests for the file only once this settles (a slow mirror, under the test's control). */
  hold?: Record<string, Promise<unknown>>;
  /**
   * Answer every file gzip-compressed, whatever the request accepts (a compressing mirror or proxy):
   * content-length and content-range count the compressed bytes, and a Range is a range of them.
   */
  gzip?: boolean;
}

export interface HubRequest {
  url: string;
  range: string | undefined;
  method: string;
  /** The request's Accept-Encoding. */
  acceptEncoding: string | undefined;
}

export interface HubServer {
  url: string;
  requests: HubRequest[];
  close(): Promise<void>;
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix)).flatMap((name) => {
    const rel = prefix ? `${prefix}/${name}` : name;
    return statSync(path.join(dir, rel)).isDirectory() ? listFiles(dir, rel) : [rel];
  });
}

export async function startHub(models: Record<string, string>, faults: HubFaults = {}): Promise<HubServer> {
  const files = new Map<string, { bytes: Buffer; sha256: string }>();
  for (const [id, dir] of Object.entries(models)) {
    for (const rel of listFiles(dir)) {
      const bytes = readFileSync(path.join(dir, rel));
      files.set(`${id}/${rel}`, { bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
  }
  const dropped = new Set<string>();
  const requests: HubRequest[] = [];

  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    requests.push({ url, range: req.headers.range, method: req.method ?? 'GET', acceptEncoding: req.headers['accept-encoding'] });
    const resolve = url.match(/^\/([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/);
    if (resolve) {
      const key = `${resolve[1]}/${resolve[2]}`;
      const file = files.get(key);
      if (!file) return void res.writeHead(404).end('Entry not found');
      if (key.endsWith('.onnx')) {
        res.writeHead(302, { location: `/cdn/${encodeURIComponent(key)}`, 'x-linked-etag': `"${file.sha256}"`, 'x-linked-size': String(file.bytes.length) });
        return void res.end();
      }
      return serveBytes(key, file.bytes, req, res, `"${createHash('sha1').update(file.bytes).digest('hex')}"`);
    }
    const cdn = url.match(/^\/cdn\/(.+)$/);
    if (cdn && files.has(cdn[1]!)) return serveBytes(cdn[1]!, files.get(cdn[1]!)!.bytes, req, res, '"cdn-etag"');
    res.writeHead(404).end();
  });

  function serveBytes(key: string, full: Buffer, req: http.IncomingMessage, res: http.ServerResponse, etag: string) {
    const name = key.split('/').slice(2).join('/');
    const hold = faults.hold?.[name];
    if (hold) return void hold.then(() => sendBytes(name, full, req, res, etag));
    sendBytes(name, full, req, res, etag);
  }

  function sendBytes(name: string, full: Buffer, req: http.IncomingMessage, res: http.ServerResponse, etag: string) {
    const stored = faults.truncate?.[name] !== undefined ? full.subarray(0, faults.truncate[name]) : full;
    const bytes = faults.gzip ? gzipSync(stored) : stored;
    const range = req.headers.range?.match(/^bytes=(\d+)-$/);
    const start = range ? Number(range[1]) : 0;
    if (start >= bytes.length && range) {
      res.writeHead(416, { 'content-range': `bytes */${bytes.length}` });
      return void res.end();
    }
    const body = bytes.subarray(start);
    const headers: http.OutgoingHttpHeaders = { etag, 'content-length': String(body.length), 'accept-ranges': 'bytes', ...(faults.gzip ? { 'content-encoding': 'gzip' } : {}) };
    if (range) headers['content-range'] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
    res.writeHead(range ? 206 : 200, headers);
    const drop = faults.dropAfter?.[name];
    if (drop !== undefined && !dropped.has(name)) {
      dropped.add(name);
      // Give the bytes time to reach the client before the connection breaks, as a real drop would.
      res.write(body.subarray(0, drop), () => setTimeout(() => res.destroy(), 150));
      return;
    }
    res.end(body);
  }

  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        // A response still held (hold) would keep the server open.
        server.closeAllConnections();
      }),
  };
}
