import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureModel, locateModel } from '../../src/engine/model-store/index.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { cliMessage } from '../../src/cli/setting-words.js';
import { Da2enError } from '../../src/errors.js';
import { useHubBed } from '../helpers/hub-bed.js';
import { runCli } from '../helpers/run-cli.js';

// Issue 11 §1: repairing a model must not go in circles, and every model-store failure says what to do.
const ID = 'test-org/opus-mt-da-en-tiny';
const DECODER = 'onnx/decoder_model_merged_quantized.onnx';
const bed = useHubBed('da2en-repair-');
const { tempModels } = bed;

afterEach(() => {
  delete process.env['DA2EN_REMOTE_HOST'];
});

function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('model download repairs exactly the bad files', () => {
  it('verify → download → verify: a truncated file is fetched again, and only that file', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    const modelsDir = tempModels();
    const args = ['--model', ID, '--models-dir', modelsDir];
    expect((await runCli(['model', 'download', ...args])).code).toBe(0);
    const file = path.join(modelsDir, ID, DECODER);
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, 1000));

    const verify = await runCli(['model', 'verify', ...args]);
    expect(verify.code).toBe(ExitCode.ModelCorrupt);
    expect(verify.stderr).toMatch(/decoder_model_merged_quantized\.onnx: 1000 bytes, expected/);
    expect(verify.stderr).toContain('da2en model download');

    hub.requests.length = 0;
    const repair = await runCli(['model', 'download', ...args]);
    expect(repair.code).toBe(0);
    expect(repair.stderr).toMatch(/downloaded 1 file\(s\).*decoder_model_merged_quantized\.onnx/);
    expect(repair.stderr).not.toMatch(/already/);
    // HEAD probes (is this a raw checkpoint repo?) fetch no bytes; what is fetched is the GETs.
    const fetched = new Set(hub.requests.filter((r) => r.method === 'GET').map((r) => r.url.replace(/^.*(?:resolve\/[^/]+\/|cdn\/)/, '').replace(`${ID}/`, '')));
    expect([...fetched]).toEqual([DECODER]);
    expect(readFileSync(file)).toEqual(whole);

    expect((await runCli(['model', 'verify', ...args])).code).toBe(0);
    // A whole model: nothing is fetched, and it says so.
    hub.requests.length = 0;
    const again = await runCli(['model', 'download', ...args]);
    expect(again.stderr).toMatch(/already in/);
    expect(hub.requests).toEqual([]);
  });

  it('a file changed to the same size is caught by its checksum and fetched again', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    const modelsDir = tempModels();
    const args = ['--model', ID, '--models-dir', modelsDir];
    await runCli(['model', 'download', ...args]);
    const file = path.join(modelsDir, ID, 'tokenizer.json');
    const whole = readFileSync(file);
    const changed = Buffer.from(whole);
    changed[10] = changed[10]! ^ 1;
    writeFileSync(file, changed);
    const repair = await runCli(['model', 'download', ...args]);
    expect(repair.stderr).toMatch(/downloaded 1 file\(s\).*tokenizer\.json/);
    expect(readFileSync(file)).toEqual(whole);
  });
});

describe('a damaged manifest', () => {
  it.each([
    ['cut short', '{"id":"x'],
    ['files: null', '{"id":"x","revision":"main","remoteHost":"h","files":null}'],
    ['a name outside the model folder', JSON.stringify({ id: 'x', revision: 'main', remoteHost: 'h', files: { '../../../../../../etc/hostname': { size: 1, sha256: 'a'.repeat(64) } } })],
  ])('%s: verify exits 5 with one line, download fetches the model again and writes a new one', async (_what, damaged) => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    const modelsDir = tempModels();
    const args = ['--model', ID, '--models-dir', modelsDir];
    expect((await runCli(['model', 'download', ...args])).code).toBe(0);
    const manifest = path.join(modelsDir, ID, '.da2en-manifest.json');
    writeFileSync(manifest, damaged);

    const verify = await runCli(['model', 'verify', ...args]);
    expect(verify.code).toBe(ExitCode.ModelCorrupt);
    expect(verify.stderr.trim().split('\n')).toEqual([expect.stringContaining(`is damaged`)]);
    expect(verify.stderr).toMatch(/manifest .* is damaged/);
    expect(verify.stderr).toContain(`run "da2en model download --model test-org/opus-mt-da-en-tiny --models-dir ${modelsDir}" to repair it`);

    const repair = await runCli(['model', 'download', ...args]);
    expect(repair.code).toBe(0);
    expect(repair.stderr).toMatch(/downloaded 6 file\(s\)/);
    expect(JSON.parse(readFileSync(manifest, 'utf8')).id).toBe(ID);
    expect((await runCli(['model', 'verify', ...args])).code).toBe(0);
  });
});

