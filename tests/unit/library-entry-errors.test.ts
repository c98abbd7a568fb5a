/**
 * The promise of README "As a library", entry point by entry point: an aborted `signal` is kind
 * `interrupted` with the signal's reason as its `cause`; a bad value (an unknown format or encoding,
 * a number out of range, two outputs in one file) is kind `usage`, before any work is done.
 * loadTranslator's stops need a model: tests/integration/load-translator-stop.test.ts.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStreamRenderer,
  fetchArticle,
  fetchPage,
  openParagraphStream,
  paragraphsFromBytes,
  readParagraphsFromFile,
  render,
  segmentForTranslator,
  translateArticle,
  translateDocument,
  translateParagraphStream,
  writeBilingualStream,
  type StreamTarget,
} from '../../src/index.js';
import { isDa2enError } from '../../src/errors.js';
import { ChunkBudgetError } from '../../src/segmentation/chunk.js';
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

function expectUsage(err: unknown, message: RegExp): void {
  expect(isDa2enError(err, 'usage'), String(err)).toBe(true);
  expect((err as Error).message).toMatch(message);
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

describe('a bad value is kind usage', () => {
  const translator = new FakeTranslator();

  it('an unknown output format, prototype names included', async () => {
    const doc = await translateArticle('Hej.', { translator });
    for (const format of ['pdf', 'toString', 'constructor', '__proto__', 'HTML']) {
      expectUsage(await caught(() => render(format as never, doc)), /unknown output format .*choose one of html, md, txt, json, en/);
      expectUsage(await caught(() => createStreamRenderer(format as never)), /unknown output format/);
    }
    expectUsage(await caught(() => writeBilingualStream(translateParagraphStream(paragraphs(), translator), [{ format: 'pdf' as never, path: path.join(dir, 'x.pdf') }])), /unknown output format "pdf"/);
  });

  it('numbers out of range or not whole, from every entry point, before the model is asked', async () => {
    const cases: [string, number][] = [
      ['maxChunkTokens', 0],
      ['maxChunkTokens', Number.NaN],
      ['maxChunkTokens', 2.5],
      ['concurrency', 0],
      ['concurrency', Number.NaN],
      ['batchTokens', -1],
      ['maxBatchSize', 0],
      ['maxBatchSize', Number.POSITIVE_INFINITY],
    ];
    for (const [name, value] of cases) {
      const fake = new FakeTranslator();
      const message = new RegExp(`^${name} must be a whole number from 1 up.*, not ${String(value)}$`);
      expectUsage(await caught(() => translateArticle(TEXT, { translator: fake, [name]: value })), message);
      // Before a model is looked for: the same from a model that is not there.
      expectUsage(await caught(() => translateArticle(TEXT, { model: path.join(dir, 'no-model'), offline: true, [name]: value })), message);
      expectUsage(await caught(() => translateParagraphStream(paragraphs(), fake, { [name]: value })), message);
      if (name === 'maxChunkTokens') expectUsage(await caught(() => segmentForTranslator(TEXT, fake, { maxChunkTokens: value })), message);
      else expectUsage(await caught(() => translateDocument(segmentForTranslator(TEXT, fake), fake, { [name]: value })), message);
      expect(fake.calls).toEqual([]);
    }
  });

  it('a window of NaN paragraphs or characters (which never closed), 0 or a fraction; Infinity is one window', async () => {
    for (const option of ['windowParagraphs', 'windowChars']) {
      for (const value of [Number.NaN, 0, -3, 1.5]) {
        expectUsage(await caught(() => translateParagraphStream(paragraphs(), translator, { [option]: value })), new RegExp(`^${option} must be a whole number from 1 up \\(or Infinity: no limit\\), not ${String(value)}$`));
      }
      const whole = translateParagraphStream(paragraphs(), new FakeTranslator(), { [option]: Number.POSITIVE_INFINITY });
      const targets: string[] = [];
      for await (const p of whole) targets.push(p.target);
      expect(targets).toHaveLength(3);
    }
  });

  it('translateParagraphStream given one string, a non-string item or no iterable (was: a paragraph per character, or a raw TypeError)', async () => {
    const fake = new FakeTranslator();
    const read = async (source: unknown) => {
      for await (const _ of translateParagraphStream(source as string[], fake));
    };
    expectUsage(await caught(() => translateParagraphStream('Det regner.', fake)), /not one string .*use translateArticle\(text\), or pass \[text\]$/);
    for (const [source, shown] of [[42, 'number'], [null, 'null'], [undefined, 'undefined'], [{}, 'object']] as const) {
      expectUsage(await caught(() => read(source)), new RegExp(`^translateParagraphStream takes an iterable of strings .*, not ${shown}$`));
    }
    expectUsage(await caught(() => read(['a', 5])), /^translateParagraphStream takes strings: item 1 is number, not a string$/);
    expectUsage(await caught(() => read((async function* () {
      yield 'Et.';
      yield 'To.';
      yield null;
    })())), /item 2 is null/);
    expect(fake.calls).toEqual([]);
  });

  it('translateParagraphStream given translateArticle\'s options in place of the translator (was: "maxTokens must be positive, got NaN")', async () => {
    const fake = new FakeTranslator();
    for (const translator of [{ translator: fake }, undefined, null]) {
      expectUsage(await caught(() => translateParagraphStream(['Det regner.'], translator as unknown as FakeTranslator)), /^translateParagraphStream\(paragraphs, translator, options\) takes a translator \(from loadTranslator\(\)\) as its second argument$/);
    }
    expect(fake.calls).toEqual([]);
  });

  it('a fetch limit out of range, from fetchPage and fetchArticle, before any request', async () => {
    const cases: [string, number, RegExp][] = [
      ['timeoutMs', -1, /^timeoutMs must be a number of milliseconds above 0, at most 2147483647, not -1$/],
      ['timeoutMs', Number.NaN, /^timeoutMs must be .*, not NaN$/],
      ['timeoutMs', Number.POSITIVE_INFINITY, /^timeoutMs must be .*, not Infinity$/],
      ['connectTimeoutMs', 0, /^connectTimeoutMs must be a number of milliseconds above 0/],
      ['maxBytes', Number.NaN, /^maxBytes must be a whole number from 1 up, not NaN$/],
      ['maxBytes', 0, /^maxBytes must be a whole number from 1 up, not 0$/],
      ['maxRedirects', -1, /^maxRedirects must be a whole number from 0 up, not -1$/],
      ['maxRedirects', 1.5, /^maxRedirects must be a whole number from 0 up, not 1.5$/],
    ];
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/artikel`;
    try {
      for (const [name, value, message] of cases) {
        for (const read of [fetchPage, fetchArticle]) expectUsage(await caught(() => read(url, { [name]: value })), message);
      }
    } finally {
      server.close();
    }
    expect(requests).toBe(0);
  });

  it('a chunk budget too small for one character, from segmentForTranslator as from the translation', async () => {
    const err = await caught(() => segmentForTranslator(TEXT, translator, { maxChunkTokens: 1 }));
    expectUsage(err, /^maxChunkTokens 1 is too small/);
    expect((err as Error).cause).toBeInstanceOf(ChunkBudgetError);
  });

  it('an unknown input encoding, before the file is opened', async () => {
    const file = path.join(dir, 'artikel.da.txt');
    writeFileSync(file, TEXT);
    const message = /^unknown input encoding "ebcdic"; choose one of auto, utf8,/;
    expectUsage(await caught(() => openParagraphStream(file, { encoding: 'ebcdic' as never })), message);
    expectUsage(await caught(() => readParagraphsFromFile(file, { encoding: 'ebcdic' as never })), message);
    expectUsage(await caught(() => paragraphsFromBytes(paragraphs(), { encoding: 'ebcdic' as never })), message);
  });

  it('a file that cannot be read is kind input from readParagraphsFromFile, as from openParagraphStream', async () => {
    const missing = path.join(dir, 'missing.txt');
    const read = async (source: AsyncIterable<string>) => {
      for await (const _ of source);
    };
    const direct = await caught(() => read(readParagraphsFromFile(missing)));
    const opened = await caught(async () => read(await openParagraphStream(missing)));
    for (const err of [direct, opened]) {
      expect(isDa2enError(err, 'input'), String(err)).toBe(true);
      expect((err as Error).message).toBe(`cannot read ${missing}: no such file`);
      expect((err as Error).cause).toMatchObject({ code: 'ENOENT' });
    }
  });
});

describe('writeBilingualStream refuses two outputs in one place, before anything is written', () => {
  it('one path under two spellings, a link to another output, or standard output twice', async () => {
    const work = mkdtempSync(path.join(dir, 'same-'));
    const here = path.relative(process.cwd(), path.join(work, 'x'));
    const existing = path.join(work, 'existing.txt');
    writeFileSync(existing, 'kept');
    symlinkSync(existing, path.join(work, 'link.txt'));
    const clashes: [StreamTarget[], RegExp][] = [
      [[{ format: 'html', path: path.join(work, 'x') }, { format: 'txt', path: path.join(work, 'x') }], /are the same file/],
      [[{ format: 'html', path: here }, { format: 'txt', path: `.${path.sep}${here}` }], /are the same file/],
      [[{ format: 'html', path: existing }, { format: 'txt', path: path.join(work, 'link.txt') }], /are the same file/],
      [[{ format: 'html', path: null }, { format: 'txt', path: null }], /standard output .*one target/],
    ];
    for (const [targets, message] of clashes) {
      const fake = new FakeTranslator();
      expectUsage(await caught(() => writeBilingualStream(translateParagraphStream(paragraphs(), fake), targets)), message);
      expect(fake.calls).toEqual([]);
    }
    expect(readdirSync(work).sort()).toEqual(['existing.txt', 'link.txt']);
  });
});
