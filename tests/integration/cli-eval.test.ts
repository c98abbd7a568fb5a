/**
 * `da2en eval` as a user runs it: what it refuses before any model work (--save-hyp onto an input,
 * under any name; --save-hyp with --hyp), how it reads its files (strict UTF-8, no binary files,
 * lines as sacreBLEU 2.x reads them) and what it scores.
 */
import { linkSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { FakeTranslator } from '../helpers/fake-translator.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-eval-'));
});

function file(name: string, contents: string | Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, contents);
  return p;
}

const SOURCE = 'Hunden løber.\nKatten sover.\n';
const REFERENCE = 'The dog runs.\nThe cat sleeps.\n';

/** Runs eval with a stand-in engine; `loads` counts how often a model was asked for. */
async function runEval(args: string[]) {
  let loads = 0;
  const result = await runCli(['eval', ...args], '', {
    loadTranslator: async () => {
      loads++;
      return new FakeTranslator();
    },
  });
  return { ...result, loads };
}

function expectOneLine(result: { code: number; stderr: string }, code: number, pattern: RegExp) {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr.trim()).toMatch(pattern);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
}

describe('eval --save-hyp never replaces an input', () => {
  it('refuses the source, the reference, a symbolic link or a hard link to either: exit 2, before any model work, the files untouched', async () => {
    const src = file('src.da', SOURCE);
    const ref = file('ref.en', REFERENCE);
    const symlink = path.join(dir, 'src-link.da');
    symlinkSync(src, symlink);
    const hardlink = path.join(dir, 'ref-hard.en');
    linkSync(ref, hardlink);
    for (const target of [src, ref, symlink, hardlink]) {
      const r = await runEval(['--src', src, '--ref', ref, '--save-hyp', target]);
      expectOneLine(r, 2, /^da2en: output .* is (an input file|the input file .* \(the same file under another name\)); refusing to overwrite it$/);
      expect(r.loads).toBe(0);
    }
    expect(readFileSync(src, 'utf8')).toBe(SOURCE);
    expect(readFileSync(ref, 'utf8')).toBe(REFERENCE);
  });

  it('writes the translations to another file', async () => {
    const hyp = path.join(dir, 'saved.en');
    const r = await runEval(['--src', file('src2.da', SOURCE), '--ref', file('ref2.en', REFERENCE), '--save-hyp', hyp, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(hyp, 'utf8')).toBe('EN(HUNDEN LØBER.)\nEN(KATTEN SOVER.)\n');
    expect(JSON.parse(r.stdout).lines).toBe(2);
  });

  it('--save-hyp with --hyp is a usage error (nothing is translated), not silently ignored', async () => {
    const ref = file('ref3.en', REFERENCE);
    const r = await runEval(['--src', file('src3.da', SOURCE), '--ref', ref, '--hyp', ref, '--save-hyp', path.join(dir, 'never.en')]);
    expectOneLine(r, 2, /^da2en: --save-hyp saves the translations of --src, and --hyp scores an existing file/);
    expect(r.loads).toBe(0);
  });
});