describe('after a damaged manifest is replaced', () => {
  it('the other dtype\'s weights, which nothing vouches for any more, are dropped, and fetched whole when that dtype is used', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    const modelsDir = tempModels();
    const args = ['--model', ID, '--models-dir', modelsDir];
    expect((await runCli(['model', 'download', ...args, '--dtype', 'q8,fp32'])).code).toBe(0);
    const dir = path.join(modelsDir, ID);
    const encoder = path.join(dir, 'onnx/encoder_model.onnx');
    const whole = readFileSync(encoder);
    const changed = Buffer.from(whole);
    changed[100] = changed[100]! ^ 1;
    writeFileSync(encoder, changed);
    writeFileSync(path.join(dir, '.da2en-manifest.json'), '{broken');

    expect((await runCli(['model', 'download', ...args])).code).toBe(0);
    expect(existsSync(encoder)).toBe(false);
    const fp32 = ['--dtype', 'fp32'];
    expect((await runCli(['model', 'verify', ...args, ...fp32])).code).toBe(ExitCode.ModelMissing);
    const again = await runCli(['model', 'download', ...args, ...fp32]);
    expect(again.stderr).toMatch(/downloaded 2 file\(s\)/);
    expect(readFileSync(encoder)).toEqual(whole);
  });

  it('verify does not pass a file present but in no manifest entry; download fetches it again', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    const modelsDir = tempModels();
    const args = ['--model', ID, '--models-dir', modelsDir, '--dtype', 'fp32'];
    expect((await runCli(['model', 'download', ...args])).code).toBe(0);
    const manifestFile = path.join(modelsDir, ID, '.da2en-manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { files: Record<string, unknown> };
    delete manifest.files['onnx/encoder_model.onnx'];
    writeFileSync(manifestFile, JSON.stringify(manifest));

    const verify = await runCli(['model', 'verify', ...args]);
    expect(verify.code).toBe(ExitCode.ModelCorrupt);
    expect(verify.stderr).toMatch(/onnx\/encoder_model\.onnx: not in the manifest, cannot be verified/);
    expect(verify.stderr).toContain('da2en model download --model test-org/opus-mt-da-en-tiny --dtype fp32');
    const repair = await runCli(['model', 'download', ...args]);
    expect(repair.stderr).toMatch(/downloaded 1 file\(s\).*onnx\/encoder_model\.onnx/);
  });
});

describe('model verify and paths', () => {
  it('verify on a model never downloaded: exit 4 (missing), naming the download command', async () => {
    const modelsDir = tempModels();
    const result = await runCli(['model', 'verify', '--model', ID, '--models-dir', modelsDir]);
    expect(result.code).toBe(ExitCode.ModelMissing);
    expect(result.stderr).toMatch(/is not in .*run "da2en model download --model test-org\/opus-mt-da-en-tiny --models-dir /);
    expect(result.stderr).not.toMatch(/corrupt|failed verification/);
  });

  it.each(['./models/tinyy', '../tinyy', './tinyy', 'a/b/c', 'tinyy/'])('--model %s (a path, not a hub id) gets "no model directory at …"', async (spec) => {
    expect(locateModel(spec, '/nowhere').downloadable).toBe(false);
    // `model path` too (was: exit 0, and a download hint for a folder download refuses).
    for (const argv of [['model', 'verify'], ['model', 'download'], ['model', 'path'], ['-', '--format', 'txt']]) {
      const result = await runCli([...argv, '--model', spec], 'Hej.');
      expect(result.code, argv.join(' ')).toBe(ExitCode.ModelMissing);
      expect(result.stderr).toContain(`no model directory at ${path.resolve(spec)}`);
      expect(result.stderr).not.toMatch(/network|download/i);
    }
  });

  it('owner/name stays a hub id unless it names a folder here', () => {
    expect(locateModel('Xenova/opus-mt-da-en', '/m')).toEqual({ id: 'Xenova/opus-mt-da-en', dir: path.join('/m', 'Xenova', 'opus-mt-da-en'), downloadable: true });
    // The project root (the tests' working directory) has models/ and src/engine/, not models/opus.
    expect(locateModel('models/opus', '/m').downloadable).toBe(true);
    expect(locateModel('src/engine', '/m').downloadable).toBe(false);
  });
});

describe('a failed download', () => {
  it('leaves no empty *.partial folder, and the message names the mirror variable and the local-model way', async () => {
    const hub = await bed.start({});
    const closed = hub.url;
    await hub.close();
    const modelsDir = tempModels();
    const err = await ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: closed }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Da2enError);
    expect((err as Da2enError).kind).toBe('network');
    const message = (err as Da2enError).message;
    expect(message).toContain('DA2EN_REMOTE_HOST');
    // In the library's words; the CLI names its options (src/cli/setting-words.ts).
    expect(message).toContain('or use a local model folder (no download, no offline mode needed)');
    expect(cliMessage(err as Da2enError)).toContain('or use a local --model DIR (no download, no --offline needed)');
    expect(message).toContain('build-model');
    expect(message).not.toContain('--offline with');
    expect(tree(modelsDir)).toEqual([]);
  });

  it('a drop mid-file keeps the bytes for resuming but no empty folders', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir }, { dropAfter: { [DECODER]: 20_000 } });
    const modelsDir = tempModels();
    await ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: hub.url }).catch(() => undefined);
    const staging = path.join(modelsDir, `${ID}.partial`);
    expect(readFileSync(path.join(staging, `${DECODER}.part`)).length).toBe(20_000);
    for (const entry of tree(staging)) {
      const full = path.join(staging, entry);
      if (statSync(full).isDirectory()) expect(readdirSync(full).length, entry).toBeGreaterThan(0);
      else expect(statSync(full).size, entry).toBeGreaterThan(0);
    }
    await ensureModel({ model: ID, modelsDir, dtype: 'q8', offline: false, remoteHost: hub.url });
    expect(existsSync(staging)).toBe(false);
  });
});

