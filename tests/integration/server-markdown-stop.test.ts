/**
 * A hostile Markdown body cannot hold `da2en serve`: micromark spends minutes of CPU on some inputs
 * inside one paragraph (here 120 KB of `*_`), far under the body limit. The server parses a text
 * field's Markdown in its extraction pool (src/server/extraction-pool.ts): the request ends at its
 * time limit with 503, /health answers meanwhile, the worker that parsed is terminated and the next
 * request is served. (The text is over the default character limit: these servers are started with a
 * higher one, as an operator may.) Had the parse run on the event loop, neither the time limit nor /health could
 * answer until it was done; had its worker not been ended, it would hold a core for minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessEngine } from '../../src/server/engine.js';
import { builtModel } from '../../tools/builder-models.js';
import { FakeTranslator } from '../helpers/fake-translator.js';
import { spawnCli, type SpawnedCli } from '../helpers/spawn-cli.js';
import { listen, postJson, type RunningServer } from '../helpers/test-server.js';

const HOSTILE = { text: '*_'.repeat(60_000), input_format: 'md' };
const SMALL = { text: '# Vejret\n\nDet regner i *dag*.', input_format: 'md' };

const sleep = (ms: number) => new Promise<null>((r) => setTimeout(() => r(null), ms));

/** The promise's value, or null when it has not settled within `ms` (a bound for a loaded machine, far under the parse's minutes). */
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, sleep(ms)]);

describe('da2en serve: a hostile Markdown text', () => {
  let cli: SpawnedCli;
  let url = '';

  beforeAll(async () => {
    const model = await builtModel('tiny');
    // Its own process: a parse on its event loop would hold its timers and /health, not this test's.
    cli = spawnCli(['serve', '--model', model, '--offline', '--no-cache', '--port', '0', '--timeout', '3', '--char-limit', '200000', '--threads', '1']);
    const start = Date.now();
    while (!(url = /listening on (http:\/\/[^/\s]+)/.exec(cli.stderr())?.[1] ?? '')) {
      if (cli.child.exitCode !== null) throw new Error(`serve exited: ${cli.stderr()}`);
      if (Date.now() - start > 150_000) throw new Error(`serve did not start: ${cli.stderr()}`);
      await sleep(50);
    }
  }, 180_000);
  afterAll(async () => {
    cli?.child.kill('SIGKILL');
    await cli?.done;
  });

  it('ends at the time limit with 503, /health answers while it is parsed, and the next request is served', async () => {
    let settled = false;
    const pending = postJson(`${url}/v1/articles`, HOSTILE).finally(() => (settled = true));
    // Asked until it shows the request admitted (its parse is then under way): each answer comes
    // while the Markdown is parsed.
    let requests = 0;
    while (requests === 0 && !settled) {
      const health = await within(fetch(`${url}/health`).then((r) => r.json() as Promise<{ queue: { requests: number } }>), 10_000);
      expect(health, '/health did not answer while the Markdown was parsed').not.toBeNull();
      requests = health!.queue.requests;
    }
    expect(requests).toBe(1);

    const answer = await within(pending, 60_000);
    expect(answer, 'the request was not ended at its time limit').not.toBeNull();
    expect(answer!.status).toBe(503);
    expect(answer!.json).toEqual({ error: expect.stringMatching(/took longer than the server's limit of 3 s/) });

    const next = await within(postJson(`${url}/v1/articles`, SMALL), 60_000);
    expect(next, 'the next request was not served').not.toBeNull();
    expect(next!.status, JSON.stringify(next!.json)).toBe(200);
    expect(next!.json.paragraphs.length).toBeGreaterThan(0);
  }, 180_000);
});

describe('da2en serve: the worker that parsed a hostile Markdown text', () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await listen(inProcessEngine(new FakeTranslator()), { requestTimeoutMs: 1_500, charLimit: 200_000 });
  });
  afterAll(() => srv?.close());

  it('is terminated when its request ends, and the next Markdown text gets a new one', async () => {
    const pending = postJson(`${srv.url}/v1/articles`, HOSTILE);
    while (srv.server.extractionWorkers() === 0) await sleep(10);
    const answer = await pending;
    expect(answer.status).toBe(503);
    expect(srv.server.extractionWorkers()).toBe(0);

    const next = await postJson(`${srv.url}/v1/articles`, SMALL);
    expect(next.status, JSON.stringify(next.json)).toBe(200);
    expect(next.json.paragraphs).toHaveLength(2);
    expect(srv.server.extractionWorkers()).toBe(1);
  }, 60_000);
});
