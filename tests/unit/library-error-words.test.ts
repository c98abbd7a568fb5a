/**
 * Library errors name settings in the library's words (a library caller passes `{ offline: true }`,
 * not `--offline`); the CLI prints the same failure naming its options (src/cli/setting-words.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTranslationMemory } from '../../src/cache/translation-memory.js';
import { cliMessage } from '../../src/cli/setting-words.js';
import { ensureModel } from '../../src/engine/model-store/index.js';
import { modelsFolderError } from '../../src/engine/model-store/models-folder-error.js';
import { Da2enError, SETTING_WORDS } from '../../src/errors.js';
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
