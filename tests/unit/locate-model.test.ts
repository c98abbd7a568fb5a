/** How a `--model` value is read: a local folder or a hub id (vitest runs this file in a process of its own, so chdir is safe). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { ensureModel } from '../../src/engine/model-store/index.js';
import { locateModel } from '../../src/engine/model-store/locate.js';
import { requiredFiles } from '../../src/engine/model-store/model-files.js';
import { startHub } from '../helpers/hub-server.js';
import { runCli } from '../helpers/run-cli.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-locate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const models = path.join(tmp, 'models');

/** Runs `work` with DA2EN_REMOTE_HOST set to `url`, as the CLI reads it. */
async function withRemoteHost<T>(url: string, work: () => Promise<T>): Promise<T> {
  const saved = process.env['DA2EN_REMOTE_HOST'];
  process.env['DA2EN_REMOTE_HOST'] = url;
  try {
    return await work();
  } finally {
    if (saved === undefined) delete process.env['DA2EN_REMOTE_HOST'];
    else process.env['DA2EN_REMOTE_HOST'] = saved;
  }
}

/** A mirror that answers every request with `status` (a failing one, or one that refuses). */
async function statusServer(status: number): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => void res.writeHead(status, { 'content-type': 'text/plain' }).end(`HTTP ${status}`));
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((done) => server.close(() => done())) };
}

async function inFolder<T>(cwd: string, work: () => Promise<T> | T): Promise<T> {
  const before = process.cwd();
  mkdirSync(cwd, { recursive: true });
  process.chdir(cwd);
  try {
    return await work();
  } finally {
    process.chdir(before);
  }
}

