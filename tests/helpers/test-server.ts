import type { AddressInfo } from 'node:net';
import { createServer, type DaServer, type ServerOptions } from '../../src/server/app.js';
import type { ServerEngine } from '../../src/server/engine.js';
import { startWorkerEngine } from '../../src/server/worker-engine.js';
import { builtModel } from '../../tools/builder-models.js';

/** A parsed JSON body, read loosely: the tests' assertions check its shape, not the type system. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by expect(), field by field
export type JsonBody = any;

export interface RunningServer {
  url: string;
  server: DaServer;
  close(): Promise<void>;
}

/** A da2en server on a free loopback port (port 0), over the engine given. */
export async function listen(engine: ServerEngine, options: Omit<ServerOptions, 'engine'> = {}): Promise<RunningServer> {
  const server = await createServer({ engine, ...options });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, close: () => server.shutdown(1000) };
}

/** The echo builder model (it copies its input) in a worker thread: exact expected outputs. */
export async function echoEngine(): Promise<ServerEngine> {
  // The step-by-step loop: these tests need translations that span many slow model calls.
  return startWorkerEngine({ model: await builtModel('echo'), dtype: 'q8', offline: true, threads: 1, engine: 'js' });
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: JsonBody; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json, headers: response.headers };
}

export async function postForm(url: string, fields: Record<string, string>): Promise<{ status: number; json: JsonBody }> {
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams(fields) });
  return { status: response.status, json: await response.json() };
}
