/**
 * Standard output a pipe (runCli's is one), no -o or --out-dir: one input is its text there, but
 * several are written as files beside themselves (text run together in one pipe could not be told
 * apart), and stderr now says so before the model loads; the pipe stays empty, nothing is lost.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { runCli } from '../helpers/run-cli.js';

let model: string;
let dir: string;
let a: string;
let b: string;

beforeAll(async () => {
  model = await builtModel('tiny');
  dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-piped-'));
  a = path.join(dir, 'a.da.txt');
  b = path.join(dir, 'b.da.txt');
  writeFileSync(a, 'Solen skinner i dag.\n');
  writeFileSync(b, 'Vi går en tur i parken.\n');
});

const NOTE = /^standard output takes one input; these 2 are written as files beside them \(.*a\.da-en\.html, …\), as they would be at a terminal: give one input for its text on standard output, or --out-dir to choose the folder$/m;

it('several inputs with standard output piped: files beside each input, and a notice on stderr saying so', async () => {
  const r = await runCli([a, b, '--model', model, '--offline', '--no-cache']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(NOTE);
  for (const stem of ['a', 'b']) expect(existsSync(path.join(dir, `${stem}.da-en.html`))).toBe(true);
  // Said before the work: ahead of the first "wrote" line.
  expect(r.stderr.indexOf('standard output takes one input')).toBeLessThan(r.stderr.indexOf('wrote '));
});

it('one input goes to the pipe as text, without the notice; --quiet drops it for several', async () => {
  const one = await runCli([a, '--model', model, '--offline', '--no-cache']);
  expect(one.code, one.stderr).toBe(0);
  expect(one.stdout).toContain('Solen skinner i dag.');
  expect(one.stderr).not.toMatch(/standard output takes one input/);
  const quiet = await runCli([a, b, '--model', model, '--offline', '--no-cache', '--quiet']);
  expect([quiet.code, quiet.stdout, quiet.stderr]).toEqual([0, '', '']);
});