describe('--model: a folder or a hub id', () => {
  it('an unrelated owner folder here does not make a hub id a path (was: "no model directory at ./Helsinki-NLP/opus-mt-tc-big-gmq-en")', async () => {
    const here = path.join(tmp, 'project');
    mkdirSync(path.join(here, 'Helsinki-NLP', 'notes'), { recursive: true });
    mkdirSync(path.join(here, 'Xenova'), { recursive: true });
    await inFolder(here, async () => {
      expect(locateModel('Helsinki-NLP/opus-mt-tc-big-gmq-en', models)).toEqual({ id: 'Helsinki-NLP/opus-mt-tc-big-gmq-en', dir: path.join(models, 'Helsinki-NLP', 'opus-mt-tc-big-gmq-en'), downloadable: true });
      expect(locateModel('Xenova/opus-mt-da-en', models).downloadable).toBe(true);
      const best = await runCli(['model', 'path', '--quality', 'best', '--models-dir', models]);
      expect(best.code, best.stderr).toBe(0);
      expect(best.stdout.trim()).toBe(path.join(models, 'Helsinki-NLP', 'opus-mt-tc-big-gmq-en'));
    });
  });

  it('owner/name naming a folder here is that folder; written as a path, always a folder', async () => {
    const here = path.join(tmp, 'with-model');
    mkdirSync(path.join(here, 'mine', 'da-en'), { recursive: true });
    writeFileSync(path.join(here, 'mine', 'da-en', 'config.json'), '{}');
    await inFolder(here, () => {
      expect(locateModel('mine/da-en', models)).toEqual({ id: 'mine/da-en', dir: path.join(here, 'mine', 'da-en'), downloadable: false });
      for (const spec of ['./mine/other', '../other', '~/x', 'a/b/c', 'plain', 'mine/'] as const) expect(locateModel(spec, models).downloadable, spec).toBe(false);
    });
  });

  it('run from inside the models directory, its own copy of a hub model stays the hub model', async () => {
    mkdirSync(path.join(models, 'Xenova', 'opus-mt-da-en'), { recursive: true });
    await inFolder(models, () => {
      expect(locateModel('Xenova/opus-mt-da-en', models)).toEqual({ id: 'Xenova/opus-mt-da-en', dir: path.join(models, 'Xenova', 'opus-mt-da-en'), downloadable: true });
    });
  });

  it.each(['Helsinki-NLP/..', 'Helsinki-NLP/.'])('%s is refused with one line, exit 2 (was: the models directory itself, its checkpoint beside it)', async (spec) => {
    await inFolder(path.join(tmp, 'empty'), async () => {
      expect(() => locateModel(spec, models)).toThrow(/is not a hub model id/);
      for (const argv of [['model', 'download'], ['model', 'path'], ['-', '--format', 'txt']]) {
        const result = await runCli([...argv, '--model', spec, '--models-dir', models], 'Hej.');
        expect(result.code, argv.join(' ')).toBe(ExitCode.Usage);
        expect(result.stderr.trim().split('\n'), argv.join(' ')).toEqual([`da2en: --model ${spec} is not a hub model id (owner/name, neither part "." or ".."); a local folder is given as a path, starting with ./`]);
      }
    });
  });

  describe('an owner/name beside a local folder (issue 11: a typo of a local folder gets "no model directory at …")', () => {
    const here = path.join(tmp, 'typo');
    mkdirSync(path.join(here, 'models', 'tiny'), { recursive: true });
    writeFileSync(path.join(here, 'models', 'tiny', 'config.json'), '{}');
    const missing = path.join(here, 'models', 'tinyy');

    it('--offline: exit 4, "no model directory at" the folder, then why the hub model is not there', async () => {
      await inFolder(here, async () => {
        for (const argv of [['-', '--format', 'txt', '--offline'], ['model', 'download', '--offline']]) {
          const result = await runCli([...argv, '--model', 'models/tinyy', '--models-dir', models], 'Hej.');
          expect(result.code, argv.join(' ')).toBe(ExitCode.ModelMissing);
          expect(result.stderr.trim().split('\n'), argv.join(' ')).toEqual([
            `da2en: no model directory at ${missing}, and the hub model models/tinyy could not be fetched (--offline forbids downloading); check the path (a local folder given as ./models/tinyy is never taken for a hub model id)`,
          ]);
        }
        const verify = await runCli(['model', 'verify', '--model', 'models/tinyy', '--models-dir', models]);
        expect(verify.code).toBe(ExitCode.ModelMissing);
        expect(verify.stderr).toContain(`da2en: no model directory at ${missing}, and the hub model models/tinyy is not downloaded`);
      });
    });

    it('a mirror without it (HTTP 404): exit 4, the same line with the mirror\'s answer (was: exit 4 "has no file config.json")', async () => {
      const hub = await startHub({});
      const saved = process.env['DA2EN_REMOTE_HOST'];
      process.env['DA2EN_REMOTE_HOST'] = hub.url;
      try {
        await inFolder(here, async () => {
          const result = await runCli(['model', 'download', '--model', 'models/tinyy', '--models-dir', models]);
          expect(result.code).toBe(ExitCode.ModelMissing);
          expect(result.stderr).toContain(`da2en: no model directory at ${missing}, and the hub model models/tinyy could not be fetched (${hub.url}: HTTP 404)`);
        });
      } finally {
        if (saved === undefined) delete process.env['DA2EN_REMOTE_HOST'];
        else process.env['DA2EN_REMOTE_HOST'] = saved;
        await hub.close();
      }
    });

    it.each([500, 503, 401, 403])('a mirror that answers HTTP %i is said as such, never as a missing folder (the host is there, and answered)', async (status) => {
      const mirror = await statusServer(status);
      try {
        await withRemoteHost(mirror.url, () =>
          inFolder(here, async () => {
            const result = await runCli(['model', 'download', '--model', 'models/tinyy', '--models-dir', models]);
            expect(result.code, result.stderr).toBe(ExitCode.Network);
            expect(result.stderr).toContain(`HTTP ${status}`);
            expect(result.stderr).not.toContain('no model directory at');
          }),
        );
      } finally {
        await mirror.close();
      }
    });

    it('a mirror that cannot be reached (connection refused): the same line as for a 404, with the system\'s code', async () => {
      const mirror = await statusServer(404);
      await mirror.close();
      await withRemoteHost(mirror.url, () =>
        inFolder(here, async () => {
          const result = await runCli(['model', 'download', '--model', 'models/tinyy', '--models-dir', models]);
          expect(result.code).toBe(ExitCode.ModelMissing);
          expect(result.stderr).toContain(`da2en: no model directory at ${missing}, and the hub model models/tinyy could not be fetched (${mirror.url}: ECONNREFUSED)`);
        }),
      );
    });

    it('a model not typed with --model (the default, --quality\'s, a library call) is never said as a missing folder', async () => {
      const project = path.join(tmp, 'untyped');
      for (const owner of ['Xenova', 'Helsinki-NLP', 'models']) mkdirSync(path.join(project, owner, 'other'), { recursive: true });
      const hub = await startHub({});
      try {
        await inFolder(project, async () => {
          for (const argv of [['-', '--format', 'txt', '--offline'], ['model', 'download', '--offline'], ['-', '--format', 'txt', '--offline', '--quality', 'best']]) {
            const result = await runCli([...argv, '--models-dir', models], 'Hej.');
            expect(result.code, argv.join(' ')).toBe(ExitCode.ModelMissing);
            expect(result.stderr, argv.join(' ')).toMatch(/^da2en: model (Xenova|Helsinki-NLP)\/\S+ \(q8\) is not (converted )?in .* --offline forbids downloading/);
          }
          const verify = await runCli(['model', 'verify', '--models-dir', models]);
          expect(verify.code).toBe(ExitCode.ModelMissing);
          expect(verify.stderr).toMatch(/^da2en: model Xenova\/opus-mt-da-en \(q8\) is not in /m);
          expect(verify.stderr).not.toContain('no model directory at');
          await withRemoteHost(hub.url, async () => {
            const result = await runCli(['-', '--format', 'txt', '--models-dir', models], 'Hej.');
            expect(result.code).toBe(ExitCode.ModelMissing);
            expect(result.stderr).toMatch(/^da2en: model Xenova\/opus-mt-da-en has no file \S+ at .*\(HTTP 404\)/);
          });
          // The library says a missing folder only when told the id was typed.
          const untyped = ensureModel({ model: 'models/tinyy', modelsDir: models, dtype: 'q8', offline: false, remoteHost: hub.url });
          await expect(untyped).rejects.toThrow(/^model models\/tinyy has no file \S+ at .*\(HTTP 404\)/);
          const typed = ensureModel({ model: 'models/tinyy', modelsDir: models, dtype: 'q8', offline: false, remoteHost: hub.url, modelTyped: true });
          await expect(typed).rejects.toThrow(/^no model directory at /);
        });
      } finally {
        await hub.close();
      }
    });

    it('a hub model whose owner is a folder here still downloads, and one missing from inside the models directory is said as ever', async () => {
      const served = path.join(tmp, 'served');
      for (const file of requiredFiles('q8')) {
        mkdirSync(path.dirname(path.join(served, file)), { recursive: true });
        // config.json with the keys a download checks (file-content.ts); the rest only has to be there.
        writeFileSync(path.join(served, file), file === 'config.json' ? JSON.stringify({ d_model: 8, decoder_attention_heads: 2, decoder_layers: 1, vocab_size: 64 }) : file.endsWith('.json') ? '{}' : 'weights');
      }
      const hub = await startHub({ 'models/opus-mt-da-en': served });
      const saved = process.env['DA2EN_REMOTE_HOST'];
      process.env['DA2EN_REMOTE_HOST'] = hub.url;
      try {
        await inFolder(here, async () => {
          const result = await runCli(['model', 'download', '--model', 'models/opus-mt-da-en', '--models-dir', models]);
          expect(result.code, result.stderr).toBe(0);
          expect(result.stderr).toContain(`is ready in ${path.join(models, 'models', 'opus-mt-da-en')}`);
        });
        mkdirSync(path.join(models, 'Xenova'), { recursive: true });
        await inFolder(models, async () => {
          const result = await runCli(['-', '--format', 'txt', '--offline', '--model', 'Xenova/none', '--models-dir', models], 'Hej.');
          expect(result.code).toBe(ExitCode.ModelMissing);
          expect(result.stderr).toMatch(/^da2en: model Xenova\/none \(q8\) is not in .* and --offline forbids downloading/);
        });
      } finally {
        if (saved === undefined) delete process.env['DA2EN_REMOTE_HOST'];
        else process.env['DA2EN_REMOTE_HOST'] = saved;
        await hub.close();
      }
    });
  });
});
