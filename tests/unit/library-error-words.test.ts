/**
 * Library errors name settings in the library's words (a library caller passes `{ offline: true }`,
 * not `--offline`); the CLI prints the same failure naming its options (src/cli/setting-words.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTranslationMemory } from '../../src/cache/translation-memory.js';
import { cliMessage, cliNotice } from '../../src/cli/setting-words.js';
import { ensureModel } from '../../src/engine/model-store/index.js';
import { modelsFolderError } from '../../src/engine/model-store/models-folder-error.js';
import { Da2enError, inputUserError, SETTING_WORDS } from '../../src/errors.js';
import { decodeHtml, extractArticle, openParagraphStream, paragraphsFromBytes } from '../../src/index.js';
import { queueUnreachable } from '../../src/queue/connection.js';
import { failureReason } from '../../src/queue/worker.js';
import { runCli } from '../helpers/run-cli.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-error-words-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<Da2enError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(Da2enError);
  return err as Da2enError;
}

describe('settings in library errors', () => {
  it('offline: the library says "offline mode", the CLI the same line with --offline', async () => {
    const models = path.join(tmp, 'models');
    const err = await failure(ensureModel({ model: 'Xenova/none', modelsDir: models, dtype: 'q8', offline: true, remoteHost: 'http://127.0.0.1:9' }));
    expect(err.message).toMatch(/^model Xenova\/none \(q8\) is not in .* and offline mode forbids downloading; run "da2en model download/);
    expect(err.message).not.toContain('--offline');
    const cli = await runCli(['-', '--format', 'txt', '--offline', '--model', 'Xenova/none', '--models-dir', models], 'Hej.');
    expect(cli.stderr).toBe(`da2en: ${err.message.replace('offline mode', '--offline')}\n`);
  });

  it('the models folder: the library names its modelsDir option, the CLI --models-dir', () => {
    const err = modelsFolderError('/m', Object.assign(new Error('EACCES'), { code: 'EACCES' }));
    expect(err.message).toBe('cannot write in the models folder /m (permission denied); give another models folder with the modelsDir option or DA2EN_MODELS_DIR');
    expect(cliMessage(err)).toBe('cannot write in the models folder /m (permission denied); give another models folder with --models-dir or DA2EN_MODELS_DIR');
  });

  it('the translation memory: the library says to run without it, the CLI with --no-cache', () => {
    const file = path.join(tmp, 'a-file');
    writeFileSync(file, 'not a folder');
    let err: Da2enError | undefined;
    try {
      openTranslationMemory(path.join(file, 'cache'));
    } catch (e) {
      err = e as Da2enError;
    }
    expect(err?.message).toMatch(/\(run without the translation memory, or set DA2EN_CACHE_DIR to a writable folder\)$/);
    expect(cliMessage(err!)).toMatch(/\(run with --no-cache, or set DA2EN_CACHE_DIR to a writable folder\)$/);
  });

  it('no library wording of a setting names a command-line option', () => {
    for (const words of Object.values(SETTING_WORDS)) expect(words).not.toMatch(/--/);
  });
});

async function readAll(bytes: Uint8Array, encoding: 'auto' | 'utf8' = 'auto'): Promise<unknown> {
  async function* once() {
    yield bytes;
  }
  return (async () => {
    for await (const _ of paragraphsFromBytes(once(), { encoding }));
  })().then(() => undefined, (e: unknown) => e);
}

describe('the input readers name settings in the library\'s words', () => {
  it('no article: the library says to use the text input format, the CLI --input-format text', () => {
    let err: unknown;
    try {
      extractArticle('<html><body><nav><a href="/">Forside</a></nav></body></html>', { inputName: 'forside.html' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Da2enError);
    const e = err as Da2enError;
    expect(e.message).toBe('forside.html: no article text found in the page; to translate all of its text, use the text input format');
    expect(e.settings).toEqual(['textInput']);
    expect(cliMessage(e)).toBe('forside.html: no article text found in the page; to translate all of its text, pass --input-format text');
  });

  it('bad UTF-8 and UTF-16 without a BOM: the library says the encoding option, the CLI --encoding', async () => {
    const bad = (await readAll(Buffer.from([0x48, 0x65, 0x6a, 0x20, 0xc3, 0x28, 0xe6, 0xf8]), 'utf8')) as Da2enError;
    expect(bad).toBeInstanceOf(Da2enError);
    expect(bad.message).toMatch(/^is not valid UTF-8 \(first bad byte at offset 4\); if it is Windows-1252 \(or Latin-1\), set the encoding option to cp1252$/);
    expect(cliMessage(bad)).toBe('is not valid UTF-8 (first bad byte at offset 4); if it is Windows-1252 (or Latin-1), pass --encoding cp1252');
    const u16 = (await readAll(Buffer.from('Kommunen bygger en ny skole i byen.\n'.repeat(20), 'utf16le'))) as Da2enError;
    expect(u16.message).toBe('looks like UTF-16LE text without a byte order mark; set the encoding option to utf16le');
    expect(cliMessage(u16)).toBe('looks like UTF-16LE text without a byte order mark; pass --encoding utf16le');
    // Named after the input (as the CLI's readers name it), the settings stay with it.
    const named = await openParagraphStream('a.txt', { encoding: 'utf8', contents: [Buffer.from([0x48, 0xc3, 0x28])] });
    const err = await (async () => {
      for await (const _ of named);
    })().then(() => undefined, (e: unknown) => e as Da2enError);
    expect(cliMessage(err!)).toBe('a.txt is not valid UTF-8 (first bad byte at offset 1); if it is Windows-1252 (or Latin-1), pass --encoding cp1252');
  });

  it('a page without a charset that is not UTF-8: the same, through the error the CLI prints', () => {
    let err: unknown;
    try {
      decodeHtml(Buffer.from([0x3c, 0x70, 0x3e, 0xc3, 0x28, 0xe6, 0x81]), undefined, 'side.html');
    } catch (e) {
      err = e;
    }
    const e = inputUserError(err) as Da2enError;
    expect(e.message).toBe('side.html: not valid UTF-8 and no charset declared (first bad byte at offset 3); if it is Windows-1252 (or Latin-1), set the encoding option to cp1252');
    expect(cliMessage(e)).toBe('side.html: not valid UTF-8 and no charset declared (first bad byte at offset 3); if it is Windows-1252 (or Latin-1), pass --encoding cp1252');
  });

  it('notices: Windows-1252 detected, bad bytes in a page declared UTF-8; the CLI says --encoding', async () => {
    const source = await openParagraphStream('a.txt', { contents: [Buffer.from('K\xf8benhavn er en by.\n', 'latin1')] });
    for await (const _ of source);
    expect(source.notes).toEqual(['not valid UTF-8: read as Windows-1252 (choose another with the encoding option)']);
    expect(source.notes.map(cliNotice)).toEqual(['not valid UTF-8: read as Windows-1252 (pass --encoding to choose another)']);
    const page = decodeHtml(Buffer.concat([Buffer.from('<meta charset="utf-8"><p>K'), Buffer.from([0xf8]), Buffer.from('benhavn</p>')]));
    expect(page.notes).toEqual(['declares UTF-8 but is not valid UTF-8 (first bad byte at offset 26): bad bytes read as U+FFFD, as a browser shows them (choose another with the encoding option)']);
    expect(page.notes.map(cliNotice)).toEqual(['declares UTF-8 but is not valid UTF-8 (first bad byte at offset 26): bad bytes read as U+FFFD, as a browser shows them (pass --encoding to choose another)']);
  });

  it("the queue's Redis out of reach: the library names its redisUrl option, the CLI --redis", () => {
    const err = queueUnreachable('redis://127.0.0.1:1', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
    expect(err.message).toBe("cannot reach the queue's Redis at redis://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1 (is redis-server running there? see the redisUrl option)");
    expect(cliMessage(err)).toBe("cannot reach the queue's Redis at redis://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1 (is redis-server running there? see --redis)");
  });

  it("a queue job's failure reason (kept with the job, shown by queue status): the library's words, or the CLI's when the worker is given them", () => {
    const err = new Da2enError('no-article', 'a.html: no article text found in the page; to translate all of its text, use the text input format', { settings: ['textInput'] });
    expect(failureReason(err)).toBe('a.html: no article text found in the page; to translate all of its text, use the text input format');
    expect(failureReason(err, cliMessage)).toBe('a.html: no article text found in the page; to translate all of its text, pass --input-format text');
  });
});
