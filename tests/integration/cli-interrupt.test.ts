import { execFile, execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTranslationMemory } from '../../src/cache/index.js';
import { builtModel } from '../../tools/builder-models.js';
import { pick, prng } from '../helpers/prng.js';
import { spawnCli, verboseCounts } from '../helpers/spawn-cli.js';
import { groupAlive } from '../helpers/process-group.js';

const execFileAsync = promisify(execFile);

const WORDS = ['kommunen', 'bygger', 'en', 'ny', 'skole', 'til', 'børn', 'og', 'voksne', 'i', 'byen', 'regeringen', 'siger', 'at', 'det', 'går', 'godt', 'med', 'havnen'];

function article(paragraphs: number, seed: number): string {
  const rand = prng(seed);
  const sentence = () => {
    const words = Array.from({ length: 6 + Math.floor(rand() * 10) }, () => pick(rand, WORDS)).join(' ');
    return words.charAt(0).toUpperCase() + words.slice(1) + '.';
  };
  return Array.from({ length: paragraphs }, (_, i) => `${sentence()} ${sentence()} Afsnit ${i + 1}.`).join('\n\n') + '\n';
}

/** The exit status as a shell reports it: a process ended by its signal's default action is 128 + the signal. */
function shellCode(r: { code: number | null; signal: NodeJS.Signals | null }): number {
  return r.code ?? 128 + os.constants.signals[r.signal!];
}

/**
 * Ctrl-C, and again every 1.2 s until the run ends (one more than a second after the first means
 * now), at most 20 times; then SIGKILL, so that a run that cannot be stopped fails its test.
 */
async function ctrlCUntilEnded(run: ReturnType<typeof spawnCli>): ReturnType<typeof spawnCli>['done'] {
  let exited = false;
  const result = run.done.finally(() => (exited = true));
  for (let tries = 0; tries < 20 && !exited; tries++) {
    run.child.kill('SIGINT');
    await Promise.race([result, new Promise((r) => setTimeout(r, 1_200))]);
  }
  if (!exited) run.child.kill('SIGKILL');
  return result;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the CLI to make progress');
    await new Promise((r) => setTimeout(r, 25));
  }
}

let model: string;
beforeAll(async () => {
  model = await builtModel('tiny');
});

// Through the CLI module itself and through the `da2en` bin (src/cli/bin.ts): a signal sent to the
// CLI alone, and one sent to the whole process group (as Ctrl-C in a terminal, or `timeout`), which
// reaches the model process too: that one leaves it to the CLI, which stops cleanly and ends it.
describe.each([
  ['SIGINT', 130, 'src/cli/main.ts', 'process'],
  ['SIGTERM', 143, 'src/cli/main.ts', 'process'],
  ['SIGTERM', 143, 'src/cli/bin.ts', 'process'],
  ['SIGINT', 130, 'src/cli/bin.ts', 'group'],
] as const)('%s in the middle of an article (exit %i, via %s, sent to the %s)', (signal, exitCode, entry, target) => {
  it(`stops within seconds with exit ${exitCode}, leaves no output, and a re-run translates only what was left`, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-int-'));
    const input = path.join(dir, 'long.da.txt');
    writeFileSync(input, article(400, 5));
    const out = path.join(dir, 'out');
    const cacheDir = path.join(dir, 'cache');
    const args = [input, '--model', model, '--offline', '--verbose', '--max-batch-size', '2', '--format', 'html,json', '--out-dir', out, '--cache-dir', cacheDir];

    const first = spawnCli(args, {}, { entry, detached: target === 'group' });
    const memory = openTranslationMemory(cacheDir);
    await waitFor(() => memory.stats().entries >= 20, 60_000);
    const signalledAt = Date.now();
    if (target === 'group') process.kill(-first.child.pid!, signal);
    else first.child.kill(signal);
    const result = await first.done;
    const stoppedMs = Date.now() - signalledAt;
    // Nothing of the run is left behind: the model process went with the CLI.
    if (target === 'group') await waitFor(() => !groupAlive(first.child.pid!), 5_000);
    const kept = memory.stats().entries;
    await memory.close();

    expect(result.code).toBe(exitCode);
    // A stop that hangs, not a speed: quiet, this is 0.2–0.4 s; under a load of 8 busy loops on 2
    // cores it reached 2.1 s (the model process's end and the cache's close grow with the load).
    expect(stoppedMs).toBeLessThan(10_000);
    console.log(`${signal} to ${target}: stopped ${stoppedMs} ms after the signal`);
    expect(result.stderr).toMatch(/da2en: (interrupted|terminated); translations finished so far are kept in the cache, run again to continue/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir).filter((f) => f !== 'long.da.txt' && f !== 'cache')).toEqual([]); // no output, no temp file
    expect(kept).toBeGreaterThanOrEqual(20);

    const second = await spawnCli(args).done;
    expect(second.code).toBe(0);
    const [counts] = verboseCounts(second.stderr);
    // Everything stored before the signal came from the cache; nothing was translated twice.
    expect(counts!.cached).toBe(kept);
    expect(counts!.translated + counts!.cached).toBe(1200);
    expect(readdirSync(out).sort()).toEqual(['long.da-en.html', 'long.da-en.json']);
  }, 300_000);
});

