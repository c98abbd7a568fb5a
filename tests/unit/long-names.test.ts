/**
 * An output whose name fits the file system's 255-byte limit is written, however close to it: the
 * temporary names beside it (src/io/name-beside.ts) are shortened to fit, in bytes and never within
 * a character. A name over the limit is one clear output error, found before any work.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nameBeside } from '../../src/io/name-beside.js';
import { checkWritable, tempName, writeFileAtomically } from '../../src/io/sinks.js';
import { replaceFile } from '../../src/io/replace-file.js';
import { writeBilingualStream, type FramedParagraphs } from '../../src/io/bilingual-writer.js';
import { swapIntoPlace } from '../../src/converter/output-folder.js';
import { Da2enError } from '../../src/errors.js';
import type { BilingualParagraph } from '../../src/document/types.js';
import { runCli } from '../helpers/run-cli.js';
import { FakeTranslator } from '../helpers/fake-translator.js';
import { PLAIN_FRAME } from '../helpers/bilingual-fixture.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-long-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (name: string) => Buffer.byteLength(name, 'utf8');
/** A name of exactly `total` bytes ending in `ending`: `unit` repeated, topped up with "b". */
function nameOf(total: number, ending: string, unit = 'b'): string {
  const room = total - bytes(ending);
  const units = unit.repeat(Math.floor(room / bytes(unit)));
  return units + 'b'.repeat(room - bytes(units)) + ending;
}

const FRAME = PLAIN_FRAME;

function translation(): FramedParagraphs {
  const para: BilingualParagraph = {
    index: 0,
    kind: 'text',
    prefix: '',
    source: 'Hej verden.',
    target: 'Hello world.',
    chunks: [{ index: 0, text: 'Hej verden.', joinBefore: '', tokens: 1, target: 'Hello world.', origin: 'model' }],
  };
  return {
    async *[Symbol.asyncIterator]() {
      yield para;
    },
    frame: () => FRAME,
    result: () => ({ frame: FRAME }),
  };
}

