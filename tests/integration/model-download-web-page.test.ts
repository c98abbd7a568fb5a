import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { DEFAULT_MODEL_ID, filesToRepair, requiredFiles, verifyModel } from '../../src/engine/model-store/index.js';
import { sha256File, writeManifest } from '../../src/engine/model-store/manifest.js';
import { useHubBed } from '../helpers/hub-bed.js';
import { runCli } from '../helpers/run-cli.js';

// A captive portal or a mirror's page answered for every file with HTTP 200 was installed as the
// model, its own size in the manifest; `model download` then said "already in" for ever.
const ID = 'test-org/opus-mt-da-en-tiny';
const PAGE = '<html><body>captive portal login page</body></html>';
const bed = useHubBed('da2en-web-page-');

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  delete process.env['DA2EN_REMOTE_HOST'];
  await close?.();
  close = undefined;
});

/** A server that answers every request with `body` (HTTP 200, its own length), as a captive portal does. */
async function answerEverything(body: string | Buffer, type: string): Promise<string> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  close = () => new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Every file under `dir` (folders left empty do not count). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(path.join(dir, f)).isFile());
}

describe('a server that answers the model files with something else', () => {
  it.each([ID, DEFAULT_MODEL_ID])('%s: a web page for every file is refused (exit 6, one line), and nothing is installed', async (id) => {
    process.env['DA2EN_REMOTE_HOST'] = await answerEverything(PAGE, 'text/html');
    const modelsDir = bed.tempModels();
    const result = await runCli(['model', 'download', '--model', id, '--models-dir', modelsDir]);
    expect(result.code).toBe(ExitCode.Network);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/answered config\.json with a web page, not the file .*nothing was installed.*DA2EN_REMOTE_HOST/);
    expect(filesUnder(modelsDir)).toEqual([]);
  });

  // Was: installed as the model ("ready", exit 0), and `model download` then said "already in".
  it.each([
    ['a page with no <html> (a bare <title>)', '<title>Login</title><form action="/login">…</form>', 'text/html', 'a web page'],
    ['a meta refresh', '\n  <meta http-equiv="refresh" content="0; url=/login">', 'text/html', 'a web page'],
    ['a UTF-16 page', Buffer.from('\uFEFF<div>Sign in</div>', 'utf16le'), 'text/html; charset=utf-16', 'a web page'],
    ['a JSON error', '{"error":"Repository not found"}', 'application/json', 'an error message \\("Repository not found"\\)'],
  ])('%s for every file is refused (exit 6, one line), and nothing is installed', async (_, body, type, what) => {
    process.env['DA2EN_REMOTE_HOST'] = await answerEverything(body, type);
    const modelsDir = bed.tempModels();
    const result = await runCli(['model', 'download', '--model', ID, '--models-dir', modelsDir]);
    expect(result.code, result.stderr).toBe(ExitCode.Network);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`answered config\\.json with ${what}, not the file .*nothing was installed`));
    expect(filesUnder(modelsDir)).toEqual([]);
  });

  it('a config.json that is not a Marian model\'s is refused (exit 5), and nothing is installed', async () => {
    process.env['DA2EN_REMOTE_HOST'] = await answerEverything('{"model_type": "bert", "hidden_size": 768}', 'application/json');
    const modelsDir = bed.tempModels();
    const result = await runCli(['model', 'download', '--model', ID, '--models-dir', modelsDir]);
    expect(result.code, result.stderr).toBe(ExitCode.ModelCorrupt);
    expect(result.stderr).toContain(`${ID}/config.json is not a model file da2en can use (not a Marian model's config (lacks d_model, decoder_attention_heads, decoder_layers, vocab_size))`);
    expect(filesUnder(modelsDir)).toEqual([]);
  });

  it('a file whose size is not the one the hub publishes for the default model is refused, though the server states it', async () => {
    process.env['DA2EN_REMOTE_HOST'] = await answerEverything('{"model_type": "marian"}', 'application/json');
    const modelsDir = bed.tempModels();
    const result = await runCli(['model', 'download', '--models-dir', modelsDir]);
    expect(result.code).toBe(ExitCode.ModelCorrupt);
    expect(result.stderr).toContain(`${DEFAULT_MODEL_ID}/config.json is corrupt or truncated (24 bytes instead of the 1376 it is published with)`);
    expect(filesUnder(modelsDir)).toEqual([]);
  });
});

describe('a model folder an earlier download filled with what the server sent instead', () => {
  it.each([
    ['web pages', PAGE, 'a web page'],
    ['pages with no <html>', '<title>Login</title><form>…</form>', 'a web page'],
    ['JSON errors', '{"error":"Repository not found"}', 'an error message \\("Repository not found"\\)'],
  ])('%s vouched for by its manifest: verify names them, model download fetches them again', async (_, page, what) => {
    const hub = await bed.start({ [ID]: bed.modelDir });
    process.env['DA2EN_REMOTE_HOST'] = hub.url;
    const modelsDir = bed.tempModels();
    const dir = path.join(modelsDir, ID);
    const files: Record<string, { size: number; sha256: string }> = {};
    for (const file of requiredFiles('q8')) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), page);
      files[file] = { size: Buffer.byteLength(page), sha256: await sha256File(path.join(dir, file)) };
    }
    await writeManifest(dir, { id: ID, revision: 'main', remoteHost: hub.url, files });
    const args = ['--model', ID, '--models-dir', modelsDir];

    const verify = await runCli(['model', 'verify', ...args]);
    expect(verify.code).toBe(ExitCode.ModelCorrupt);
    expect(verify.stderr).toMatch(new RegExp(`config\\.json: ${what}, not the model file`));
    const repair = await runCli(['model', 'download', ...args]);
    expect(repair.code, repair.stderr).toBe(0);
    expect(repair.stderr).toMatch(/downloaded 6 file\(s\)/);
    for (const file of requiredFiles('q8')) expect(readFileSync(path.join(dir, file)), file).toEqual(readFileSync(path.join(bed.modelDir, file)));
    expect((await runCli(['model', 'verify', ...args])).code).toBe(0);
  });

  it('the default model: a file whose size is not the published one is repaired, whatever its manifest says', async () => {
    const dir = path.join(bed.tempModels(), DEFAULT_MODEL_ID);
    mkdirSync(dir, { recursive: true });
    // config.json at its published size (1376 bytes), generation_config.json not at its own (293).
    const config = '{"d_model": 8, "decoder_attention_heads": 2, "decoder_layers": 1, "vocab_size": 64, "pad": "';
    writeFileSync(path.join(dir, 'config.json'), `${config}${'x'.repeat(1376 - config.length - 3)}"}\n`);
    writeFileSync(path.join(dir, 'generation_config.json'), '{"max_length": 512}\n');
    const files: Record<string, { size: number; sha256: string }> = {};
    for (const file of ['config.json', 'generation_config.json']) {
      files[file] = { size: statSync(path.join(dir, file)).size, sha256: await sha256File(path.join(dir, file)) };
    }
    expect(files['config.json']!.size).toBe(1376);
    await writeManifest(dir, { id: DEFAULT_MODEL_ID, revision: 'main', remoteHost: 'http://127.0.0.1:9', files });

    const bad = await filesToRepair(dir, DEFAULT_MODEL_ID, 'q8');
    expect(bad).toContain('generation_config.json');
    expect(bad).not.toContain('config.json');
    expect((await verifyModel(dir, 'q8')).problems).toContain('generation_config.json: 20 bytes, published as 293');
  });
});
