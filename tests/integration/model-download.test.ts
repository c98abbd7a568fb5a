import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTranslator } from '../../src/engine/load-translator.js';
import { ensureModel, requiredFiles, verifyModel } from '../../src/engine/model-store/index.js';
import { Da2enError, type ErrorKind } from '../../src/errors.js';
import { useHubBed } from '../helpers/hub-bed.js';

const ID = 'test-org/opus-mt-da-en-tiny';
const bed = useHubBed('da2en-models-');
const { tempModels } = bed;

async function expectDomainError(promise: Promise<unknown>, kind: ErrorKind, pattern: RegExp): Promise<Da2enError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Da2enError);
  expect((err as Da2enError).kind).toBe(kind);
  expect((err as Da2enError).message).toMatch(pattern);
  expect((err as Da2enError).message).not.toContain('\n');
  return err as Da2enError;
}

describe('model download from a hub-layout server on loopback', () => {
  it('downloads with progress, writes a manifest, verifies, and the model loads and translates', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    const modelsDir = tempModels();
    const seen: { file: string; loaded: number }[] = [];
    const location = await ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: hub.url, onProgress: (p) => seen.push(p) });
    expect(location.dir).toBe(path.join(modelsDir, 'test-org', 'opus-mt-da-en-tiny'));
    for (const file of requiredFiles('q8')) expect(readFileSync(path.join(location.dir, file))).toEqual(readFileSync(path.join(bed.modelDir, file)));
    // Only the q8 files were fetched; fp32 would be fetched when asked for.
    expect(existsSync(path.join(location.dir, 'onnx/encoder_model.onnx'))).toBe(false);
    const onnx = seen.filter((p) => p.file === 'onnx/decoder_model_merged_quantized.onnx').map((p) => p.loaded);
    expect(onnx.length).toBeGreaterThan(1);
    expect(onnx.at(-1)).toBe(readFileSync(path.join(bed.modelDir, 'onnx/decoder_model_merged_quantized.onnx')).length);
    // The large files came through the redirect that carries their sha256, like the hub's.
    expect(hub.requests.some((r) => r.url.startsWith('/cdn/'))).toBe(true);
    expect((await verifyModel(location.dir, 'q8')).problems).toEqual([]);

    const translator = await loadTranslator({ model: ID, modelsDir, offline: true, dtype: 'q8' });
    const [out] = await translator.translateBatch(['Det er en god dag.']);
    expect(out!.tokens).toBeGreaterThan(0);
    await translator.dispose();
    // Nothing is left in the staging folder.
    expect(existsSync(`${location.dir}.partial`)).toBe(false);
  });

  it('resumes an interrupted download with a Range request', async () => {
    const file = 'onnx/decoder_model_merged_quantized.onnx';
    const hub = await bed.start({ [ID]: bed.modelDir }, { dropAfter: { [file]: 20_000 } });
    const modelsDir = tempModels();
    const dir = path.join(modelsDir, ID);
    await expectDomainError(ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: hub.url }), 'network', /run the same command again to resume/);
    // The model folder holds no half-written file; the partial download waits in .partial.
    expect(existsSync(path.join(dir, file))).toBe(false);
    expect(readFileSync(path.join(`${dir}.partial`, `${file}.part`)).length).toBe(20_000);

    await ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: hub.url });
    expect(hub.requests.filter((r) => r.range === 'bytes=20000-').length).toBeGreaterThan(0);
    expect(readFileSync(path.join(dir, file))).toEqual(readFileSync(path.join(bed.modelDir, file)));
    expect((await verifyModel(dir, 'q8')).problems).toEqual([]);
  });

  it('catches a truncated file by its size and checksum and leaves no model behind', async () => {
    const file = 'onnx/encoder_model_quantized.onnx';
    const hub = await bed.start({ [ID]: bed.modelDir }, { truncate: { [file]: 5_000 } });
    const modelsDir = tempModels();
    const dir = path.join(modelsDir, ID);
    await expectDomainError(ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: hub.url }), 'model-corrupt', /corrupt or truncated .*5000 bytes instead of \d+/);
    expect(existsSync(path.join(dir, file))).toBe(false);
    expect(existsSync(path.join(`${dir}.partial`, `${file}.part`))).toBe(false);
  });

  it('offline and missing: one line naming the path and the command to fix it', async () => {
    const modelsDir = tempModels();
    const err = await expectDomainError(ensureModel({ model: ID, modelsDir, dtype: 'fp32', offline: true, remoteHost: 'http://127.0.0.1:9' }), 'model-missing', /offline mode forbids downloading/);
    expect(err.message).toContain(path.join(modelsDir, ID));
    expect(err.message).toContain(`da2en model download --model ${ID} --dtype fp32`);
  });

  it('no network: one line naming the path and what to do', async () => {
    const hub = await bed.start({});
    const closedUrl = hub.url;
    await hub.close();
    const modelsDir = tempModels();
    const err = await expectDomainError(ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: closedUrl }), 'network', /ECONNREFUSED/);
    expect(err.message).toContain(path.join(modelsDir, ID));
    // The wrappers keep what they wrap: the store's error, and under it fetch's own.
    expect(err.cause).toBeInstanceOf(Da2enError);
    expect((err.cause as Da2enError).cause).toBeInstanceOf(Error);
    expect(existsSync(path.join(modelsDir, ID))).toBe(false);
  });

  it('verify finds a file changed after download, and loading names the file', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    const modelsDir = tempModels();
    const { dir } = await ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: hub.url });
    const file = path.join(dir, 'onnx/decoder_model_merged_quantized.onnx');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const report = await verifyModel(dir, 'q8');
    expect(report.problems).toEqual([expect.stringMatching(/^onnx\/decoder_model_merged_quantized\.onnx: \d+ bytes, expected \d+$/)]);
    const err = await expectDomainError(loadTranslator({ model: ID, modelsDir, offline: true }), 'model-corrupt', /decoder_model_merged_quantized\.onnx.*da2en model verify/);
    expect(err.cause).toBeInstanceOf(Error); // ONNX Runtime's own message, for --verbose
  });
});