// With --no-cache nothing of an unfinished input is kept: the stop says so, and names what was written.
describe('SIGTERM (and SIGHUP) with --no-cache', () => {
  async function stopWhen(args: string[], ready: RegExp, signal: NodeJS.Signals = 'SIGTERM') {
    const run = spawnCli(args);
    await waitFor(() => ready.test(run.stderr()), 60_000);
    run.child.kill(signal);
    return run.done;
  }

  it('SIGHUP (the terminal closed) is the same stop, said as a hang-up: exit 129', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-int-hup-'));
    const input = path.join(dir, 'long.da.txt');
    writeFileSync(input, article(400, 6));
    const out = path.join(dir, 'out');
    const result = await stopWhen([input, '--model', model, '--offline', '--verbose', '--no-cache', '--max-batch-size', '2', '--format', 'html,json', '--out-dir', out], /loaded in/, 'SIGHUP');
    expect(result.code).toBe(129);
    expect(result.stderr).toMatch(/da2en: hung up \(the terminal closed\); nothing was kept \(--no-cache\): a new run starts over\n/);
    expect(result.stderr).not.toMatch(/terminated/);
    expect(readdirSync(dir)).toEqual(['long.da.txt']);
  }, 300_000);

  it('in the middle of the only input: "nothing was kept", no output', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-int-nocache-'));
    const input = path.join(dir, 'long.da.txt');
    writeFileSync(input, article(400, 6));
    const out = path.join(dir, 'out');
    const result = await stopWhen([input, '--model', model, '--offline', '--verbose', '--no-cache', '--max-batch-size', '2', '--format', 'html,json', '--out-dir', out], /loaded in/);
    expect(result.code).toBe(143);
    expect(result.stderr).toMatch(/da2en: terminated; nothing was kept \(--no-cache\): a new run starts over\n/);
    expect(result.stderr).not.toMatch(/cache, run again/);
    expect(readdirSync(dir)).toEqual(['long.da.txt']);
  }, 300_000);

  it('while reading standard input that its writer holds open: stops, no output', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-int-stdin-'));
    const out = path.join(dir, 'out.txt');
    for (const format of ['text', 'md']) {
      const run = spawnCli(['-', '--input-format', format, '--model', model, '--offline', '--verbose', '--no-cache', '--format', 'en', '-o', out], {}, { stdin: 'pipe' });
      // Some text, and the pipe left open, as a writer that has not finished.
      run.child.stdin!.write('Det regner i dag.\n\n');
      await waitFor(() => /loaded in|read as md/.test(run.stderr()), 60_000);
      run.child.kill('SIGTERM');
      // Before the fix it waited for the writer: still running when the test gave up here.
      const result = await Promise.race([run.done, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
      run.child.stdin!.end();
      expect(result, `${format}: ${run.stderr().slice(-400)}`).not.toBeNull();
      expect(result!.code).toBe(143);
      expect(existsSync(out)).toBe(false);
    }
  }, 180_000);

  it('after the first of two inputs was written: says so, and that nothing else was kept', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-int-nocache-'));
    const short = path.join(dir, 'short.da.txt');
    const long = path.join(dir, 'long.da.txt');
    writeFileSync(short, article(2, 7));
    writeFileSync(long, article(400, 8));
    const out = path.join(dir, 'out');
    const result = await stopWhen([short, long, '--model', model, '--offline', '--no-cache', '--max-batch-size', '2', '--format', 'json', '--out-dir', out], /wrote .*short\.da-en\.json/);
    expect(result.code).toBe(143);
    expect(result.stderr).toMatch(/da2en: terminated; the outputs of the first input were written; nothing of the rest was kept \(--no-cache\)\n/);
    expect(readdirSync(out)).toEqual(['short.da-en.json']);
  }, 300_000);
});

