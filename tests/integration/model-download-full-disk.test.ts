import { Writable } from 'node:stream';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { ensureModel } from '../../src/engine/model-store/index.js';
import { Da2enError } from '../../src/errors.js';
import { useHubBed } from '../helpers/hub-bed.js';
import { runCli } from '../helpers/run-cli.js';

// A full disk (or a read-only models folder) during a model download was reported as a network
// error (exit 6, "Check the connection…"), and a read-only one as an unexpected error (exit 1).
const ID = 'test-org/opus-mt-da-en-tiny';
const bed = useHubBed('da2en-full-disk-');

/** The system error a write into the models folder fails with, set by a test; files elsewhere are written as ever. */
const disk = vi.hoisted(() => ({ folder: '', code: '' }));

// A full disk cannot be had in a test without mounting one: the download's part files get a
// stream that fails as the system's write does, with its code.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const createWriteStream = ((file: string, options: unknown) => {
    if (disk.folder === '' || !String(file).startsWith(disk.folder)) return actual.createWriteStream(file, options as never);
    return new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error(`${disk.code}: write failed, write`), { code: disk.code, syscall: 'write' }));
      },
    });
  }) as typeof actual.createWriteStream;
  return { ...actual, default: { ...actual, createWriteStream }, createWriteStream };
});

afterEach(() => {
  disk.folder = '';
  delete process.env['DA2EN_REMOTE_HOST'];
});

describe('the models folder refuses the download', () => {
  it.each([
    ['ENOSPC', 'no space left on the device', 'free some space'],
    ['EDQUOT', 'the disk quota is used up', 'free some space'],
    ['EROFS', 'it is on a read-only file system', 'give another models folder'],
    ['EACCES', 'permission denied', 'give another models folder'],
  ])('%s: kind output, one line naming the models folder, not a network error', async (code, reason, fix) => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    const modelsDir = bed.tempModels();
    disk.folder = modelsDir;
    disk.code = code;
    const err = await ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: hub.url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Da2enError);
    expect((err as Da2enError).kind).toBe('output');
    const message = (err as Da2enError).message;
    expect(message).toContain(`cannot write in the models folder ${path.join(modelsDir, 'test-org')} (${reason}); ${fix}`);
    expect(message).not.toMatch(/connection|network/i);
    expect(((err as Da2enError).cause as NodeJS.ErrnoException).code).toBe(code);
  });

  it('da2en model download on a full disk: exit 8, one line', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    const modelsDir = bed.tempModels();
    disk.folder = modelsDir;
    disk.code = 'ENOSPC';
    const result = await runCli(['model', 'download', '--model', ID, '--models-dir', modelsDir]);
    expect(result.code).toBe(ExitCode.OutputError);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^da2en: cannot write in the models folder .*no space left on the device/)]);
  });

  it('a file where the model\'s folder must go (the lock is written first): exit 8 too (was: exit 1)', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    const modelsDir = bed.tempModels();
    mkdirSync(modelsDir, { recursive: true });
    writeFileSync(path.join(modelsDir, 'test-org'), 'not a folder');
    const result = await runCli(['model', 'download', '--model', ID, '--models-dir', modelsDir]);
    expect(result.code).toBe(ExitCode.OutputError);
    expect(result.stderr).toContain(`cannot write in the models folder ${path.join(modelsDir, 'test-org')} (a file is where a folder should be)`);
  });
});
