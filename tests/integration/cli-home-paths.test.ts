/**
 * `--model=~/m --output=~/out.txt --cache-dir=~/cache`, which the shell leaves as written: the model
 * is loaded from the home folder, the output and the translation memory are written there (HOME is a
 * temp folder), and nothing named `~` appears in the current one.
 */
import { existsSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { runCli } from '../helpers/run-cli.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

it('a path option written --flag=~/x is read in the home folder', async () => {
  const model = await builtModel('tiny');
  const home = mkdtempSync(path.join(os.tmpdir(), 'da2en-home-'));
  symlinkSync(model, path.join(home, 'm'));
  const input = path.join(home, 'artikel.txt');
  writeFileSync(input, 'Solen skinner i dag.\n\nVi går en tur i parken.\n');
  vi.stubEnv('HOME', home);
  const r = await runCli([input, '--model=~/m', '--offline', '--output=~/out.txt', '--cache-dir=~/cache', '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(existsSync(path.join(home, 'out.txt'))).toBe(true);
  expect(readdirSync(path.join(home, 'cache')).length).toBeGreaterThan(0);
  expect(existsSync('~')).toBe(false);
});