describe('a mirror or proxy that gzips what it sends (content-length and ranges of compressed bytes)', () => {
  const DECODER = 'onnx/decoder_model_merged_quantized.onnx';

  /** Leaves `bytes` as the partial download of `file`, where an interrupted download keeps it. */
  function leavePart(modelsDir: string, file: string, bytes: Buffer): void {
    const part = path.join(`${path.join(modelsDir, ID)}.partial`, `${file}.part`);
    mkdirSync(path.dirname(part), { recursive: true });
    writeFileSync(part, bytes);
  }

  function expectWholeModel(modelsDir: string): void {
    const dir = path.join(modelsDir, ID);
    for (const file of requiredFiles('q8')) expect(readFileSync(path.join(dir, file)), file).toEqual(readFileSync(path.join(bed.modelDir, file)));
    expect(existsSync(`${dir}.partial`)).toBe(false);
  }

  it('asks for identity on every request, and a gzipped answer still gives the exact bytes (was: corrupt, the compressed length taken for the size)', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir }, { gzip: true });
    const modelsDir = tempModels();
    await ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: hub.url });
    expectWholeModel(modelsDir);
    expect((await verifyModel(path.join(modelsDir, ID), 'q8')).problems).toEqual([]);
    expect(hub.requests.length).toBeGreaterThan(0);
    expect(hub.requests.filter((r) => r.acceptEncoding !== 'identity')).toEqual([]);
  });

  it('a gzipped 206 to a resumed download: the partial file is dropped and the file fetched whole, without a Range', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir }, { gzip: true });
    const modelsDir = tempModels();
    for (const file of [DECODER, 'tokenizer.json']) leavePart(modelsDir, file, readFileSync(path.join(bed.modelDir, file)).subarray(0, 1000));
    await ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: hub.url });
    expectWholeModel(modelsDir);
    for (const file of [DECODER, 'tokenizer.json']) {
      const gets = hub.requests.filter((r) => r.method === 'GET' && r.url.endsWith(file));
      // The resumed request, then (after the redirect of a large file) the whole file again.
      expect(gets.at(0)?.range, file).toBe('bytes=1000-');
      expect(gets.at(-1)?.range, file).toBeUndefined();
    }
  });

  it('a 416 whose total is not the partial file\'s size starts the file again; one whose total is, keeps it', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    const modelsDir = tempModels();
    const config = readFileSync(path.join(bed.modelDir, 'config.json'));
    // Longer than the file (another file's bytes, or a mirror's file that changed since).
    leavePart(modelsDir, 'config.json', Buffer.concat([config, Buffer.from('\n\n\n\n')]));
    // Already whole: the 416 says the same size, and nothing is fetched again.
    leavePart(modelsDir, 'tokenizer.json', readFileSync(path.join(bed.modelDir, 'tokenizer.json')));
    await ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: hub.url });
    expectWholeModel(modelsDir);
    const gets = (file: string) => hub.requests.filter((r) => r.method === 'GET' && r.url.endsWith(`/${file}`)).map((r) => r.range);
    expect(gets('config.json')).toEqual([`bytes=${config.length + 4}-`, undefined]);
    expect(gets('tokenizer.json')).toEqual([`bytes=${readFileSync(path.join(bed.modelDir, 'tokenizer.json')).length}-`]);
  });
});