// Two stop signals: one stop, with the first one's exit code, and never a temp file left behind.
describe('a second signal', () => {
  const temps = (folder: string) => readdirSync(folder).filter((f) => f.endsWith('.tmp') || f.startsWith('da2en-spool-'));

  it('of another kind on the heels of the first (Ctrl-C, then a supervisor\'s SIGTERM) is the same clean stop: one exit code, no temp file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-int-mixed-'));
    const input = path.join(dir, 'long.da.txt');
    writeFileSync(input, article(400, 9));
    const out = path.join(dir, 'out');
    const run = spawnCli([input, '--model', model, '--offline', '--no-cache', '--max-batch-size', '2', '--format', 'html,json,en', '--out-dir', out]);
    // The outputs' temp files exist from the first paragraph on.
    await waitFor(() => existsSync(out) && temps(out).length > 0, 60_000);
    run.child.kill('SIGINT');
    run.child.kill('SIGTERM');
    const result = await run.done;
    // Which of two signals sent together is handled first is the kernel's choice (any of the process's
    // threads may take either): one stop, with that one's code and word, and nothing at once.
    const word = result.code === 130 ? 'interrupted' : 'terminated';
    expect([130, 143]).toContain(result.code);
    expect(result.stderr).toBe(`da2en: ${word}; nothing was kept (--no-cache): a new run starts over\n`);
    expect(readdirSync(dir)).toEqual(['long.da.txt']); // no output, no temp file, no folder made for them
  }, 300_000);

  it('more than a second later means now: the run ends at once (exit 130), still without a temp file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-int-now-'));
    const input = path.join(dir, 'short.da.txt');
    writeFileSync(input, article(3, 10));
    const tmp = path.join(dir, 'tmp');
    mkdirSync(tmp);
    // HTML to a standard output that accepts nothing: the paragraphs wait in a spool in TMPDIR, and
    // the clean stop waits for ever on the output (tests/helpers/cli-held-output.ts).
    const run = spawnCli([input, '--no-cache', '--format', 'html'], { TMPDIR: tmp }, { entry: 'tests/helpers/cli-held-output.ts' });
    await waitFor(() => run.stderr().includes('held: standard output'), 60_000);
    expect(temps(tmp)).toHaveLength(1);
    const ended = await ctrlCUntilEnded(run);
    expect(temps(tmp)).toEqual([]);
    expect(shellCode(ended)).toBe(130);
    expect(ended.stderr).toMatch(/da2en: interrupted at once \(a second signal\); nothing was kept \(--no-cache\)/);
  }, 300_000);
});

