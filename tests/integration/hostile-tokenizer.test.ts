/**
 * A model folder whose tokenizer.json holds a regular expression that backtracks catastrophically is
 * refused before any text is tokenized: exit 5 and one line from translate, serve and `model verify`.
 * (Was: translate hung on the main thread, deaf to Ctrl-C and SIGTERM, until killed; serve listened
 * and hung the request; verify said ok.)
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { runCli } from '../helpers/run-cli.js';
import { spawnCli, type SpawnedCli } from '../helpers/spawn-cli.js';

let dir: string;
let model: string;
let input: string;
const started: SpawnedCli[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-hostile-tokenizer-'));
  model = path.join(dir, 'model');
  cpSync(await builtModel('tiny'), model, { recursive: true });
  // No wrapped model kept from the built one: each run starts as on a first use.
  for (const f of readdirSync(path.join(model, 'onnx'))) if (f.startsWith('da2en_generate')) rmSync(path.join(model, 'onnx', f));
  const tokenizer = JSON.parse(readFileSync(path.join(model, 'tokenizer.json'), 'utf8'));
  tokenizer.normalizer.normalizers.push({ type: 'Replace', pattern: { Regex: '(\\w+\\s?)+$' }, content: 'X' });
  writeFileSync(path.join(model, 'tokenizer.json'), JSON.stringify(tokenizer));
  // Exponential in that pattern: 40 word characters and a character that makes the match fail.
  input = path.join(dir, 'input.txt');
  writeFileSync(input, `${'a'.repeat(40)}!\n`);
});

// A process still running is one the pattern holds: only SIGKILL ends it.
afterEach(() => {
  for (const cli of started.splice(0)) if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectRefused(result: { code: number | null; stdout: string; stderr: string }) {
  expect(result.code).toBe(5);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/model file tokenizer\.json holds a regular expression that can take too long on some texts \(normalizer\.normalizers\[4\]: "\(\\\\w\+\\\\s\?\)\+\$": an unbounded repeat inside a group\)/);
}

describe('a tokenizer.json with a catastrophic regular expression', () => {
  it('translate refuses the model: exit 5, one line, nothing written', async () => {
    const cli = spawnCli([input, '--model', model, '--offline', '--no-cache', '-o', '-'], {}, { entry: 'src/cli/bin.ts' });
    started.push(cli);
    expectRefused(await cli.done);
  });

  it('serve refuses it at start, before listening', async () => {
    const cli = spawnCli(['serve', '--model', model, '--offline', '--host', '127.0.0.1', '--port', '0'], {}, { entry: 'src/cli/bin.ts' });
    started.push(cli);
    const listening = new Promise<void>((resolve) => cli.child.stderr!.on('data', () => cli.stderr().includes('listening on') && resolve()));
    const first = await Promise.race([cli.done, listening.then(() => 'listening' as const)]);
    expect(first).not.toBe('listening');
    expectRefused(await cli.done);
  });

  it('model verify fails it', async () => {
    expectRefused(await runCli(['model', 'verify', '--model', model]));
  });
});
