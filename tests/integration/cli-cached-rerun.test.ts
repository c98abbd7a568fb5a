/**
 * A re-run served wholly from the translation memory never starts the model: shown by damaging the
 * model's .onnx files after the first run (in place, size and times kept: the memory knows a model
 * directory by its files' sizes and times, model-store/memory-id.ts, so it is the same model to the
 * memory, and a load would fail). The second run still succeeds with the same output;
 * anything that does need the damaged model fails with the one-line model-corrupt error (exit 5).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { builtModel } from '../../tools/builder-models.js';
import { runCli } from '../helpers/run-cli.js';

const STAMP = new Date('2024-01-01T00:00:00Z');
const ARTICLE = 'Kommunen bygger en ny skole.\n\nBørn og voksne fejrede sejren på torvet i går aftes. Det regner.\n\n42 %\n';

let tmp: string;
let model: string;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-rerun-'));
  // A copy: this test damages it.
  model = path.join(tmp, 'model');
  cpSync(await builtModel('tiny'), model, { recursive: true });
  // Whole seconds, so that the damage below can put the times back exactly.
  for (const f of readdirSync(path.join(model, 'onnx'))) utimesSync(path.join(model, 'onnx', f), STAMP, STAMP);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const read = (file: string) => readFileSync(file, 'utf8');
/** The JSON output without its timings (the only part that may differ between two runs from the memory). */
const untimed = (file: string) => ({ ...JSON.parse(read(file)), timings: null });

describe('a re-run from the translation memory', () => {
  it('does not load the model: it succeeds with identical output after the model files are damaged; a new sentence then fails as a corrupt model', async () => {
    const input = path.join(tmp, 'article.da.txt');
    writeFileSync(input, ARTICLE);
    const cacheDir = path.join(tmp, 'cache');
    const run = (out: string, ...extra: string[]) => runCli([input, '--model', model, '--offline', '--threads', '1', '--format', 'json,en', '--out-dir', out, ...(extra.includes('--no-cache') ? [] : ['--cache-dir', cacheDir]), '--verbose', ...extra]);

    const first = await run(path.join(tmp, 'first'));
    expect(first.code, first.stderr).toBe(0);
    const started = /model started in (\d+\.\d+) s/.exec(first.stderr);
    expect(started, first.stderr).not.toBeNull();
    expect(first.stderr).not.toContain('model not loaded');
    // A new input needs the model anyway: it starts up front, loading while the tokenizer does.
    expect(first.stderr).toMatch(/ loaded in [\d.]+ s/);
    expect(first.stderr).not.toContain('the model starts when a segment needs it');
    // --threads reaches the model process, which says what it chose (spinning follows the machine: thread-plan.ts).
    expect(first.stderr).toMatch(/model started in [\d.]+ s \([^)]*, 1 thread[,) ]/);
    // The model's start happened during the run and is counted as load time, not translation time.
    const firstJson = JSON.parse(read(path.join(tmp, 'first', 'article.da-en.json')));
    expect(firstJson.timings.loadMs).toBeGreaterThanOrEqual(Number(started![1]) * 1000 - 5);
    expect(firstJson.timings.totalMs).toBe(firstJson.timings.loadMs + firstJson.timings.translateMs);

    // The same re-run with the model intact, for comparison.
    const before = await run(path.join(tmp, 'before'));
    expect(before.code, before.stderr).toBe(0);

    for (const f of readdirSync(path.join(model, 'onnx'))) {
      const file = path.join(model, 'onnx', f);
      if (!f.endsWith('.onnx')) continue;
      writeFileSync(file, Buffer.alloc(statSync(file).size, 'not an ONNX model '));
      utimesSync(file, STAMP, STAMP);
    }

    const second = await run(path.join(tmp, 'second'));
    expect(second.code, second.stderr).toBe(0);
    // This input was translated to the end before with these settings: the model waits for a segment that needs it.
    expect(second.stderr).toContain('tokenizer loaded in');
    expect(second.stderr).toContain('the model starts when a segment needs it');
    expect(second.stderr).toContain('model not loaded: every chunk came from the translation memory or was kept as is');
    expect(second.stderr).not.toContain('model started');
    expect(second.stderr).toMatch(/0 translated in 0 model calls, \d+ from the cache/);
    expect(read(path.join(tmp, 'second', 'article.en.txt'))).toBe(read(path.join(tmp, 'first', 'article.en.txt')));
    expect(untimed(path.join(tmp, 'second', 'article.da-en.json'))).toEqual(untimed(path.join(tmp, 'before', 'article.da-en.json')));

    // The damage is real: what the memory lacks needs the model, and fails as an eager load does.
    const uncached = await run(path.join(tmp, 'third'), '--no-cache');
    expect(uncached.code).toBe(ExitCode.ModelCorrupt);
    writeFileSync(input, `${ARTICLE}\nEn helt ny sætning.\n`);
    const partly = await run(path.join(tmp, 'fourth'));
    expect(partly.code).toBe(ExitCode.ModelCorrupt);
    const line = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('da2en: '));
    expect(line(partly.stderr)).toMatch(/could not be loaded .*may be corrupt or truncated/);
    expect(line(partly.stderr)).toBe(line(uncached.stderr));
    expect(existsSync(path.join(tmp, 'fourth'))).toBe(false);
  }, 120_000);
});