describe('names near the 255-byte limit', () => {
  it('a name beside one that fits is shortened to 255 bytes, never within a character; a short one is kept whole', () => {
    for (const unit of ['b', 'æ', '日', '🦆']) {
      const file = path.join(dir, nameOf(252, '.da-en.txt', unit));
      for (const made of [tempName(file, 'part'), nameBeside(file, `.tmp-${process.pid}-${Date.now()}`)]) {
        const name = path.basename(made);
        expect(bytes(name), unit).toBeLessThanOrEqual(255);
        expect(bytes(name), unit).toBeGreaterThan(255 - bytes(unit));
        expect(Buffer.from(name, 'utf8').toString('utf8')).toBe(name); // no half character (a lone surrogate would not survive)
        expect(name).not.toContain('\uFFFD');
        expect(path.dirname(made)).toBe(dir);
      }
    }
    // Short names are as other code recognises them (output-folder.ts, code-cache.ts, ENGINE_FILE).
    expect(path.basename(tempName('/m/.da2en-manifest.json', 'part'))).toMatch(new RegExp(`^\\.\\.da2en-manifest\\.json\\.${process.pid}\\.[0-9a-f]{8}\\.part\\.tmp$`));
    expect(nameBeside('/m/onnx/da2en_generate.onnx', '.tmp-1-2')).toBe('/m/onnx/da2en_generate.onnx.tmp-1-2');
  });

  it('outputs with names of up to 255 bytes are written, replacing what is there, leaving nothing else', async () => {
    const folder = path.join(dir, 'outputs');
    mkdirSync(folder);
    const units = { html: 'ø', md: 'b', txt: '日', json: '🦆' };
    const targets = (['html', 'md', 'txt', 'json'] as const).map((format) => ({ format, path: path.join(folder, nameOf(255, `.${format}`, units[format])) }));
    // Twice: the second time, the outputs there are kept aside (`prev`) until all are placed.
    for (let round = 0; round < 2; round++) await writeBilingualStream(translation(), targets);
    expect(readdirSync(folder).sort()).toEqual(targets.map((t) => path.basename(t.path)).sort());
    expect(JSON.parse(readFileSync(targets[3]!.path, 'utf8')).paragraphs[0].target).toBe('Hello world.');

    const single = path.join(folder, nameOf(255, '.en.txt'));
    await writeFileAtomically(single, 'one\n');
    await writeFileAtomically(single, 'two\n');
    const owned = path.join(folder, nameOf(255, '.json', 'å'));
    await replaceFile(owned, '{}\n');
    expect(readFileSync(single, 'utf8')).toBe('two\n');
    expect(readFileSync(owned, 'utf8')).toBe('{}\n');
    expect(readdirSync(folder)).toHaveLength(targets.length + 2);
  });

  it('a converted model folder with a 255-byte name replaces the one there', async () => {
    const outDir = path.join(dir, nameOf(255, '-model'));
    mkdirSync(outDir);
    writeFileSync(path.join(outDir, 'config.json'), 'old');
    const fresh = path.join(dir, 'fresh');
    mkdirSync(fresh);
    writeFileSync(path.join(fresh, 'config.json'), 'new');
    await swapIntoPlace(fresh, outDir, true);
    expect(readFileSync(path.join(outDir, 'config.json'), 'utf8')).toBe('new');
    expect(readdirSync(dir).filter((n) => n.startsWith('bbbb'))).toEqual([path.basename(outDir)]);
  });

  it('an output name over 255 bytes is one clear output error, before any work, never the system\'s ENAMETOOLONG', async () => {
    const missing = path.join(dir, 'not-made-yet');
    const targets = [
      path.join(dir, nameOf(256, '.da-en.txt')),
      // In a folder still to be made, the system would see the name only once the work was done.
      path.join(missing, nameOf(256, '.da-en.txt')),
      path.join(missing, nameOf(256, '-folder'), 'a.da-en.txt'),
      // Every name fits, the whole path does not (4096 bytes).
      path.join(missing, ...Array.from({ length: 17 }, () => nameOf(250, '')), 'a.da-en.txt'),
    ];
    for (const target of targets) {
      for (const attempt of [() => checkWritable(target), () => writeFileAtomically(target, 'x')]) {
        const err = await attempt().then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(Da2enError);
        expect((err as Da2enError).kind).toBe('output');
        expect((err as Error).message).toBe(`cannot write ${target}: its name is too long for the file system (most allow 255 bytes a name, 4096 a path); choose a shorter name`);
      }
    }
    expect(readdirSync(dir)).not.toContain('not-made-yet');
  });

  it('the CLI writes an input\'s output of 250 bytes, and refuses one of 260 in one line (exit 8) before translating', async () => {
    const inputs = path.join(dir, 'in');
    const out = path.join(dir, 'out');
    mkdirSync(inputs);
    const fits = path.join(inputs, nameOf(244, '.txt'));
    const tooLong = path.join(inputs, nameOf(254, '.txt'));
    for (const input of [fits, tooLong]) writeFileSync(input, 'Lang fil.\n');
    const translator = new FakeTranslator();
    const run = (input: string) => runCli([input, '--model', dir, '--offline', '--no-cache', '--quiet', '--format', 'txt', '--out-dir', out], '', { loadTranslator: async () => translator });

    const ok = await run(fits);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readdirSync(out)).toEqual([`${path.basename(fits, '.txt')}.da-en.txt`]);
    expect(bytes(readdirSync(out)[0]!)).toBe(250);

    const calls = translator.calls.length;
    const refused = await run(tooLong);
    expect(refused.code).toBe(8);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^da2en: cannot write .*\.da-en\.txt: its name is too long for the file system/);
    expect(refused.stderr).not.toMatch(/ENAMETOOLONG|\.tmp|\.part/);
    expect(translator.calls.length).toBe(calls);
    expect(readdirSync(out)).toHaveLength(1);

    // Into a folder still to be made, with another input before it: still refused before anything is translated.
    const fresh = path.join(dir, 'fresh-out');
    const both = await runCli([fits, tooLong, '--model', dir, '--offline', '--no-cache', '--quiet', '--format', 'txt', '--out-dir', fresh], '', { loadTranslator: async () => translator });
    expect(both.code).toBe(8);
    expect(both.stderr).toMatch(/^da2en: cannot write .*\.da-en\.txt: its name is too long for the file system/);
    expect(translator.calls.length).toBe(calls);
    expect(readdirSync(dir)).not.toContain('fresh-out');
  });
});
