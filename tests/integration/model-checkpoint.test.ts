import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadTranslator } from '../../src/engine/load-translator.js';
import { installCheckpoint } from '../../src/engine/model-store/checkpoint.js';
import { checkpointDir, ensureModel, requiredFiles, verifyModel } from '../../src/engine/model-store/index.js';
import { sha256File } from '../../src/engine/model-store/manifest.js';
import { startHub, type HubServer } from '../helpers/hub-server.js';
import { writeTinyCheckpoint } from '../helpers/tiny-checkpoint.js';

const ID = 'Helsinki-NLP/opus-mt-tiny-test';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-ckpt-hub-'));
const ckpt = writeTinyCheckpoint(path.join(tmp, 'checkpoint'), 'tc-big', 'F16');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let hub: HubServer | null = null;
afterEach(async () => {
  await hub?.close();
  hub = null;
});
let n = 0;
const modelsDir = () => path.join(tmp, `models-${n++}`);

/**
 * A Writable stand-in that keeps what the CLI writes. Like a real stream it calls back (later, never
 * before write returns) when given a callback: a CLI that waits for its output to drain would
 * otherwise wait for ever.
 */
function sink(): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = rest.findLast((arg): arg is (err?: Error | null) => void => typeof arg === 'function');
    if (done) process.nextTick(done);
    return true;
  };
  return Object.assign(Object.create(process.stderr) as NodeJS.WriteStream, { isTTY: false, write, text: () => chunks.join('') });
}

