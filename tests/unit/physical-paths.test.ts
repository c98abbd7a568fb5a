/**
 * A `..` after a symbolic link is read as the system reads it (the parent of where the link leads),
 * not as written (the folder holding the link): an output lands where the shell would put it, and
 * never replaces a file of the same name beside the link.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Da2enError } from '../../src/errors.js';
import { physicalInputPath, physicalPath } from '../../src/io/same-file.js';
import { writeFileAtomically } from '../../src/io/sinks.js';
import { FakeTranslator } from '../helpers/fake-translator.js';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-physical-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** dir/real/sub, and dir/sl → real/sub: `sl/..` is dir/real to the system, dir as written. */
function tree(name: string): { root: string; real: string; sl: string } {
  const root = path.join(dir, name);
  const real = path.join(root, 'real');
  mkdirSync(path.join(real, 'sub'), { recursive: true });
  symlinkSync(path.join('real', 'sub'), path.join(root, 'sl'));
  return { root, real, sl: path.join(root, 'sl') };
}

describe('physicalPath', () => {
  it('reads `..` after a link as the system would', async () => {
    const { root, real, sl } = tree('p');
    expect(await physicalPath(`${sl}/..`)).toBe(real);
    expect(await physicalPath(`${sl}/../x.txt`)).toBe(path.join(real, 'x.txt'));
    // No `..` after a name: as written, links and all.
    expect(await physicalPath(`${sl}/x.txt`)).toBe(`${sl}/x.txt`);
    expect(await physicalPath(`${root}/../x.txt`)).toBe(path.join(dir, 'x.txt'));
  });

  it('refuses a `..` after a link to nothing, a loop of links or a file, as the system does (not read as written)', async () => {
    const { root } = tree('nowhere');
    symlinkSync(path.join('..', 'nowhere', 'dir'), path.join(root, 'D'));
    symlinkSync('LOOP', path.join(root, 'LOOP'));
    writeFileSync(path.join(root, 'f.txt'), '');
    const refusal = (file: string) => physicalPath(file).then(() => undefined, (err: unknown) => [(err as Da2enError).kind, (err as Error).message]);
    expect(await refusal(`${root}/D/../x.html`)).toEqual(['output', `cannot write ${root}/D/../x.html: ${root}/D is a symbolic link to nothing (../nowhere/dir), so the ".." after it leads nowhere`]);
    expect(await refusal(`${root}/D/new/..`)).toEqual(['output', `cannot write ${root}/D/new/..: ${root}/D is a symbolic link to nothing (../nowhere/dir), so the ".." after it leads nowhere`]);
    expect(await refusal(`${root}/LOOP/..`)).toEqual(['output', `cannot write ${root}/LOOP/..: ${root}/LOOP is a loop of symbolic links, so the ".." after it leads nowhere`]);
    expect(await refusal(`${root}/f.txt/../x.html`)).toEqual(['output', `cannot write ${root}/f.txt/../x.html: ${root}/f.txt is not a folder, so the ".." after it leads nowhere`]);
    // A file to read so named is left as written: its reading says it is not there.
    expect(await physicalInputPath(`${root}/D/../a.txt`)).toBe(`${root}/D/../a.txt`);
  });

  it('refuses a `..` after a name that is not there, as the system does (was: read as written, `nolink/../x.html` wrote ./x.html)', async () => {
    const { root, sl } = tree('missing');
    const refusal = (file: string) => physicalPath(file).then((p) => p, (err: unknown) => [(err as Da2enError).kind, (err as Error).message]);
    expect(await refusal(`${root}/nolink/../x.html`)).toEqual(['output', `cannot write ${root}/nolink/../x.html: ${root}/nolink does not exist, so the ".." after it leads nowhere`]);
    expect(await refusal(`${sl}/new/../x.txt`)).toEqual(['output', `cannot write ${sl}/new/../x.txt: ${sl}/new does not exist, so the ".." after it leads nowhere`]);
    expect(await refusal(`${root}/a/b/../../x.txt`)).toEqual(['output', `cannot write ${root}/a/b/../../x.txt: ${root}/a does not exist, so the ".." after it leads nowhere`]);
    // A relative path whose first name is not there.
    expect(await refusal('da2en-no-such-folder/./../x.html')).toEqual(['output', 'cannot write da2en-no-such-folder/./../x.html: da2en-no-such-folder does not exist, so the ".." after it leads nowhere']);
    // Names still to be made after the last `..` are fine.
    expect(await refusal(`${root}/real/../new/x.txt`)).toBe(path.join(root, 'new', 'x.txt'));
    expect(await physicalInputPath(`${root}/nolink/../a.txt`)).toBe(`${root}/nolink/../a.txt`);
  });
});

