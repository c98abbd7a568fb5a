/**
 * An error during a /v1/articles translation has one status, streamed or not: the NDJSON stream's
 * `error` event carries the status the JSON answer has for the same error (toHttpError's per-kind
 * mapping: a damaged model 503, a refused input 400). Was: the stream said 500 for every library
 * error, so a client could not tell "try later / tell the operator" from a bug.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Da2enError, type ErrorKind } from '../../src/errors.js';
import { inProcessEngine } from '../../src/server/engine.js';
import { FakeTranslator } from '../helpers/fake-translator.js';
import { listen, postJson, type RunningServer } from '../helpers/test-server.js';

/** A translator whose model calls fail with the library error of `kind`. */
class FailingTranslator extends FakeTranslator {
  constructor(private readonly error: () => Error) {
    super();
  }

  override async translateBatch(): Promise<never> {
    throw this.error();
  }
}

const TEXT = { text: 'Det regner i dag.\n\nSolen skinner i morgen.' };

describe.each([
  ['model-corrupt', 503, 'the model file model.onnx is damaged; download it again'],
  ['input', 400, 'the text cannot be read'],
] as const)('a %s error while /v1/articles translates', (kind: ErrorKind, status, message) => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await listen(inProcessEngine(new FailingTranslator(() => new Da2enError(kind, message))));
  });
  afterAll(() => srv?.close());

  it(`answers ${status}, and the stream's error event says the same status and line`, async () => {
    const whole = await postJson(`${srv.url}/v1/articles`, TEXT);
    expect(whole.status).toBe(status);
    expect(whole.json).toEqual({ error: message });

    const r = await fetch(`${srv.url}/v1/articles`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' }, body: JSON.stringify(TEXT) });
    expect(r.status).toBe(200);
    const events = (await r.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; status?: number; error?: string });
    expect(events.map((e) => e.event)).toEqual(['start', 'error']);
    expect(events[1]).toEqual({ event: 'error', status, error: message });
  });
});

describe('another error while /v1/articles streams', () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await listen(inProcessEngine(new FailingTranslator(() => new Error('onnx went away\nat somewhere'))));
  });
  afterAll(() => srv?.close());

  it('is a 500 with its first line, as the JSON answer says it', async () => {
    const whole = await postJson(`${srv.url}/v1/articles`, TEXT);
    const r = await fetch(`${srv.url}/v1/articles`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' }, body: JSON.stringify(TEXT) });
    const last = JSON.parse((await r.text()).trim().split('\n').at(-1)!) as unknown;
    expect(whole.status).toBe(500);
    expect(last).toEqual({ event: 'error', status: 500, error: whole.json.error });
    expect(whole.json.error).toBe('Cannot translate text: onnx went away');
  });
});
