/**
 * The model opened ahead from the command line's words (src/cli/work-ahead.ts, bin.ts) is the one the
 * CLI then uses: its guess is exactly the work the CLI asks for. A wrong guess would not fail anything,
 * it would only waste a process, so the CLI says so itself: --verbose's "model started in …" line
 * ends in ", opened ahead" when the model process it took had been given that very work ahead.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workAhead } from '../../src/cli/work-ahead.js';
import { openAhead, prestartModelProcess } from '../../src/engine/generation/worker-generator.js';
import { DEFAULT_MODEL_ID } from '../../src/engine/model-store/model-files.js';
import { builtModel } from '../../tools/builder-models.js';
import { processesGone } from '../helpers/process-alive.js';
import { runCli } from '../helpers/run-cli.js';
import { spawnCli } from '../helpers/spawn-cli.js';

const ARTICLE = 'Kommunen bygger en ny skole.\n\nBørn og voksne fejrede sejren på torvet i går aftes. Det regner.\n';
const STARTED = /model started in [\d.]+ s \((.*)\)\n/;

let tmp: string;
let dir: string;
let input: string;
beforeAll(async () => {
  dir = await builtModel('tiny');
  tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-cli-ahead-'));
  input = path.join(tmp, 'article.da.txt');
  writeFileSync(input, ARTICLE);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The seed article's command line, with --verbose. */
const seedLine = (out: string, ...extra: string[]) => [input, '--model', dir, '--dtype', 'q8', '--offline', '--no-cache', '--verbose', '-o', path.join(tmp, out), ...extra];
const paragraphs = (out: string) => (JSON.parse(readFileSync(path.join(tmp, out), 'utf8')) as { paragraphs: unknown[] }).paragraphs;
/** What the verbose line says in its parentheses (where generation runs, the threads, opened ahead). */
const startedLine = (stderr: string) => {
  const m = STARTED.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return m![1]!;
};

describe('the model opened ahead from the command line', () => {
  it('the da2en bin opens the seed article’s model ahead, and the CLI takes that process; the translation is the one without', async () => {
    const ahead = await spawnCli(seedLine('bin.json'), {}, { entry: 'src/cli/bin.ts' }).done;
    expect(ahead.code, ahead.stderr).toBe(0);
    expect(startedLine(ahead.stderr)).toMatch(/, opened ahead$/);
    // Straight through main (no bin, nothing started ahead): the same translation, nothing opened ahead.
    const plain = await spawnCli(seedLine('main.json')).done;
    expect(plain.code, plain.stderr).toBe(0);
    expect(startedLine(plain.stderr)).not.toContain('opened ahead');
    expect(paragraphs('bin.json')).toEqual(paragraphs('main.json'));
    expect(paragraphs('bin.json').length).toBe(2);
  });

  it('with --threads, --engine and --model-processes given as well', async () => {
    const run = await spawnCli(seedLine('threads.json', '--threads', '2', '--model-processes', '2', '--engine', 'ort'), {}, { entry: 'src/cli/bin.ts' }).done;
    expect(run.code, run.stderr).toBe(0);
    expect(startedLine(run.stderr)).toMatch(/^generation inside ONNX Runtime, 2 model processes of 1 thread each.*, opened ahead$/);
    expect(paragraphs('threads.json')).toEqual(paragraphs('bin.json'));
  });

  it('standard input, and the default model in the models directory $DA2EN_MODELS_DIR names', async () => {
    const models = path.join(tmp, 'models');
    cpSync(dir, path.join(models, ...DEFAULT_MODEL_ID.split('/')), { recursive: true });
    const cli = spawnCli(['-', '--offline', '--no-cache', '--verbose', '--format', 'json', '-o', path.join(tmp, 'stdin.json')], { DA2EN_MODELS_DIR: models }, { entry: 'src/cli/bin.ts', stdin: 'pipe' });
    cli.child.stdin!.end(ARTICLE);
    const run = await cli.done;
    expect(run.code, run.stderr).toBe(0);
    expect(startedLine(run.stderr)).toMatch(/, opened ahead$/);
    expect(paragraphs('stdin.json')).toEqual(paragraphs('bin.json'));
  });

  it('in the CLI’s own process: the guess is taken; a guess that differs from the work asked for is ended, and the run is the same', async () => {
    const line = seedLine('guessed.json');
    const guess = workAhead(line);
    expect(guess).toBeDefined();
    prestartModelProcess();
    expect(openAhead(guess!)).toBe(true);
    const guessed = await runCli(line);
    expect(guessed.code, guessed.stderr).toBe(0);
    expect(startedLine(guessed.stderr)).toMatch(/, opened ahead$/);

    // One more process than the input asks for: not the work the CLI asks for.
    const wrong = prestartModelProcess()!;
    expect(openAhead({ ...guess!, replicas: 2 })).toBe(true);
    const other = await runCli(seedLine('wrong.json'));
    expect(other.code, other.stderr).toBe(0);
    expect(startedLine(other.stderr)).not.toContain('opened ahead');
    expect(await processesGone([wrong]), `model process ${wrong} opened for other work still running`).toBe(true);
    expect(paragraphs('wrong.json')).toEqual(paragraphs('guessed.json'));
    expect(paragraphs('guessed.json')).toEqual(paragraphs('bin.json'));
  });

  it('no guess for input whose length leaves the number of model processes to the plan: the model opens as before', async () => {
    const long = path.join(tmp, 'long.da.txt');
    // 10,000 bytes or more (the two-process threshold), from few distinct paragraphs.
    writeFileSync(long, `${ARTICLE}\n`.repeat(Math.ceil(10_000 / (ARTICLE.length + 1))));
    const run = await spawnCli([long, '--model', dir, '--offline', '--no-cache', '--verbose', '--threads', '1', '--format', 'json', '-o', path.join(tmp, 'long.json')], {}, { entry: 'src/cli/bin.ts' }).done;
    expect(run.code, run.stderr).toBe(0);
    expect(startedLine(run.stderr)).not.toContain('opened ahead');
    expect(paragraphs('long.json').length).toBeGreaterThan(100);
  });
});
