/**
 * `da2en eval` as a user runs it: what it refuses before any model work (--save-hyp onto an input,
 * under any name; --save-hyp with --hyp), how it reads its files (strict UTF-8, no binary files,
 * lines as sacreBLEU 2.x reads them) and what it scores.
 */
import { linkSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
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
async function runEval(args: string[], stdin = '') {
  let loads = 0;
  const result = await runCli(['eval', ...args], stdin, {
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

  it('each source line gives one saved line, whatever line-break character it holds (echo model)', async () => {
    const model = await builtModel('echo');
    // None of these ends an eval line. A lone CR became a line break in the saved file, and a NEL was
    // kept in it (where Python's splitlines and many editors end a line).
    const lines = ['Det er godt.\rOg skidt.', 'En\vto\ftre.', 'Fire\u0085fem\u2028seks\u2029syv\u2029otte.', 'Hej.'];
    const src = file('breaks.da', lines.join('\n') + '\n');
    const ref = file('breaks.en', 'It is good. And bad.\nOne two three.\nFour five six seven eight.\nHi.\n');
    const hyp = path.join(dir, 'breaks-hyp.en');
    const r = await runCli(['eval', '--src', src, '--ref', ref, '--model', model, '--offline', '--save-hyp', hyp, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).lines).toBe(4);
    expect(readFileSync(hyp, 'utf8')).toBe('Det er godt. Og skidt.\nEn to tre.\nFire fem seks syv otte.\nHej.\n');
    // The saved file scores as the run did.
    const again = await runCli(['eval', '--ref', ref, '--hyp', hyp, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(r.stdout));
  }, 60_000);

  it('--save-hyp with a `..` after a link to nothing is refused (exit 8) before any model work, not written in the current folder', async () => {
    symlinkSync(path.join('..', 'nowhere', 'dir'), path.join(dir, 'D'));
    const r = await runEval(['--src', file('src5.da', SOURCE), '--ref', file('ref5.en', REFERENCE), '--save-hyp', `${dir}/D/../h5.en`]);
    expectOneLine(r, 8, /^da2en: cannot write .*\/D\/\.\.\/h5\.en: .*\/D is a symbolic link to nothing \(\.\.\/nowhere\/dir\), so the "\.\." after it leads nowhere$/);
    expect(r.loads).toBe(0);
    // And a source so named is one that cannot be read (exit 3), not an output's failure.
    const unread = await runEval(['--src', `${dir}/D/../src5.da`, '--ref', path.join(dir, 'ref5.en'), '--save-hyp', path.join(dir, 'h5.en')]);
    expectOneLine(unread, 3, /^da2en: cannot read source .*\/D\/\.\.\/src5\.da: no such file$/);
  });

  it('--save-hyp with --hyp is a usage error (nothing is translated), not silently ignored', async () => {
    const ref = file('ref3.en', REFERENCE);
    const r = await runEval(['--src', file('src3.da', SOURCE), '--ref', ref, '--hyp', ref, '--save-hyp', path.join(dir, 'never.en')]);
    expectOneLine(r, 2, /^da2en: --save-hyp saves the translations of --src, and --hyp scores an existing file/);
    expect(r.loads).toBe(0);
  });
});

describe('eval reads strict UTF-8, as sacreBLEU does', () => {
  it('invalid UTF-8 stops with the byte offset (exit 3), never scored as U+FFFD', async () => {
    const latin = file('latin.da', Buffer.from('Hunden l\xf8ber hurtigt.\n', 'latin1'));
    const r = await runEval(['--src', latin, '--ref', file('ref4.en', 'The dog runs fast.\n'), '--save-hyp', path.join(dir, 'h4.en')]);
    expectOneLine(r, 3, /^da2en: source .*latin\.da is not valid UTF-8 \(first bad byte at offset 8\)/);
    expect(r.loads).toBe(0);
    const hyp = await runEval(['--ref', file('ref5.en', 'The dog runs fast.\n'), '--hyp', latin]);
    expectOneLine(hyp, 3, /^da2en: hypothesis .*latin\.da is not valid UTF-8 \(first bad byte at offset 8\)/);
  });

  it('a binary file is refused (exit 3)', async () => {
    const png = file('pic.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]));
    expectOneLine(await runEval(['--ref', png, '--hyp', png]), 3, /^da2en: reference .*pic\.png looks like a PNG image, not a UTF-8 text file$/);
  });

  it('a UTF-8 byte order mark is accepted, kept as sacreBLEU keeps it', async () => {
    const ref = file('ref6.en', 'a b c d e\n');
    const r = await runEval(['--ref', ref, '--hyp', file('bom.en', '\ufeffa b c d e\r\n'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    // sacreBLEU 2.x: the first token is "\ufeffa", so 4 of 5 unigrams match (BLEU 66.9, chrF2 92.4).
    expect(JSON.parse(r.stdout)).toMatchObject({ bleu: { score: 66.9 }, chrf: { score: 92.4 }, lines: 1 });
  });
});

describe('eval reads lines as sacreBLEU 2.x does', () => {
  it('empty files stop with one line, exit 3 (sacreBLEU: "contains no sentence")', async () => {
    expectOneLine(await runEval(['--ref', file('empty.en', ''), '--hyp', file('empty2.en', '')]), 3, /^da2en: Nothing to score: the files are empty/);
  });

  it('a lone CR does not end a line; CRLF does', async () => {
    const ref = file('ref7.en', 'a b c d e\nf g h i j\n');
    const r = await runEval(['--ref', ref, '--hyp', file('cr.en', 'a b c\rd e\r\nf g h i j'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ bleu: { score: 100 }, lines: 2 });
  });
});

describe('eval reads - as standard input, for one of its files', () => {
  const HYPOTHESIS = 'The dog runs.\nThe cat sleep.\n';

  it('--hyp -, --ref - and --src - read standard input: the scores of the same files given by name', async () => {
    const ref = file('ref-stdin.en', REFERENCE);
    const hyp = file('hyp-stdin.en', HYPOTHESIS);
    const named = await runEval(['--ref', ref, '--hyp', hyp, '--json']);
    expect(named.code, named.stderr).toBe(0);
    const scores = JSON.parse(named.stdout);
    expect(scores.bleu.score).toBeLessThan(100);

    const hypIn = await runEval(['--ref', ref, '--hyp', '-', '--json'], HYPOTHESIS);
    expect(hypIn.code, hypIn.stderr).toBe(0);
    expect(JSON.parse(hypIn.stdout)).toEqual(scores);
    const refIn = await runEval(['--ref=-', '--hyp', hyp, '--json'], REFERENCE);
    expect(refIn.code, refIn.stderr).toBe(0);
    expect(JSON.parse(refIn.stdout)).toEqual(scores);

    // Translated from standard input, saved, and scored as the same source file would be.
    const saved = path.join(dir, 'saved-stdin.en');
    const srcIn = await runEval(['--src', '-', '--ref', ref, '--save-hyp', saved, '--json'], SOURCE);
    expect(srcIn.code, srcIn.stderr).toBe(0);
    expect(srcIn.loads).toBe(1);
    expect(readFileSync(saved, 'utf8')).toBe('EN(HUNDEN LØBER.)\nEN(KATTEN SOVER.)\n');
    const srcFile = await runEval(['--src', file('src-stdin.da', SOURCE), '--ref', ref, '--json']);
    expect(JSON.parse(srcIn.stdout)).toEqual(JSON.parse(srcFile.stdout));
  });

  it('two of them - is a usage error (exit 2) before anything is read or translated', async () => {
    const both = await runEval(['--src', '-', '--ref', '-'], SOURCE);
    expectOneLine(both, 2, /^da2en: standard input \(-\) can be read only once: --src and --ref are both -; give a file for one of them \(\.\/- for a file named -\)$/);
    expect(both.loads).toBe(0);
    const hypRef = await runEval(['--ref', '-', '--hyp', '-'], REFERENCE);
    expectOneLine(hypRef, 2, /^da2en: standard input \(-\) can be read only once: --ref and --hyp are both -/);
  });

  it('what standard input holds is checked as a file is (exit 3), named "standard input"', async () => {
    const ref = file('ref-stdin2.en', REFERENCE);
    expectOneLine(await runEval(['--ref', ref, '--hyp', '-'], ''), 3, /^da2en: Line counts differ \(reference 2, hypothesis 0\)/);
    const binary = await runEval(['--ref', ref, '--hyp', '-'], '\x01\x02\x03\x04\x05\x06\x07\x08'.repeat(8));
    expectOneLine(binary, 3, /^da2en: hypothesis \(standard input\) looks like binary data, not a UTF-8 text file$/);
  });

  it('a path that ends in - is a file, not standard input', async () => {
    const dash = file('-', HYPOTHESIS);
    const r = await runEval(['--ref', file('ref-stdin3.en', REFERENCE), '--hyp', dash, '--json'], 'nothing like it\nat all\n');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).bleu.score).toBeGreaterThan(50);
  });
});
