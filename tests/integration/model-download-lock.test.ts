import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { modelLockPath, withModelLock } from '../../src/engine/model-store/download-lock.js';
import { isDa2enError } from '../../src/errors.js';
import { ensureModel, verifyModel } from '../../src/engine/model-store/index.js';
import { useHubBed } from '../helpers/hub-bed.js';
import { spawnCli } from '../helpers/spawn-cli.js';

// Two processes fetching the same model shared its staging folder: one appended to the other's
// part file, one removed the folder under the other. The second now waits for the first.
const ID = 'test-org/opus-mt-da-en-tiny';
const DECODER = 'onnx/decoder_model_merged_quantized.onnx';
const bed = useHubBed('da2en-lock-');
const { tempModels } = bed;

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 1200 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!check()) throw new Error(`gave up waiting for ${what}`);
}

function held(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
}

function lockOf(modelsDir: string, holder: { pid: number; host?: string }): string {
  const lock = modelLockPath(path.join(modelsDir, ID));
  mkdirSync(path.dirname(lock), { recursive: true });
  writeFileSync(lock, JSON.stringify({ host: os.hostname(), token: 'someone-else', ...holder }));
  return lock;
}

describe('two da2en processes downloading the same model', () => {
  it('the second waits, saying so once, then uses the model the first downloaded', async () => {
    const gate = held();
    const hub = await bed.start({ [ID]: bed.modelDir }, { hold: { [DECODER]: gate.promise } });
    const modelsDir = tempModels();
    const args = ['model', 'download', '--model', ID, '--models-dir', modelsDir];
    const env = { DA2EN_REMOTE_HOST: hub.url };
    const decoderGets = () => hub!.requests.filter((r) => r.method === 'GET' && r.url.startsWith('/cdn/') && r.url.endsWith(DECODER)).length;
    const first = spawnCli(args, env);
    await until('the first to fetch the decoder', () => decoderGets() === 1);
    const second = spawnCli(args, env);
    // Without the lock the second resumes the first one's part files and asks for the decoder too.
    await until('the second to wait', () => /waiting for another da2en/.test(second.stderr()) || decoderGets() > 1);
    gate.release();
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr.match(/waiting for another da2en \(pid \d+ on [^)]+\) downloading .*; if none is running, delete .*\.lock/g)).toHaveLength(1);
    expect(a.stderr).toMatch(/downloaded 6 file/);
    expect(b.stderr).toMatch(/is already in/);
    expect(decoderGets()).toBe(1);
    const dir = path.join(modelsDir, ID);
    expect((await verifyModel(dir, 'q8')).problems).toEqual([]);
    expect(readdirSync(path.dirname(dir)).sort()).toEqual([path.basename(dir)]);
  }, 120_000);
});

describe('the download lock', () => {
  it('left by a process that is gone, is taken over without waiting', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    const modelsDir = tempModels();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const lock = lockOf(modelsDir, { pid: dead });
    const notices: string[] = [];
    await ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: hub.url, onNotice: (n) => notices.push(n) });
    expect(notices).toEqual([]);
    expect(existsSync(lock)).toBe(false);
    expect((await verifyModel(path.join(modelsDir, ID), 'q8')).problems).toEqual([]);
  });

  it('held by a live process: waiting stops when the signal aborts, and the lock is left to its holder', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    const modelsDir = tempModels();
    const lock = lockOf(modelsDir, { pid: process.pid });
    const abort = new AbortController();
    const notices: string[] = [];
    const err = await ensureModel({
      model: ID,
      modelsDir,
      dtype: 'q8',
      offline: false,
      remoteHost: hub.url,
      signal: abort.signal,
      onNotice: (n) => {
        notices.push(n);
        abort.abort();
      },
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(notices).toEqual([`waiting for another da2en (pid ${process.pid} on ${os.hostname()}) downloading ${ID} into ${path.join(modelsDir, ID)}; if none is running, delete ${lock}`]);
    expect(existsSync(lock)).toBe(true);
    expect(hub.requests).toEqual([]);
  });
});

