/**
 * The promise of README "As a library", entry point by entry point: an aborted `signal` is kind
 * `interrupted` with the signal's reason as its `cause`.
 * loadTranslator's stops need a model: tests/integration/load-translator-stop.test.ts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fetchArticle,
  fetchPage,
  paragraphsFromBytes,
  segmentForTranslator,
  translateDocument,
  translateParagraphStream,
  writeBilingualStream,
} from '../../src/index.js';
import { isDa2enError } from '../../src/errors.js';
import { FakeTranslator } from '../helpers/fake-translator.js';

const TEXT = 'Kommunen bygger en ny skole.\n\nDet regner i byen.\n\nBørn og voksne fejrede sejren.';

const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-entry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function caught(work: () => unknown): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

function abortedWith(reason: Error): AbortSignal {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
}

function expectInterrupted(err: unknown, reason: Error): void {
  expect(isDa2enError(err, 'interrupted'), String(err)).toBe(true);
  expect((err as Error).cause).toBe(reason);
}

const paragraphs = () => paragraphsFromBytes((async function* () {
  yield TEXT;
})());

describe('an aborted signal is kind interrupted, its reason the cause', () => {
  it('translateDocument: aborted before it starts, and from inside a model call', async () => {
    const doc = segmentForTranslator(TEXT, new FakeTranslator());
    const before = new Error('stopped before');
    expectInterrupted(await caught(() => translateDocument(doc, new FakeTranslator(), { signal: abortedWith(before) })), before);

    const controller = new AbortController();
    const midway = new Error('stopped midway');
    const translator = new FakeTranslator(() => {
      controller.abort(midway);
      return 0;
    });
    expectInterrupted(await caught(() => translateDocument(doc, translator, { signal: controller.signal, maxBatchSize: 1 })), midway);
  });

  it('writeBilingualStream: stopped by its own signal, nothing written', async () => {
    const out = path.join(dir, 'stopped.html');
    const before = new Error('stopped before');
    const early = await caught(() => writeBilingualStream(translateParagraphStream(paragraphs(), new FakeTranslator()), [{ format: 'html', path: out }], { signal: abortedWith(before) }));
    expectInterrupted(early, before);

    const controller = new AbortController();
    const midway = new Error('stopped while translating');
    const translator = new FakeTranslator(() => {
      controller.abort(midway);
      return 0;
    });
    const late = await caught(() => writeBilingualStream(translateParagraphStream(paragraphs(), translator), [{ format: 'html', path: out }], { signal: controller.signal }));
    expectInterrupted(late, midway);
    expect(existsSync(out)).toBe(false);
  });

  describe('fetchPage and fetchArticle', () => {
    let server: Server;
    let url: string;
    let controller: AbortController;
    const midway = new Error('stopped while fetching');
    beforeAll(async () => {
      // Never answers: the caller's stop is what ends the fetch.
      server = createServer(() => controller.abort(midway));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/artikel`;
    });
    afterAll(() => {
      server.closeAllConnections();
      server.close();
    });

    it('aborted before the request, and while waiting for the answer', async () => {
      for (const read of [fetchPage, fetchArticle]) {
        const before = new Error('stopped before');
        expectInterrupted(await caught(() => read(url, { signal: abortedWith(before) })), before);
        controller = new AbortController();
        expectInterrupted(await caught(() => read(url, { signal: controller.signal })), midway);
      }
    });
  });
});
