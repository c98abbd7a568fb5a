/**
 * Library code throws Da2enError with a kind and the original error as `cause`; only the CLI turns
 * kinds into exit codes (src/cli/exit-codes.ts), and --verbose shows the chain of causes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractArticle, FetchError, fetchArticle, fetchPage, NoArticleError, translateArticle, verifyModel } from '../../src/index.js';
import { ERROR_KINDS, Da2enError, isDa2enError } from '../../src/errors.js';
import { ExitCode, exitCodeFor } from '../../src/cli/exit-codes.js';
import { openParagraphStream } from '../../src/io/paragraph-stream.js';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('domain errors', () => {
  it('keep their kind, message and cause', () => {
    const cause = new Error('EACCES: permission denied');
    const err = new Da2enError('input', 'cannot read a.txt: permission denied', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.kind).toBe('input');
    expect(err.cause).toBe(cause);
    expect(isDa2enError(err, 'input')).toBe(true);
    expect(isDa2enError(err, 'network')).toBe(false);
    expect(isDa2enError(cause)).toBe(false);
  });

  it('a missing input file is an input error that wraps the file system error', async () => {
    const missing = path.join(dir, 'missing.txt');
    const err = await openParagraphStream(missing).catch((e: unknown) => e);
    expect(isDa2enError(err, 'input')).toBe(true);
    expect((err as Da2enError).cause).toMatchObject({ code: 'ENOENT' });
  });
});

describe('the public entry points throw Da2enError', () => {
  it('an unknown dtype is a usage error naming the allowed ones, before any model file is looked for', async () => {
    const err = await translateArticle('Hej', { model: path.join(dir, 'no-model'), offline: true, dtype: 'fp16' as never }).catch((e: unknown) => e);
    expect(isDa2enError(err, 'usage')).toBe(true);
    expect((err as Error).message).toBe('unknown dtype "fp16"; choose one of q8, fp32');
    expect(isDa2enError(await verifyModel(dir, 'int4' as never).catch((e: unknown) => e), 'usage')).toBe(true);
  });

  it('a beam width outside 1–16 is a usage error, before any model file is looked for', async () => {
    for (const beams of [0, 17, 2.5, -1]) {
      const err = await translateArticle('Hej', { model: path.join(dir, 'no-model'), offline: true, beams }).catch((e: unknown) => e);
      expect(isDa2enError(err, 'usage'), String(err)).toBe(true);
      expect((err as Error).message).toBe(`beams must be a whole number from 1 to 16 (1 = greedy), not ${beams}`);
    }
  });

  it('a URL that cannot be fetched: a fetch-* kind, the FetchError as the cause', async () => {
    const server = createServer((_req, res) => res.writeHead(404).end('gone'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/artikel`;
      for (const err of [await fetchArticle(url).catch((e: unknown) => e), await fetchPage(url).catch((e: unknown) => e)]) {
        expect(isDa2enError(err, 'fetch-not-found')).toBe(true);
        expect((err as Error).message).toMatch(/artikel/);
        expect((err as Error).cause).toBeInstanceOf(FetchError);
      }
    } finally {
      server.close();
    }
  });

  it('a page without an article: no-article, the NoArticleError as the cause', () => {
    let err: unknown;
    try {
      extractArticle('<html><body><nav><a href="/">Forside</a></nav></body></html>', { inputName: 'forside.html' });
    } catch (e) {
      err = e;
    }
    expect(isDa2enError(err, 'no-article')).toBe(true);
    expect((err as Error).cause).toBeInstanceOf(NoArticleError);
  });
});

describe('exit codes are the CLI’s mapping of kinds', () => {
  it('every kind has the exit code the README documents', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const documented = new Set([...readme.matchAll(/^\| (\d+)(?: \/ (\d+))? \|/gm)].flatMap((m) => [m[1], m[2]]).filter(Boolean).map(Number));
    for (const kind of ERROR_KINDS) expect(documented, kind).toContain(exitCodeFor(kind));
    expect(exitCodeFor('usage')).toBe(ExitCode.Usage);
    expect(exitCodeFor('input')).toBe(ExitCode.InputError);
    expect(exitCodeFor('model-missing')).toBe(ExitCode.ModelMissing);
    expect(exitCodeFor('model-corrupt')).toBe(ExitCode.ModelCorrupt);
    expect(exitCodeFor('network')).toBe(ExitCode.Network);
    expect(exitCodeFor('interrupted')).toBe(ExitCode.Interrupted);
  });

  it('one line without --verbose; the stack and the cause with it', async () => {
    const missing = path.join(dir, 'nope.da.txt');
    const plain = await runCli([missing]);
    expect(plain.code).toBe(ExitCode.InputError);
    expect(plain.stderr).toBe(`da2en: cannot read ${missing}: no such file\n`);
    const verbose = await runCli([missing, '--verbose']);
    expect(verbose.code).toBe(ExitCode.InputError);
    expect(verbose.stderr).toMatch(/^da2en: cannot read .*: no such file\nDa2enError: /);
    expect(verbose.stderr).toMatch(/\ncaused by: Error: ENOENT/);
  });
});
