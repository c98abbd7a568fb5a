/** How a `--model` value is read: a local folder or a hub id (vitest runs this file in a process of its own, so chdir is safe). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { locateModel } from '../../src/engine/model-store/locate.js';
import { runCli } from '../helpers/run-cli.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-locate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const models = path.join(tmp, 'models');

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
});
