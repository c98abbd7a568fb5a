/**
 * `npm run bench` checks its arguments before it runs anything: `--dtypes fp16` or `-n abc` started a
 * run of many minutes. Run as npm runs it (tsx bench/run.ts); tests do not import benchmarks.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const tsx = path.join(process.cwd(), 'node_modules', '.bin', 'tsx');

function bench(args: string[]) {
  // A model folder that is not there: a run that got past its arguments fails there, quickly.
  const run = spawnSync(tsx, ['bench/run.ts', ...args, '--model', path.join(process.cwd(), 'no-such-bench-model')], { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run bench -- <bad arguments>', () => {
  it.each([
    [['--dtypes', 'fp16'], 'bench: --dtypes: unknown dtype "fp16"; choose from q8, fp32'],
    [['-n', 'abc'], 'bench: -n must be a whole number of 1 or more; got "abc"'],
    [['--rounds', '0'], 'bench: --rounds must be a whole number of 1 or more; got "0"'],
    [['--seed-runs', '1e3'], 'bench: --seed-runs must be a whole number of 1 or more; got "1e3"'],
    [['--batch-sizes', '1,x'], 'bench: --batch-sizes must be a whole number of 1 or more; got "x"'],
    [['--dtypes', 'q8,'], 'bench: --dtypes needs comma-separated values without empty ones; got "q8,"'],
  ])('%j: one line, exit 2, before anything runs', { timeout: 60_000 }, (args, line) => {
    const r = bench(args);
    expect([r.code, r.stderr, r.stdout]).toEqual([2, `${line}\n`, '']);
  });

  it('good arguments get past the check (to the model folder that is not there)', () => {
    const r = bench(['-n', '2', '--dtypes', 'fp32', '--batch-sizes', '1,8']);
    expect(r.code).not.toBe(2);
    expect(r.stderr).not.toMatch(/^bench: /);
  }, 90_000);
});