/** The words a POSIX shell makes of `line`: what running a suggested command as written passes to da2en. */
function shellWords(line: string): string[] {
  return execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

/** The arguments a shell gives da2en for each `da2en …` command a message names (a message naming none fails the test). */
function suggested(message: string): string[][] {
  const commands = [...message.matchAll(/"(da2en [^"]+)"/g)].map((m) => shellWords(m[1]!).slice(1));
  expect(commands.length, message).toBeGreaterThan(0);
  return commands;
}

// Was: the commands left out --models-dir (and --dtype), so they acted on the default models folder.
describe('the commands error lines suggest fix the model that failed, run as written', () => {
  it('offline and missing, in another models folder (a space and a quote in its name) and fp32: the download it names fetches that model', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    const modelsDir = path.join(tempModels(), "Anne's models");
    const args = ['-', '--format', 'txt', '--model', ID, '--models-dir', modelsDir, '--dtype', 'fp32', '--offline', '--no-cache'];
    const offline = await runCli(args, 'Hej.');
    expect(offline.code).toBe(ExitCode.ModelMissing);
    const [download] = suggested(offline.stderr);
    expect(download).toEqual(['model', 'download', '--model', ID, '--dtype', 'fp32', '--models-dir', modelsDir]);
    expect((await runCli(download!)).code).toBe(0);
    expect((await runCli(args, 'Hej.')).code).toBe(0);
  });

  it('a truncated file found when loading: the verify it names finds it, the download it names repairs it', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    const modelsDir = tempModels();
    expect((await runCli(['model', 'download', '--model', ID, '--models-dir', modelsDir])).code).toBe(0);
    const file = path.join(modelsDir, ID, DECODER);
    writeFileSync(file, readFileSync(file).subarray(0, 1000));
    const args = ['-', '--format', 'txt', '--model', ID, '--models-dir', modelsDir, '--offline', '--no-cache'];
    const load = await runCli(args, 'Hej.');
    expect(load.code).toBe(ExitCode.ModelCorrupt);
    const [verify, download] = suggested(load.stderr);
    // The default models folder has no such model: a verify of that one would exit 4 (missing).
    expect((await runCli(verify!)).code).toBe(ExitCode.ModelCorrupt);
    expect((await runCli(download!)).code).toBe(0);
    expect((await runCli(verify!)).code).toBe(0);
    expect((await runCli(args, 'Hej.')).code).toBe(0);
  });

  it('model path names the download of that model, dtype and folder', async () => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    const args = ['model', 'path', '--model', ID, '--models-dir', tempModels(), '--dtype', 'fp32'];
    const before = await runCli(args);
    expect(before.code).toBe(0);
    const [download] = suggested(before.stderr);
    expect((await runCli(download!)).code).toBe(0);
    expect((await runCli(args)).stderr).toBe('');
  });
});