// An -o FIFO is written as its reader reads: a stop while nobody reads it is still one Ctrl-C, and a
// reader that comes late gets everything.
describe('an -o FIFO', () => {
  /** The run, stopped by SIGKILL if it is still running after `ms`: a stop that never comes fails, rather than hangs, its test. */
  async function endedOrKilled(run: ReturnType<typeof spawnCli>, ms: number): ReturnType<typeof spawnCli>['done'] {
    const guard = setTimeout(() => run.child.kill('SIGKILL'), ms);
    try {
      return await run.done;
    } finally {
      clearTimeout(guard);
    }
  }

  it('nobody reads: one Ctrl-C ends the run (exit 130), leaves no temp file and the FIFO as it was', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-int-fifo-'));
    const input = path.join(dir, 'short.da.txt');
    writeFileSync(input, article(3, 12));
    // No extension: it takes either format.
    const fifo = path.join(dir, 'out');
    execFileSync('mkfifo', [fifo]);
    const tmp = path.join(dir, 'tmp');
    mkdirSync(tmp);
    for (const format of ['en', 'html']) {
      const run = spawnCli([input, '--model', model, '--offline', '--verbose', '--no-cache', '--format', format, '-o', fifo], { TMPDIR: tmp });
      await waitFor(() => /loaded in/.test(run.stderr()), 60_000);
      run.child.kill('SIGINT');
      // Before the fix the open of the FIFO held the run: still running after the first Ctrl-C, killed here.
      const ended = await endedOrKilled(run, 30_000);
      expect(ended.code, `${format}: ${ended.stderr}`).toBe(130);
      expect(ended.stderr).toMatch(/da2en: interrupted; nothing was kept \(--no-cache\): a new run starts over\n/);
      expect(readdirSync(dir).sort()).toEqual(['out', 'short.da.txt', 'tmp']);
      // (The model process leaves files of its own in TMPDIR; da2en's are its spools.)
      expect(readdirSync(tmp).filter((f) => f.startsWith('da2en-spool-') || f.endsWith('.tmp'))).toEqual([]);
      expect(lstatSync(fifo).isFIFO()).toBe(true);
    }
  }, 300_000);

  it('eval --save-hyp FIFO, nobody reads: one Ctrl-C ends the run (exit 130), leaves no temp file and the FIFO as it was', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-int-fifo-eval-'));
    const src = path.join(dir, 'src.da');
    writeFileSync(src, 'Kommunen bygger en ny skole.\nRegeringen siger at det går godt.\n');
    const ref = path.join(dir, 'ref.en');
    writeFileSync(ref, 'The municipality builds a new school.\nThe government says it is going well.\n');
    const fifo = path.join(dir, 'hyp.en');
    execFileSync('mkfifo', [fifo]);
    const tmp = path.join(dir, 'tmp');
    mkdirSync(tmp);
    const run = spawnCli(['eval', '--src', src, '--ref', ref, '--save-hyp', fifo, '--model', model, '--offline', '--progress'], { TMPDIR: tmp });
    // The bar's last line: translated, and on its way to the FIFO (or waiting there for a reader).
    await waitFor(() => /2\/2 paragraphs/.test(run.stderr()), 60_000);
    run.child.kill('SIGINT');
    // Before the fix the wait for the FIFO's reader took no stop: still running after the first Ctrl-C, killed here.
    const ended = await endedOrKilled(run, 30_000);
    expect(ended.code, ended.stderr).toBe(130);
    expect(ended.stderr).toMatch(/da2en: interrupted\n$/);
    expect(ended.stdout).toBe('');
    expect(readdirSync(dir).sort()).toEqual(['hyp.en', 'ref.en', 'src.da', 'tmp']);
    expect(readdirSync(tmp).filter((f) => f.startsWith('da2en-') || f.endsWith('.tmp'))).toEqual([]);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  }, 300_000);

  it('a reader that comes seconds after the run started gets the whole output', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-int-fifo-late-'));
    const input = path.join(dir, 'short.da.txt');
    writeFileSync(input, article(80, 13));
    const args = [input, '--model', model, '--offline', '--verbose', '--no-cache', '--format', 'html'];
    const file = path.join(dir, 'whole.html');
    expect((await spawnCli([...args, '-o', file]).done).code).toBe(0);
    const fifo = path.join(dir, 'out.html');
    execFileSync('mkfifo', [fifo]);
    const run = spawnCli([...args, '-o', fifo]);
    await waitFor(() => /loaded in/.test(run.stderr()), 60_000);
    // The run waits for its reader meanwhile.
    await new Promise((r) => setTimeout(r, 2_000));
    const read = await execFileAsync('cat', [fifo], { timeout: 60_000, maxBuffer: 64 << 20 });
    const ended = await endedOrKilled(run, 60_000);
    expect(ended.code, ended.stderr).toBe(0);
    // The same output, but for the run's time in the head.
    const untimed = (html: string) => html.replace(/<dt>Time<\/dt><dd>[^<]*<\/dd>/, '');
    expect(read.stdout.length).toBeGreaterThan(1 << 16); // more than a pipe holds: the writes waited for the reader
    expect(untimed(read.stdout)).toBe(untimed(readFileSync(file, 'utf8')));
  }, 300_000);
});

// A stop that comes once the outputs are in place, before the command has finished, is still a stop.
it('a signal after the outputs were put in place: exit 130, and the stop says they were all written', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-int-late-'));
  const input = path.join(dir, 'short.da.txt');
  writeFileSync(input, article(3, 11));
  const out = path.join(dir, 'out');
  // The translator sends the SIGINT as it is disposed (tests/helpers/cli-signal-after-outputs.ts).
  const result = await spawnCli([input, '--no-cache', '--format', 'html,json,en', '--out-dir', out], {}, { entry: 'tests/helpers/cli-signal-after-outputs.ts' }).done;
  expect(result.code).toBe(130);
  expect(result.stderr).toMatch(/wrote .*short\.en\.txt\n/);
  expect(result.stderr).toMatch(/da2en: interrupted; the stop came as the run was finishing: all of its outputs were written\n/);
  expect(readdirSync(out).sort()).toEqual(['short.da-en.html', 'short.da-en.json', 'short.en.txt']);
}, 300_000);
