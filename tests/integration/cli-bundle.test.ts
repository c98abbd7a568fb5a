/**
 * The CLI as it ships: package.json's `bin` runs the bundle (tools/bundle-cli.ts), not the modules the
 * rest of the suite runs from source. Bundled, code finds the files it needs in other ways than by
 * its own module's place: the scripts it starts as a model process and as the server's engine
 * thread, da2en's package.json and models/ folder, the packages left out of the bundle. Each of
 * those is used here, and every answer must equal the CLI's from source.
 *
 * The bundle is made afresh from src/ into a folder inside this package (so that node_modules and
 * package.json are found above it as they are above dist/bundle).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { bundleCli } from '../../tools/bundle-cli.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { writeTinyCheckpoint } from '../helpers/tiny-checkpoint.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

const TEXT = 'Kommunen bygger en ny skole.\n\nBørn og voksne fejrede sejren på torvet i går aftes. Det regner.\n';
const MARKDOWN = '# Ny skole\n\nKommunen bygger en **ny skole** i byen.\n\n- Børn fejrede sejren.\n- Det regner.\n';
const SENTENCES = 'Det nye havnebad i Aarhus åbner på lørdag, og kommunen forventer mange gæster. Vandet er testet og er rent.';
const PAGE = `<!doctype html><html><head><title>Havnebad</title></head><body><nav>Forside Nyheder Sport</nav>
<article><h1>Havnebadet åbner</h1>${`<p>${SENTENCES}</p>`.repeat(5)}</article><footer>Kontakt os</footer></body></html>`;

let bundleDir: string;
let bin: string;
let tmp: string;
let model: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runWith(script: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const runBundle = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> => runWith(bin, args, env, root);

const runSource = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> => spawnCli(args, env).done;

interface Bilingual {
  title: unknown;
  paragraphs: unknown[];
  qa: unknown;
}
const document = (file: string) => {
  const { title, paragraphs, qa } = JSON.parse(readFileSync(file, 'utf8')) as Bilingual;
  return { title, paragraphs, qa };
};

beforeAll(async () => {
  const cache = path.join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  bundleDir = mkdtempSync(path.join(cache, 'da2en-bundle-test-'));
  [bin, model] = await Promise.all([bundleCli(bundleDir), builtModel('tiny')]);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-bundle-'));
  writeFileSync(path.join(tmp, 'article.da.txt'), TEXT);
  writeFileSync(path.join(tmp, 'notes.da.md'), MARKDOWN);
  writeFileSync(path.join(tmp, 'page.html'), PAGE);
}, 120_000);
afterAll(() => {
  rmSync(bundleDir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe('the bundled CLI (package.json bin)', () => {
  it('is what package.json’s bin names', () => {
    expect(pkg.bin['da2en']).toBe('dist/bundle/bin.js');
    expect(path.basename(bin)).toBe(path.basename(pkg.bin['da2en']!));
  });

  it('translates text, Markdown and a web page exactly as the CLI from source, through its own model process', async () => {
    for (const input of ['article.da.txt', 'notes.da.md', 'page.html']) {
      const common = [path.join(tmp, input), '--model', model, '--dtype', 'q8', '--offline', '--no-cache', '--verbose'];
      const bundled = await runBundle([...common, '-o', path.join(tmp, `${input}.bundle.json`)]);
      expect(bundled.code, bundled.stderr).toBe(0);
      // The model ran in the bundle's generator-worker.js, opened ahead by the bundle's bin.
      expect(bundled.stderr).toMatch(/model started in [\d.]+ s \(generation inside ONNX Runtime, .*opened ahead\)/);
      const source = await runSource([...common, '-o', path.join(tmp, `${input}.source.json`)]);
      expect(source.code, source.stderr).toBe(0);
      const fromBundle = document(path.join(tmp, `${input}.bundle.json`));
      expect(fromBundle.paragraphs.length).toBeGreaterThan(1);
      expect(fromBundle).toEqual(document(path.join(tmp, `${input}.source.json`)));
    }
  }, 120_000);

  it('knows its version and its models folder, and speaks English whatever LANG says', async () => {
    const version = await runBundle(['--version']);
    expect(version.stdout.trim()).toBe(pkg.version);
    const where = await runBundle(['model', 'path'], { DA2EN_MODELS_DIR: '' });
    expect(where.stdout.trim()).toBe(path.join(root, 'models', 'Xenova', 'opus-mt-da-en'));
    expect(where.stdout).toBe((await runSource(['model', 'path'], { DA2EN_MODELS_DIR: '' })).stdout);
    const help = await runBundle(['--help'], { LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Options:');
    expect(help.stdout).toBe((await runSource(['--help'], { LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' })).stdout);
  }, 60_000);

  it('bundled into a folder outside any da2en package, it still starts: version 0.0.0, and the models folder asked for', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'da2en-bundle-outside-'));
    try {
      const elsewhere = await bundleCli(outside);
      const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runWith(elsewhere, args, { ...env, DA2EN_MODELS_DIR: env['DA2EN_MODELS_DIR'] ?? '' }, outside);
      expect((await run(['--version'])).stdout.trim()).toBe('0.0.0');
      const where = await run(['model', 'path']);
      expect(where.code).toBe(2);
      expect(where.stderr.trim().split('\n')).toHaveLength(1);
      expect(where.stderr).toContain('--models-dir');
      const given = await run(['model', 'path'], { DA2EN_MODELS_DIR: path.join(outside, 'models') });
      expect(given.code, given.stderr).toBe(0);
      expect(given.stdout.trim()).toBe(path.join(outside, 'models', 'Xenova', 'opus-mt-da-en'));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  }, 60_000);

  it('converts a checkpoint in its own thread (convert-worker.js), into the files the CLI from source writes', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'ckpt'), 'tc-big', 'F16');
    const bundled = await runBundle(['model', 'convert', ckpt.dir, '--out', path.join(tmp, 'converted-bundle')]);
    expect(bundled.code, bundled.stderr).toBe(0);
    const source = await runSource(['model', 'convert', ckpt.dir, '--out', path.join(tmp, 'converted-source')]);
    expect(source.code, source.stderr).toBe(0);
    for (const f of ['tokenizer.json', 'onnx/encoder_model_quantized.onnx', 'onnx/decoder_model_merged_quantized.onnx']) {
      expect(readFileSync(path.join(tmp, 'converted-bundle', f)).equals(readFileSync(path.join(tmp, 'converted-source', f))), f).toBe(true);
    }
  }, 120_000);

  it('reports a missing input in one line with the same exit code', async () => {
    const args = [path.join(tmp, 'missing.da.txt'), '--model', model, '--offline'];
    const bundled = await runBundle(args);
    const source = await runSource(args);
    expect(bundled.code).toBe(3);
    expect(bundled.code).toBe(source.code);
    expect(bundled.stderr.trim().split('\n')).toHaveLength(1);
    expect(bundled.stderr).toBe(source.stderr);
  }, 60_000);

  it('serves: the engine thread (engine-worker.js) answers an article as the CLI translates it, the extraction thread (extract-worker.js) a page', async () => {
    const server = spawn(process.execPath, [bin, 'serve', '--model', model, '--port', '0', '--offline', '--cache-dir', path.join(tmp, 'serve-cache')], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    server.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    try {
      let url = '';
      for (const deadline = Date.now() + 60_000; url === '' && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
        if (server.exitCode !== null) throw new Error(`serve exited: ${stderr}`);
        url = /listening on (http:\/\/[^/\s]+)/.exec(stderr)?.[1] ?? '';
      }
      expect(url, stderr).not.toBe('');
      const response = await fetch(`${url}/v1/articles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: TEXT }) });
      expect(response.status).toBe(200);
      const served = (await response.json()) as Bilingual;
      const cli = await runBundle([path.join(tmp, 'article.da.txt'), '--model', model, '--offline', '--no-cache', '--quiet', '-o', path.join(tmp, 'for-serve.json')]);
      expect(cli.code, cli.stderr).toBe(0);
      const targets = (d: Bilingual) => (d.paragraphs as { target: string }[]).map((p) => p.target);
      expect(targets(served)).toEqual(targets(document(path.join(tmp, 'for-serve.json'))));

      // A page's article is extracted in the bundle's extract-worker.js thread: as the CLI reads the same page.
      const fromHtml = await fetch(`${url}/v1/articles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ html: PAGE }) });
      expect(fromHtml.status).toBe(200);
      const cliPage = await runBundle([path.join(tmp, 'page.html'), '--model', model, '--offline', '--no-cache', '--quiet', '-o', path.join(tmp, 'page-for-serve.json')]);
      expect(cliPage.code, cliPage.stderr).toBe(0);
      // The article's paragraphs (the tiny model's outputs may differ with how sentences are batched).
      const sources = (d: Bilingual) => (d.paragraphs as { source: string; kind: string }[]).map((p) => [p.kind, p.source]);
      const article = sources((await fromHtml.json()) as Bilingual);
      expect(article.length).toBeGreaterThan(1);
      expect(article).toEqual(sources(document(path.join(tmp, 'page-for-serve.json'))));
    } finally {
      server.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});