describe('the download lock, across hosts and filesystems', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const hours = (n: number) => new Date(Date.now() - n * 3_600_000);

  it('left by another host (a killed container) is taken over once its heartbeat is old, not waited for for ever', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    const modelsDir = tempModels();
    const lock = lockOf(modelsDir, { pid: 4242424, host: '3f2a9c1d7e5b' });
    utimesSync(lock, hours(1), hours(1));
    const notices: string[] = [];
    await ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: hub.url, onNotice: (n) => notices.push(n) });
    expect(notices).toEqual([]);
    expect(existsSync(lock)).toBe(false);
    expect((await verifyModel(path.join(modelsDir, ID), 'q8')).problems).toEqual([]);
  });

  it('another host with a fresh heartbeat is waited for, and the notice names its host and the lock file', async () => {
    const modelsDir = tempModels();
    const lock = lockOf(modelsDir, { pid: 4242424, host: '3f2a9c1d7e5b' });
    const abort = new AbortController();
    const notices: string[] = [];
    const err = await ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: 'http://127.0.0.1:9', signal: abort.signal, onNotice: (n) => {
      notices.push(n);
      abort.abort();
    } }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(notices).toEqual([expect.stringMatching(new RegExp(`\\(pid 4242424 on 3f2a9c1d7e5b\\) .*; if none is running, delete ${lock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`))]);
    expect(existsSync(lock)).toBe(true);
  });

  it('its holder keeps the lock fresh while it works', async () => {
    const modelsDir = tempModels();
    const dir = path.join(modelsDir, ID);
    const lock = modelLockPath(dir);
    await withModelLock(dir, { heartbeatMs: 20 }, async () => {
      utimesSync(lock, hours(1), hours(1));
      await until('the heartbeat', () => Date.now() - statSync(lock).mtimeMs < 60_000);
    });
    expect(existsSync(lock)).toBe(false);
  });

  it('without hard links (vfat, FUSE) is made by an exclusive create, and still keeps a second holder out', async () => {
    vi.spyOn(fsp, 'link').mockRejectedValue(Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' }));
    const modelsDir = tempModels();
    const dir = path.join(modelsDir, ID);
    const lock = modelLockPath(dir);
    const abort = new AbortController();
    const waited: string[] = [];
    await withModelLock(dir, {}, async () => {
      expect(JSON.parse(await fsp.readFile(lock, 'utf8'))).toMatchObject({ pid: process.pid, host: os.hostname() });
      const second = await withModelLock(dir, { signal: abort.signal, onWait: (_h, l) => (waited.push(l), abort.abort()) }, async () => 'got it').catch((e: unknown) => e);
      expect((second as Error).name).toBe('AbortError');
    });
    expect(waited).toEqual([lock]);
    expect(existsSync(lock)).toBe(false);
  });

  it('an empty lock just created (its writer has not written yet) is held, not taken over', async () => {
    const modelsDir = tempModels();
    const dir = path.join(modelsDir, ID);
    const lock = modelLockPath(dir);
    mkdirSync(path.dirname(lock), { recursive: true });
    writeFileSync(lock, '');
    // Young for the whole test, however slow the machine.
    utimesSync(lock, new Date(), new Date(Date.now() + 60_000));
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const err = await withModelLock(dir, { signal: abort.signal, pollMs: 10 }, async () => 'taken').catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(statSync(lock).size).toBe(0);
    // An old one is debris from a crash mid-write: taken over.
    utimesSync(lock, hours(1), hours(1));
    expect(await withModelLock(dir, {}, async () => 'taken')).toBe('taken');
  });

  it('a folder in the lock\'s place: one storage error naming it', async () => {
    const modelsDir = tempModels();
    const dir = path.join(modelsDir, ID);
    mkdirSync(modelLockPath(dir), { recursive: true });
    const err = await withModelLock(dir, {}, async () => 'taken').catch((e: unknown) => e);
    expect(isDa2enError(err, 'storage')).toBe(true);
    expect((err as Error).message).toContain(`${modelLockPath(dir)} is in the way`);
  });

  it('a failed download with a relative models folder leaves no empty folders', async () => {
    const hub = await bed.start({});
    const modelsDir = tempModels();
    const cwd = process.cwd();
    process.chdir(modelsDir);
    try {
      await ensureModel({ model: 'test-org/nothere', modelsDir: 'mn', dtype: 'q8', offline: false, remoteHost: hub.url }).catch(() => undefined);
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(modelsDir)).toEqual([]);
  });
});
