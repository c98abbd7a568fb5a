/**
 * Ctrl-C or SIGTERM while a Markdown file is parsed: the run ends within seconds, as it does while
 * it translates (README: a stop within about 2 s). Some hostile inputs far under the 8 MiB limit
 * keep micromark busy for minutes (here 240 KB of nested emphasis); the CLI parses Markdown and
 * pages in a worker thread that the stop ends (src/io/parse-thread.ts). Was: the CLI parsed on
 * its main thread, where the signal waited for the whole parse.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { spawnCli } from '../helpers/spawn-cli.js';

const sleep = (ms: number) => new Promise<null>((r) => setTimeout(() => r(null), ms));

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the CLI to start reading');
    await sleep(25);
  }
}

let model: string;
const dirs: string[] = [];
beforeAll(async () => {
  model = await builtModel('tiny');
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.each([
  ['SIGINT', 130, 'interrupted'],
  ['SIGTERM', 143, 'terminated'],
] as const)('%s while a hostile Markdown file is parsed', (signal, exitCode, word) => {
  it(`ends the run within seconds: exit ${exitCode}, one line, no output file`, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-parse-stop-'));
    dirs.push(dir);
    const input = path.join(dir, 'fjendtlig.md');
    writeFileSync(input, `${'*_'.repeat(60_000)}\n`);
    const out = path.join(dir, 'fjendtlig.da-en.html');
    const run = spawnCli([input, '--model', model, '--offline', '--no-cache', '--verbose', '-o', out], {}, { entry: 'src/cli/bin.ts' });
    await waitFor(() => run.stderr().includes('read as md'), 60_000);
    // Into the parse, which takes minutes.
    await sleep(1_000);
    run.child.kill(signal);
    // A bound for a loaded machine, far under the parse's own time.
    const ended = await Promise.race([run.done, sleep(30_000)]);
    if (ended === null) run.child.kill('SIGKILL');
    expect(ended, 'the run went on parsing after the stop').not.toBeNull();
    expect(ended!.code, ended!.stderr).toBe(exitCode);
    expect(ended!.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^da2en: ${word}`));
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(['fjendtlig.md']);
  });
});
