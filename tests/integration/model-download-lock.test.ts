import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelLockPath } from '../../src/engine/model-store/download-lock.js';
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
    expect(b.stderr.match(/waiting for another da2en \(pid \d+\) downloading/g)).toHaveLength(1);
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
    expect(notices).toEqual([expect.stringContaining(`waiting for another da2en (pid ${process.pid})`)]);
    expect(existsSync(lock)).toBe(true);
    expect(hub.requests).toEqual([]);
  });
});