describe('an output path with `..` after a link', () => {
  it('a new file is written where the system reads the path, the file beside the link left alone', async () => {
    const { root, real, sl } = tree('w');
    writeFileSync(path.join(root, 'x.txt'), 'keep');
    await writeFileAtomically(`${sl}/../x.txt`, 'new');
    expect(readFileSync(path.join(root, 'x.txt'), 'utf8')).toBe('keep');
    expect(readFileSync(path.join(real, 'x.txt'), 'utf8')).toBe('new');
  });

  it('the CLI: --out-dir link/.., -o link/../x.txt and an input named link/../a.txt', async () => {
    const { root, real, sl } = tree('cli');
    const input = path.join(root, 'a.txt');
    writeFileSync(input, 'Hej verden.\n');
    writeFileSync(path.join(root, 'x.txt'), 'keep');
    const translator = new FakeTranslator();
    const run = (args: string[]) => runCli([...args, '--model', dir, '--offline', '--no-cache', '--quiet', '--format', 'txt'], '', { loadTranslator: async () => translator });

    expect((await run([input, '--out-dir', `${sl}/..`])).code).toBe(0);
    expect((await run([input, '-o', `${sl}/../x.txt`])).code).toBe(0);
    expect(readFileSync(path.join(root, 'x.txt'), 'utf8')).toBe('keep');
    expect(readdirSync(root).sort()).toEqual(['a.txt', 'real', 'sl', 'x.txt']);
    expect(readdirSync(real).sort()).toEqual(['a.da-en.txt', 'sub', 'x.txt']);

    // An input so named is real/b.txt: its output goes beside it, and `-o real/b.txt` is refused as the input.
    writeFileSync(path.join(real, 'b.txt'), 'Hej igen.\n');
    writeFileSync(path.join(root, 'b.txt'), 'not the input');
    const beside = await run([`${sl}/../b.txt`, input]);
    expect(beside.code, beside.stderr).toBe(0);
    expect(readdirSync(real)).toContain('b.da-en.txt');
    const onInput = await run([`${sl}/../b.txt`, '-o', path.join(real, 'b.txt')]);
    expect([onInput.code, onInput.stderr]).toEqual([2, `da2en: output ${path.join(real, 'b.txt')} is an input file; refusing to overwrite it\n`]);
    // …and `-o b.txt` beside the link is not the input: written.
    expect((await run([`${sl}/../b.txt`, '-o', path.join(root, 'b.txt')])).code).toBe(0);
    expect(readFileSync(path.join(real, 'b.txt'), 'utf8')).toBe('Hej igen.\n');
  });

  it('the CLI: an input named link/../a.txt is shown and recorded as given, its outputs beside where it is', async () => {
    const { root, real, sl } = tree('shown');
    writeFileSync(path.join(real, 'a.txt'), 'Hej verden.\n');
    const input = `${sl}/../a.txt`;
    const run = (args: string[]) => runCli([...args, '--model', dir, '--offline', '--no-cache', '--quiet'], '', { loadTranslator: async () => new FakeTranslator() });
    // Two inputs: their outputs go beside them (one alone would go to standard output).
    writeFileSync(path.join(root, 'c.txt'), 'Hej igen.\n');
    const beside = await run([input, path.join(root, 'c.txt'), '--format', 'json,html']);
    expect(beside.code, beside.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(real, 'a.da-en.json'), 'utf8')).metadata.source).toBe(input);
    expect(readFileSync(path.join(real, 'a.da-en.html'), 'utf8')).toContain(`<dt>Source</dt><dd>${input}</dd>`);
    const twice = await run([input, `${root}/real/a.txt`]);
    expect([twice.code, twice.stderr]).toEqual([2, `da2en: ${input} and ${root}/real/a.txt would both write ${path.join(realpathSync(real), 'a.da-en.html')}; give them different names\n`]);
  });

  it('the CLI: a `..` after a link to nothing or a loop of links is refused in one line (exit 8), nothing written', async () => {
    const { root } = tree('refused');
    symlinkSync(path.join('..', 'nowhere', 'dir'), path.join(root, 'D'));
    symlinkSync('LOOP', path.join(root, 'LOOP'));
    const input = path.join(root, 'a.txt');
    writeFileSync(input, 'Hej verden.\n');
    const run = (args: string[]) => runCli([input, ...args, '--model', dir, '--offline', '--no-cache', '--quiet'], '', { loadTranslator: async () => new FakeTranslator() });
    const file = await run(['-o', `${root}/D/../x.html`]);
    expect([file.code, file.stderr]).toEqual([8, `da2en: cannot write ${root}/D/../x.html: ${root}/D is a symbolic link to nothing (../nowhere/dir), so the ".." after it leads nowhere\n`]);
    const folder = await run(['--out-dir', `${root}/LOOP/..`]);
    expect([folder.code, folder.stderr]).toEqual([8, `da2en: cannot write ${root}/LOOP/..: ${root}/LOOP is a loop of symbolic links, so the ".." after it leads nowhere\n`]);
    expect(readdirSync(root).sort()).toEqual(['D', 'LOOP', 'a.txt', 'real', 'sl']);
  });

  it('the CLI: -o nolink/../x.html and --out-dir nolink/../out, nolink not there, are refused in one line (exit 8), nothing written (was: ./x.html written)', async () => {
    const { root } = tree('nolink');
    const input = path.join(root, 'a.txt');
    writeFileSync(input, 'Hej verden.\n');
    const run = (args: string[]) => runCli([input, ...args, '--model', dir, '--offline', '--no-cache', '--quiet'], '', { loadTranslator: async () => new FakeTranslator() });
    const file = await run(['-o', `${root}/nolink/../x.html`]);
    expect([file.code, file.stderr]).toEqual([8, `da2en: cannot write ${root}/nolink/../x.html: ${root}/nolink does not exist, so the ".." after it leads nowhere\n`]);
    const folder = await run(['--out-dir', `${root}/nolink/../out`]);
    expect([folder.code, folder.stderr]).toEqual([8, `da2en: cannot write ${root}/nolink/../out: ${root}/nolink does not exist, so the ".." after it leads nowhere\n`]);
    expect(readdirSync(root).sort()).toEqual(['a.txt', 'real', 'sl']);
  });
});