describe('hub checkpoints (no onnx/): downloaded, converted, kept as a model', () => {
  it('ensureModel downloads the checkpoint files, converts them, verifies, and removes the raw checkpoint', async () => {
    hub = await startHub({ [ID]: ckpt.dir });
    const dir = modelsDir();
    const notices: string[] = [];
    const started: { file: string; total: number | undefined }[] = [];
    const location = await ensureModel({ model: ID, modelsDir: dir, dtype: 'q8', offline: false, remoteHost: hub.url, onNotice: (m) => notices.push(m), onStart: (files) => started.push(...files) });
    // The sizes the hub stated before the download are the progress bar's total from the start.
    expect(started.find((f) => f.file === 'model.safetensors')?.total).toBe(readFileSync(path.join(ckpt.dir, 'model.safetensors')).length);
    expect(started.filter((f) => f.total === undefined)).toEqual([]);
    for (const f of requiredFiles('q8')) expect(existsSync(path.join(location.dir, f)), f).toBe(true);
    expect(existsSync(checkpointDir(location.dir))).toBe(false);
    // The checkpoint's files were fetched, the safetensors in preference to the .bin.
    const fetched = hub.requests.filter((r) => !r.url.includes('/cdn/')).map((r) => r.url.split('/resolve/main/')[1]);
    expect(fetched).toContain('model.safetensors');
    expect(fetched).toContain('source.spm');
    expect(fetched).not.toContain('pytorch_model.bin');
    expect(notices.join('\n')).toMatch(/converting Helsinki-NLP\/opus-mt-tiny-test \(q8\)/);
    expect((await verifyModel(location.dir, 'q8')).problems).toEqual([]);

    const translator = await loadTranslator({ model: ID, modelsDir: dir, offline: true, remoteHost: 'http://127.0.0.1:9' });
    try {
      const [out] = await translator.translateBatch(['Det er en god dag.']);
      expect(out!.tokens).toBeGreaterThan(0);
    } finally {
      await translator.dispose();
    }
  });

  it('--keep-source keeps the checkpoint, from which another dtype converts offline', async () => {
    hub = await startHub({ [ID]: ckpt.dir });
    const dir = modelsDir();
    const location = await ensureModel({ model: ID, modelsDir: dir, dtype: 'q8', offline: false, remoteHost: hub.url, keepSource: true });
    expect(existsSync(path.join(checkpointDir(location.dir), 'model.safetensors'))).toBe(true);
    const before = hub.requests.length;
    await ensureModel({ model: ID, modelsDir: dir, dtype: 'fp32', offline: true, remoteHost: hub.url });
    expect(hub.requests.length).toBe(before);
    for (const f of [...requiredFiles('q8'), ...requiredFiles('fp32')]) expect(existsSync(path.join(location.dir, f)), f).toBe(true);
    expect((await verifyModel(location.dir, 'fp32')).problems).toEqual([]);
  });

  // Was: the signal was not passed to the conversion, which ran to its end (and a failure would have
  // been reported as a corrupt model).
  it('a stop during the conversion of a kept checkpoint: kind interrupted, no model, the checkpoint kept', async () => {
    const parent = modelsDir();
    const dir = path.join(parent, ...ID.split('/'));
    cpSync(ckpt.dir, checkpointDir(dir), { recursive: true });
    const stop = new AbortController();
    const onNotice = (m: string) => {
      if (m.startsWith('converting')) stop.abort(new Error('stopped by the test'));
    };
    const err = await installCheckpoint({ id: ID, dir, modelsDir: parent, dtype: 'q8', remoteHost: 'http://127.0.0.1:9', offline: true, onNotice, signal: stop.signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'interrupted', message: 'the conversion was stopped: stopped by the test' });
    expect(readdirSync(path.dirname(dir))).toEqual([`${path.basename(dir)}.checkpoint`]);
    expect(existsSync(path.join(checkpointDir(dir), 'model.safetensors'))).toBe(true);
  });

  it('says how big a large download is before it starts', async () => {
    hub = await startHub({ [ID]: ckpt.dir });
    const notices: string[] = [];
    const parent = modelsDir();
    const dir = path.join(parent, ...ID.split('/'));
    await installCheckpoint({ id: ID, dir, modelsDir: parent, dtype: 'q8', remoteHost: hub.url, onNotice: (m) => notices.push(m), largeDownloadBytes: 1000 });
    const bytes = readFileSync(path.join(ckpt.dir, 'model.safetensors')).length;
    expect(notices[0]).toBe(`${ID} has no ONNX export: downloading its checkpoint, ${Math.round((bytes + readFileSync(path.join(ckpt.dir, 'source.spm')).length * 2 + readFileSync(path.join(ckpt.dir, 'vocab.json')).length + readFileSync(path.join(ckpt.dir, 'config.json')).length + readFileSync(path.join(ckpt.dir, 'tokenizer_config.json')).length) / 1e6)} MB (model.safetensors ${Math.round(bytes / 1e6)} MB), then converting it`);
  });

  it('da2en model download --model Helsinki-NLP/<name> converts; a repo that is not a checkpoint gets one line', async () => {
    hub = await startHub({ [ID]: ckpt.dir });
    const dir = modelsDir();
    const saved = { ...process.env };
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    try {
      const stdout = sink();
      const stderr = sink();
      const code = await main(['model', 'download', '--model', ID, '--models-dir', dir], { stdout, stderr });
      expect(code, stderr.text()).toBe(0);
      expect(stderr.text()).toMatch(/Helsinki-NLP\/opus-mt-tiny-test \(q8\) is ready in /);
      expect(existsSync(path.join(dir, ...ID.split('/'), 'onnx', 'decoder_model_merged_quantized.onnx'))).toBe(true);

      const err = sink();
      const missing = await main(['model', 'download', '--model', 'Helsinki-NLP/opus-mt-xx-yy', '--models-dir', dir], { stdout: sink(), stderr: err });
      expect(missing).toBe(4);
      expect(err.text().trim().split('\n')).toHaveLength(1);
    } finally {
      process.env = saved;
    }
  });

  /** `da2en model …` against the mirror at `host`, in the models folder `dir`. */
  async function model(host: string, dir: string, ...args: string[]): Promise<{ code: number; stderr: string }> {
    const saved = { ...process.env };
    process.env['DA2EN_REMOTE_HOST'] = host;
    try {
      const stderr = sink();
      return { code: await main(['model', ...args, '--model', ID, '--models-dir', dir], { stdout: sink(), stderr }), stderr: stderr.text() };
    } finally {
      process.env = saved;
    }
  }
  const weightGets = (h: HubServer) => h.requests.filter((r) => r.method === 'GET' && r.url.endsWith('/model.safetensors')).length;

  it('da2en model download says a converted model\'s files were converted, not downloaded (was: "downloaded 2 file(s)" from an --offline conversion of a kept checkpoint)', async () => {
    hub = await startHub({ [ID]: ckpt.dir });
    const dir = modelsDir();
    const saved = { ...process.env };
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    try {
      const first = sink();
      expect(await main(['model', 'download', '--model', ID, '--models-dir', dir, '--keep-source'], { stdout: sink(), stderr: first }), first.text()).toBe(0);
      expect(first.text()).toMatch(/\(q8\) is ready in .*; made 6 file\(s\) from its checkpoint: config\.json, /);
      const before = hub.requests.length;
      const offline = sink();
      expect(await main(['model', 'download', '--model', ID, '--models-dir', dir, '--dtype', 'fp32', '--offline'], { stdout: sink(), stderr: offline }), offline.text()).toBe(0);
      expect(hub.requests.length).toBe(before);
      expect(offline.text()).toMatch(/\(fp32\) is ready in .*; made 2 file\(s\) from its checkpoint: onnx\/encoder_model\.onnx, onnx\/decoder_model_merged\.onnx\n/);
      expect(first.text() + offline.text()).not.toContain('downloaded');
    } finally {
      process.env = saved;
    }
  });

  it('a kept checkpoint cut short is checked against its manifest and fetched again (was: exit 5 "the file is truncated" on every run, no request)', async () => {
    hub = await startHub({ [ID]: ckpt.dir });
    const dir = modelsDir();
    expect((await model(hub.url, dir, 'download', '--keep-source')).code).toBe(0);
    const source = checkpointDir(path.join(dir, ...ID.split('/')));
    truncateSync(path.join(source, 'model.safetensors'), 100);
    const before = weightGets(hub);
    const offline = await model(hub.url, dir, 'download', '--dtype', 'fp32', '--offline');
    expect(offline.code).toBe(5);
    expect(offline.stderr).toContain(`the checkpoint of ${ID} kept in ${source} is damaged (model.safetensors: 100 bytes, expected`);
    const repaired = await model(hub.url, dir, 'download', '--dtype', 'fp32');
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(weightGets(hub)).toBe(before + 1);
    expect((await model(hub.url, dir, 'verify', '--dtype', 'fp32')).code).toBe(0);
  });

  it('a kept checkpoint whose weights are a web page its manifest vouches for is fetched again (was: exit 5 on every run, "delete … and run")', async () => {
    hub = await startHub({ [ID]: ckpt.dir });
    const dir = modelsDir();
    expect((await model(hub.url, dir, 'download', '--keep-source')).code).toBe(0);
    const source = checkpointDir(path.join(dir, ...ID.split('/')));
    // As a download before web pages were refused left it: the page, and its size and sha256 in the manifest.
    const weights = path.join(source, 'model.safetensors');
    writeFileSync(weights, '<!DOCTYPE html><html><body>Sign in to the network</body></html>');
    const manifest = JSON.parse(readFileSync(path.join(source, '.da2en-manifest.json'), 'utf8')) as { files: Record<string, { size: number; sha256: string }> };
    manifest.files['model.safetensors'] = { size: statSync(weights).size, sha256: await sha256File(weights) };
    writeFileSync(path.join(source, '.da2en-manifest.json'), JSON.stringify(manifest));
    const before = weightGets(hub);
    const repaired = await model(hub.url, dir, 'download', '--dtype', 'fp32');
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(weightGets(hub)).toBe(before + 1);
    expect((await model(hub.url, dir, 'verify', '--dtype', 'fp32')).code).toBe(0);
  });

  it('a checkpoint a mirror sent short, stating no size or checksum, fails to convert with the way out in its one line', async () => {
    const bytes = readFileSync(path.join(ckpt.dir, 'model.safetensors')).length;
    hub = await startHub({ [ID]: ckpt.dir }, { truncate: { 'model.safetensors': bytes - 1000 } });
    const dir = modelsDir();
    const source = checkpointDir(path.join(dir, ...ID.split('/')));
    const broken = await model(hub.url, dir, 'download');
    expect(broken.code).toBe(5);
    const line = broken.stderr.trim().split('\n').at(-1)!;
    expect(line).toMatch(/^da2en: could not convert Helsinki-NLP\/opus-mt-tiny-test: .*truncated/);
    expect(line).toContain(`delete ${source} and run "da2en model download --model ${ID} --models-dir ${dir}" to fetch it again`);
    // What the line says to do works once the mirror serves the whole file.
    await hub.close();
    hub = await startHub({ [ID]: ckpt.dir });
    rmSync(source, { recursive: true });
    const again = await model(hub.url, dir, 'download');
    expect(again.code, again.stderr).toBe(0);
  });

  it('--dtype q8,fp32 converts both from one download of the checkpoint (was: the weights downloaded once per dtype)', async () => {
    hub = await startHub({ [ID]: ckpt.dir });
    const dir = modelsDir();
    const result = await model(hub.url, dir, 'download', '--dtype', 'q8,fp32');
    expect(result.code, result.stderr).toBe(0);
    expect(weightGets(hub)).toBe(1);
    const location = path.join(dir, ...ID.split('/'));
    expect(existsSync(checkpointDir(location))).toBe(false);
    for (const dtype of ['q8', 'fp32'] as const) expect((await verifyModel(location, dtype)).problems, dtype).toEqual([]);
  });

  it('a converted model missing its config.json is repaired by the download verify names (was: exit 5 "refusing to replace …: it holds .da2en-manifest.json")', async () => {
    hub = await startHub({ [ID]: ckpt.dir });
    const dir = modelsDir();
    const model = path.join(dir, ...ID.split('/'));
    const saved = { ...process.env };
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    const run = async (...args: string[]) => {
      const stderr = sink();
      return { code: await main(['model', ...args, '--model', ID, '--models-dir', dir], { stdout: sink(), stderr }), stderr: stderr.text() };
    };
    try {
      expect((await run('download')).code).toBe(0);
      rmSync(path.join(model, 'config.json'));
      const broken = await run('verify');
      expect(broken.code, broken.stderr).toBe(4);
      expect(broken.stderr).toContain(`da2en model download --model ${ID}`);
      const repair = await run('download');
      expect(repair.code, repair.stderr).toBe(0);
      expect(existsSync(path.join(model, 'config.json'))).toBe(true);
      const verified = await run('verify');
      expect(verified.code, verified.stderr).toBe(0);
    } finally {
      process.env = saved;
    }
  });
});
