import { chmodSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { runCli } from '../helpers/run-cli.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { ALIGN_SCRIPT_HASH } from '../../src/rendering/html.js';
import { ALIGN_SCRIPT } from '../../src/rendering/sentence-spans.js';

let model: string;
let dir: string;

beforeAll(async () => {
  model = await builtModel('tiny');
  dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-bad-'));
});

function file(name: string, contents: string | Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, contents);
  return p;
}

/** Translate `input` into out-dir/<stem>.da-en.json and return the CLI result and files written. */
async function translate(input: string, extra: string[] = []) {
  const out = mkdtempSync(path.join(dir, 'out-'));
  const result = await runCli([input, '--model', model, '--offline', '--no-cache', '--quiet', '--format', 'json', '--out-dir', out, ...extra]);
  return { ...result, out, files: readdirSync(out) };
}

function expectOneLineError(result: { code: number; stderr: string; files: string[] }, code: number, pattern: RegExp) {
  expect(result.code).toBe(code);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(result.files).toEqual([]); // nothing half-written
}

const DANISH = 'Kommunen bygger en ny skole.\n\nDen åbner i 2027 med plads til 400 elever.\n';

describe('bad input gets one clear line, a non-zero exit code and no output file', () => {
  it('missing file', async () => expectOneLineError(await translate(path.join(dir, 'nope.txt')), 3, /cannot read .*nope\.txt: no such file/));
  it('a URL da2en does not fetch (ftp:, file:): exit 24 saying so, as --input-format url does (was: exit 3 "no such file")', async () => {
    expectOneLineError(await translate('ftp://user:secret@example.com/artikel.txt'), 24, /^da2en: ftp:\/\/user:\*\*\*@example\.com\/artikel\.txt: only http and https URLs can be fetched; give a file by its path\n$/);
    expectOneLineError(await translate(`file://${file('local.html', '<p>x</p>')}`), 24, /only http and https URLs can be fetched/);
  });
  it('directory instead of a file', async () => {
    mkdirSync(path.join(dir, 'a-dir'), { recursive: true });
    expectOneLineError(await translate(path.join(dir, 'a-dir')), 3, /is a directory/);
  });
  it('empty file', async () => expectOneLineError(await translate(file('empty.txt', '')), 3, /is empty/));
  it('whitespace-only file', async () => expectOneLineError(await translate(file('ws.txt', ' \n\t\n\r\n  ')), 3, /is empty/));
  it('file of only invisible characters (zero-width space, U+FEFF, word joiner, soft hyphen)', async () =>
    expectOneLineError(await translate(file('invisible.txt', '\u200b\n\u2060 \ufeff\n\u00ad\n')), 3, /is empty \(nothing but white space or invisible characters\)/));
  it('binary file (PNG)', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]);
    expectOneLineError(await translate(file('pic.png', png)), 3, /looks like a PNG image, not a text file/);
  });
  it('invalid UTF-8 in a UTF-8 file names the byte offset and suggests cp1252; a Windows-1252 file is detected with a notice, € – ” ’ kept', async () => {
    const damaged = Buffer.concat([Buffer.from('Det er en smuk dag i Århus ', 'utf8'), Buffer.from([0xe6]), Buffer.from(' og alle er glade.', 'utf8')]);
    const offset = damaged.indexOf(0xe6);
    expectOneLineError(await translate(file('damaged.txt', damaged)), 3, new RegExp(`not valid UTF-8 \\(first bad byte at offset ${offset}\\).*--encoding cp1252`));
    const text = 'Det koster 5 € – ”billigt”, siger Søren’s far i Århus.';
    const cp1252 = Buffer.from(Array.from(text, (c) => ({ '€': 0x80, '–': 0x96, '”': 0x94, '’': 0x92 })[c] ?? c.charCodeAt(0)));
    const p = file('cp1252.txt', cp1252);
    for (const extra of [[], ['--encoding', 'cp1252'], ['--encoding', 'windows-1252'], ['--encoding', 'latin1']]) {
      const ok = await translate(p, extra);
      expect(ok.code, extra.join(' ')).toBe(0);
      expect(JSON.parse(readFileSync(path.join(ok.out, ok.files[0]!), 'utf8')).paragraphs[0].source).toBe(text);
    }
    // Detection is said on stderr (not with --quiet).
    const out = mkdtempSync(path.join(dir, 'out-'));
    const noticed = await runCli([p, '--model', model, '--offline', '--no-cache', '--format', 'json', '--out-dir', out]);
    expect(noticed.code).toBe(0);
    expect(noticed.stderr).toContain(`${p}: not valid UTF-8: read as Windows-1252 (pass --encoding to choose another)`);
    // --quiet however yargs reads it: with a value, or grouped with another short option.
    for (const quietly of [['--quiet=true', '--format', 'json'], ['-qf', 'json']]) {
      const silent = await runCli([p, '--model', model, '--offline', '--no-cache', '--out-dir', mkdtempSync(path.join(dir, 'out-')), ...quietly]);
      expect([silent.code, silent.stderr], quietly.join(' ')).toEqual([0, '']);
    }
  });
  it('web pages and Markdown too: plain text read as HTML (exit 7), binary named .html/.md, Markdown with nothing to translate, BOM-less UTF-16 (exit 3)', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]);
    const text = file('plain.da.txt', DANISH);
    expectOneLineError(await translate(text, ['--input-format', 'html']), 7, /plain\.da\.txt: no article text found in the page; to translate all of its text, pass --input-format text/);
    expectOneLineError(await translate(file('plain.html', DANISH)), 7, /no article text found/);
    expectOneLineError(await translate(file('pic.html', png)), 3, /pic\.html looks like a PNG image, not a text file/);
    expectOneLineError(await translate(file('pic.md', png)), 3, /pic\.md looks like a PNG image, not a text file/);
    expectOneLineError(await translate(file('front-matter.md', '---\ntitle: x\n---\n')), 3, /front-matter\.md: no text to translate/);
    expectOneLineError(await translate(file('rule.md', '***\n')), 3, /rule\.md: no text to translate/);
    expectOneLineError(await translate(file('u16.txt', Buffer.from(DANISH, 'utf16le'))), 3, /u16\.txt looks like UTF-16LE text without a byte order mark; pass --encoding utf16le/);
    const oddByte = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(DANISH, 'utf16le'), Buffer.from([0x41])]);
    expectOneLineError(await translate(file('u16-odd.txt', oddByte)), 3, new RegExp(`not valid UTF-16LE \\(an unpaired surrogate or a lone last byte at offset ${oddByte.length - 1}\\)`));
    const stdin = await runCli(['-', '--input-format', 'html', '--model', model, '--offline', '--no-cache', '--quiet', '--format', 'json'], 'Hej med dig.\n');
    expect([stdin.code, stdin.stderr.trim()]).toEqual([7, 'da2en: standard input: no article text found in the page; to translate all of its text, pass --input-format text']);
    // Standard input is no address: a usage error before anything is read (was "-: not a valid URL", exit 24).
    const asUrl = await runCli(['-', '--input-format', 'url', '--model', model, '--offline', '--no-cache', '--quiet', '--format', 'json'], 'https://example.com/\n');
    expect([asUrl.code, asUrl.stderr.trim()]).toEqual([2, 'da2en: --input-format url fetches the URL given as the input, and standard input (-) is no URL; give the address itself, or pipe the page with --input-format html']);
  });
  it('a page or Markdown file nested too deeply: exit 3, one line naming it (was: "unexpected error: Maximum call stack size exceeded", exit 1)', async () => {
    const page = `<html><body><article>${'<blockquote>'.repeat(5000)}<p>${DANISH}</p></article></body></html>`;
    expectOneLineError(await translate(file('deep.html', page)), 3, /deep\.html: the page has elements nested more than 256 levels deep, which da2en does not read; to translate all of its text, pass --input-format text/);
    expectOneLineError(await translate(file('deep.md', '>'.repeat(3000) + ' x\n')), 3, /deep\.md: the Markdown has block quotes or lists nested more than 100 levels deep/);
  });
  it('Markdown with thousands of block quotes: exit 3, one line naming it (was: minutes to months in the parser; 3,001 took 15 s)', async () => {
    expectOneLineError(
      await translate(file('citater.md', '> Et citat.\n\n'.repeat(3001))),
      3,
      /citater\.md: more than 3000 block quotes, lists and underlined headings, which da2en does not read \(the Markdown parser slows down with the square of their number\); to translate all of its text, pass --input-format text/,
    );
  });
  it('--encoding applies to Markdown, and a Markdown file in Windows-1252 is detected with a notice', async () => {
    const text = 'Det koster 5 € – ”billigt”, siger Søren’s far i Århus.';
    const p = file('cp1252.md', Buffer.from(Array.from(`# Prisen\n\n${text}\n`, (c) => ({ '€': 0x80, '–': 0x96, '”': 0x94, '’': 0x92, 'ø': 0xf8, 'Å': 0xc5 })[c] ?? c.charCodeAt(0))));
    const given = await translate(p, ['--encoding', 'cp1252']);
    expect([given.code, given.stderr]).toEqual([0, '']);
    expect(JSON.parse(readFileSync(path.join(given.out, given.files[0]!), 'utf8')).paragraphs.map((q: { source: string }) => q.source)).toEqual(['Prisen', text]);
    const out = mkdtempSync(path.join(dir, 'out-'));
    const noticed = await runCli([p, '--model', model, '--offline', '--no-cache', '--format', 'json', '--out-dir', out]);
    expect(noticed.code).toBe(0);
    expect(noticed.stderr).toContain(`${p}: not valid UTF-8: read as Windows-1252 (pass --encoding to choose another)`);
  });
  it('unreadable file', async () => {
    const p = file('secret.txt', DANISH);
    chmodSync(p, 0);
    if (process.getuid?.() === 0) {
      // root reads everything; check the same message path with a file behind a non-directory instead
      expectOneLineError(await translate(path.join(p, 'child.txt')), 3, /cannot read .*child\.txt/);
    } else {
      expectOneLineError(await translate(p), 3, /cannot read .*secret\.txt: permission denied/);
    }
  });
  it('a local model whose config.json holds values no Marian model has: exit 5, one line naming config.json, nothing written (was: a hang eating gigabytes, or exit 1 "unexpected error")', async () => {
    const cases: [string, Record<string, number>, RegExp][] = [
      ['config.json', { decoder_layers: 1_000_000_000 }, /config\.json: decoder_layers 1000000000 is outside 1–256/],
      // Was: "config.json lacks decoder_layers".
      ['config.json', { decoder_layers: -2 }, /config\.json: decoder_layers -2 is outside 1–256/],
      ['config.json', { d_model: 1e9 }, /config\.json: d_model 1000000000 is outside/],
      ['config.json', { decoder_attention_heads: 0 }, /config\.json: decoder_attention_heads 0 is outside/],
      ['config.json', { d_model: 30 }, /config\.json: d_model 30 is not divisible by decoder_attention_heads 4/],
      ['config.json', { max_position_embeddings: 3 }, /config\.json: max_position_embeddings 3 is outside 16–65536/],
      ['generation_config.json', { decoder_start_token_id: 99_999_999 }, /generation_config\.json: decoder_start_token_id 99999999 is outside the vocabulary/],
      // Within range, but not this graph's: the decoder has the cache inputs of 2 layers.
      ['config.json', { decoder_layers: 3 }, /config\.json says decoder_layers 3 but onnx\/decoder_model_merged_quantized\.onnx has 8 past_key_values inputs/],
    ];
    for (const [name, patch, pattern] of cases) {
      const bad = mkdtempSync(path.join(dir, 'bad-model-'));
      cpSync(model, bad, { recursive: true });
      // The engine's cached wrapped model would be made again from the config (as on first use).
      for (const f of readdirSync(path.join(bad, 'onnx'))) if (f.startsWith('da2en_generate')) rmSync(path.join(bad, 'onnx', f));
      const config = JSON.parse(readFileSync(path.join(bad, name), 'utf8'));
      writeFileSync(path.join(bad, name), JSON.stringify({ ...config, ...patch }));
      const out = mkdtempSync(path.join(dir, 'out-'));
      const r = await runCli([file('model-check.txt', DANISH), '--model', bad, '--offline', '--no-cache', '--quiet', '--out-dir', out]);
      expectOneLineError({ ...r, files: readdirSync(out) }, 5, pattern);
      expect(r.stderr).not.toMatch(/unexpected error/);
    }
  });

  it('a local model whose decoder comes from another model (other widths): exit 5, one line naming the file, with every engine and in `model verify` (was: exit 1 "unexpected error", and verify said ok)', async () => {
    const mixed = mkdtempSync(path.join(dir, 'mixed-model-'));
    cpSync(await builtModel('echo'), mixed, { recursive: true });
    for (const f of readdirSync(path.join(mixed, 'onnx'))) if (f.startsWith('da2en_generate')) rmSync(path.join(mixed, 'onnx', f));
    // The tiny model's decoder (d_model 32, 4 heads) beside the echo model's encoder and config.json (d_model 256, 2 heads).
    cpSync(path.join(model, 'onnx', 'decoder_model_merged_quantized.onnx'), path.join(mixed, 'onnx', 'decoder_model_merged_quantized.onnx'));
    const pattern = /onnx\/decoder_model_merged_quantized\.onnx declares encoder_hidden_states with 32 on axis 2 but config\.json's d_model is 256/;
    for (const engine of ['auto', 'js', 'ort']) {
      const out = mkdtempSync(path.join(dir, 'out-'));
      const r = await runCli([file('mixed.txt', DANISH), '--model', mixed, '--engine', engine, '--offline', '--no-cache', '--quiet', '--out-dir', out]);
      expectOneLineError({ ...r, files: readdirSync(out) }, 5, pattern);
    }
    const verify = await runCli(['model', 'verify', '--model', mixed]);
    expect(verify.code).toBe(5);
    expect(verify.stdout).toBe('');
    expect(verify.stderr).toMatch(pattern);
  });

  it('unknown option and bad option value get yargs messages', async () => {
    const unknown = await runCli(['x.txt', '--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option --colour/);
    // Named as typed, once each: yargs said "Unknown arguments: out-dirr, outDirr" for a typo, and
    // "cache" for --no-cache given to a command without it.
    const cases: [string[], string][] = [
      [['x.txt', '--out-dirr', 'out/'], 'unknown option --out-dirr'],
      [['x.txt', '--no-colour', '-x'], 'unknown options --no-colour, -x'],
      [['cache', 'stats', '--no-cache'], 'unknown option --no-cache'],
      [['cache', 'stats', 'extra', '--max-chunk-tokens', '8'], 'unknown option --max-chunk-tokens; unknown argument: extra'],
    ];
    for (const [args, line] of cases) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`da2en: ${line} (run "da2en --help" for usage)\n`);
    }
    // A word that is no option keeps yargs' wording.
    expect((await runCli(['cache', 'stats', 'extra'])).stderr).toMatch(/^da2en: Unknown argument: extra /);
    const bad = await runCli(['x.txt', '--dtype', 'q4']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Invalid values:[\s\S]*dtype/);
  });
  it('a file whose name starts with a dash, given without --: said so (was "-o/--output needs a file …", -n -o … read from -notes.txt)', async () => {
    const here = mkdtempSync(path.join(dir, 'dash-'));
    writeFileSync(path.join(here, '-notes.txt'), DANISH);
    const cwd = process.cwd();
    process.chdir(here);
    try {
      const r = await runCli(['-notes.txt', '--model', model]);
      expect([r.code, r.stderr]).toEqual([2, 'da2en: -notes.txt is read as options, as it starts with a dash; to translate that file, write -- -notes.txt (or ./-notes.txt)\n']);
      // Not there: yargs' own reading stands.
      expect((await runCli(['-nonexist.txt'])).stderr).toMatch(/^da2en: -o\/--output needs a file/);
    } finally {
      process.chdir(cwd);
    }
  });
  it('options given twice, numbers out of range, -o against --format: exit 2, one line, in a real process too (issue 11)', async () => {
    const input = file('opts.txt', DANISH);
    const out = mkdtempSync(path.join(dir, 'opts-'));
    const engine = ['--model', model, '--offline'];
    const cases: [string[], RegExp][] = [
      [[input, ...engine, '--format', 'md', '--format', 'json', '--out-dir', out], /^da2en: option --format was given twice; give it once$/],
      [[input, ...engine, '--beams', '2.5', '--out-dir', out], /^da2en: --beams must be a whole number from 1 to 16; got 2\.5 /],
      [[input, ...engine, '-o', path.join(out, 'x.md'), '--format', 'html'], /^da2en: -o .*x\.md: the extension says md, --format says html; give the file a \.html name or leave out --format$/],
      [['eval', ...engine, '--ref', input], /^da2en: eval needs --src \(to translate\) or --hyp/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    // The same through the real entry point, in its own process: nothing but the one line.
    const spawned = await spawnCli([input, '--threads', '-1', '--dtype', 'q8', '--dtype', 'fp32', '--model', model, '--offline', '--out-dir', out], {}, { entry: 'src/cli/bin.ts' }).done;
    expect(spawned.code).toBe(2);
    expect(spawned.stderr).toBe('da2en: option --dtype was given twice; give it once\n');
    expect(readdirSync(out)).toEqual([]);
  });

  it('an output folder that cannot be written: one line naming the output path, exit 8, before the model loads (issue 11)', async () => {
    const input = file('ro-in.txt', DANISH);
    // Root writes into a read-only folder anyway; a file where the folder should be fails for everyone.
    const blocked = file('not-a-folder', 'x');
    const ro = path.join(dir, 'ro-out');
    mkdirSync(ro, { recursive: true });
    chmodSync(ro, 0o555);
    const asRoot = process.getuid?.() === 0;
    const target = asRoot ? path.join(blocked, 'a.html') : path.join(ro, 'a.html');
    let loads = 0;
    const { loadTranslator } = await import('../../src/engine/load-translator.js');
    const r = await runCli([input, '--model', model, '--offline', '--no-cache', '-o', target], '', {
      loadTranslator: (options) => {
        loads++;
        return loadTranslator(options);
      },
    });
    chmodSync(ro, 0o755);
    expect(r.code, r.stderr).toBe(8);
    expect(r.stderr).toMatch(new RegExp(`^da2en: cannot write ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (permission denied|cannot create it)`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\.tmp|\.part|unexpected error/);
    expect(loads).toBe(0);
  });

  it('output path equal to the input path is refused', async () => {
    const p = file('same.txt', DANISH);
    const r = await runCli([p, '-o', p, '--model', model, '--offline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is an input file; refusing to overwrite it/);
    expect(readFileSync(p, 'utf8')).toBe(DANISH);
  });

  it('an output that is the input under another name (a symbolic link, a linked folder, a hard link) is refused', async () => {
    const folder = mkdtempSync(path.join(dir, 'links-'));
    const real = path.join(folder, 'real.txt');
    writeFileSync(real, DANISH);
    symlinkSync('real.txt', path.join(folder, 'link.txt'));
    symlinkSync(folder, path.join(dir, `${path.basename(folder)}-alias`));
    linkSync(real, path.join(folder, 'hard.txt'));
    const cases = [
      [path.join(folder, 'link.txt'), real], // the input is a link to the output
      [real, path.join(folder, 'link.txt')], // the output is a link to the input
      [real, path.join(dir, `${path.basename(folder)}-alias`, 'real.txt')], // through a linked folder
      [path.join(folder, 'hard.txt'), real],
    ];
    for (const [input, output] of cases) {
      const r = await runCli([input!, '-o', output!, '--model', model, '--offline', '--no-cache']);
      expect(r.code, `${input} -o ${output}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^da2en: output .* is the input file .*; refusing to overwrite it\n$/);
      expect(readFileSync(real, 'utf8')).toBe(DANISH);
    }
  });
});

describe('odd but valid input is handled', () => {
  async function paragraphs(name: string, contents: string | Uint8Array, extra: string[] = []) {
    const r = await translate(file(name, contents), extra);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(readFileSync(path.join(r.out, r.files[0]!), 'utf8')) as { paragraphs: { source: string; target: string }[]; metadata: Record<string, string> };
  }

  it('UTF-8 with BOM', async () => {
    const doc = await paragraphs('bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(DANISH)]));
    expect(doc.paragraphs.map((p) => p.source)).toEqual(['Kommunen bygger en ny skole.', 'Den åbner i 2027 med plads til 400 elever.']);
  });
  it('UTF-16 with BOM', async () => {
    const doc = await paragraphs('u16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(DANISH, 'utf16le')]));
    expect(doc.paragraphs.map((p) => p.source)).toEqual(['Kommunen bygger en ny skole.', 'Den åbner i 2027 med plads til 400 elever.']);
  });
  it('CRLF and CR-only line ends', async () => {
    expect((await paragraphs('crlf.txt', DANISH.replace(/\n/g, '\r\n'))).paragraphs).toHaveLength(2);
    expect((await paragraphs('cr.txt', DANISH.replace(/\n/g, '\r'))).paragraphs).toHaveLength(2);
  });
  it('NUL bytes are removed', async () => {
    const input = file('nul.txt', 'Kommunen\u0000 bygger en ny skole.\n');
    const r = await runCli([input, '--model', model, '--offline', '--no-cache', '--format', 'json', '-o', path.join(dir, 'nul.json')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/nul\.txt: removed 1 NUL character/);
    expect(JSON.parse(readFileSync(path.join(dir, 'nul.json'), 'utf8')).paragraphs[0].source).toBe('Kommunen bygger en ny skole.');
  });
  it('standard input is named so in notices and errors (was "-: removed 1 NUL…", "standard input: standard input is larger…")', async () => {
    const engine = ['--model', model, '--offline', '--no-cache', '--format', 'en'];
    const text = await runCli(['-', ...engine], 'Kommunen\u0000 bygger en ny skole.\n');
    expect(text.code).toBe(0);
    expect(text.stderr).toMatch(/^standard input: removed 1 NUL character/m);
    const md = await runCli(['-', '--input-format', 'md', ...engine], '# Skolen\n\nKommunen\u0000 bygger en ny skole.\n');
    expect(md.code).toBe(0);
    expect(md.stderr).toMatch(/^standard input: removed 1 NUL character/m);
    const big = await runCli(['-', '--input-format', 'md', ...engine], `${'Kommunen bygger en ny skole. '.repeat(40)}\n\n`.repeat(8000));
    expect(big.code).toBe(3);
    expect(big.stderr).toBe('da2en: standard input: larger than 8388608 bytes, the most a Markdown or HTML input may have (text inputs have no limit)\n');
  });
  it('a FIFO input (as `da2en <(iconv …)` gives) is read once, whole (was: its first KiB taken by the read-ahead, then a wait for ever)', async () => {
    const fifo = path.join(mkdtempSync(path.join(dir, 'fifo-')), 'in.txt');
    execFileSync('mkfifo', [fifo]);
    const text = `${'Kommunen bygger en ny skole til mange børn. '.repeat(40)}\n\nDen åbner i 2027, siger Søren.\n`;
    const writer = spawn('sh', ['-c', 'cat > "$1"', 'sh', fifo], { stdio: ['pipe', 'ignore', 'ignore'] });
    writer.stdin.end(Buffer.from(text, 'latin1'));
    const out = path.join(dir, 'fifo.json');
    const r = await runCli([fifo, '--model', model, '--offline', '--no-cache', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/in\.txt: not valid UTF-8: read as Windows-1252/);
    const sources = JSON.parse(readFileSync(out, 'utf8')).paragraphs.map((p: { source: string }) => p.source);
    expect(sources).toEqual(text.trim().split('\n\n').map((p) => p.trim()));
  }, 60_000);
  it('a 50,000-character paragraph without punctuation is translated whole', async () => {
    const words = ['kommunen', 'bygger', 'skole', 'til', 'børn', 'og', 'voksne', 'i', 'byen'];
    let text = '';
    for (let i = 0; text.length < 50_000; i++) text += (i ? ' ' : '') + words[i % words.length];
    const doc = await paragraphs('long.txt', text);
    expect(doc.paragraphs).toHaveLength(1);
    expect(doc.paragraphs[0]!.source).toBe(text);
    const chunks = (doc.paragraphs[0] as unknown as { chunks: { text: string; tokens: number }[] }).chunks;
    expect(chunks.length).toBeGreaterThan(20);
    expect(chunks.map((c) => c.text).join(' ')).toBe(text);
    expect(Math.max(...chunks.map((c) => c.tokens))).toBeLessThanOrEqual(256);
  });
  it('lines of only punctuation or numbers are kept as they are', async () => {
    const doc = await paragraphs('punct.txt', 'Overskrift her\n\n***\n\n1.200 - 3.400\n\n?!?\n');
    expect(doc.paragraphs.slice(1).map((p) => [p.source, p.target])).toEqual([['***', '***'], ['1.200 - 3.400', '1.200 - 3.400'], ['?!?', '?!?']]);
  });
  it('emoji and combining characters survive', async () => {
    const text = 'Byen fejrer 🎉 sejren.\n\nCafe\u0301en åbner 👩‍👩‍👧 i dag.\n';
    const doc = await paragraphs('emoji.txt', text);
    expect(doc.paragraphs.map((p) => p.source)).toEqual(['Byen fejrer 🎉 sejren.', 'Cafe\u0301en åbner 👩‍👩‍👧 i dag.']);
  });
  it('text in another language is translated anyway and reported', async () => {
    const r = await translate(file('english.txt', 'The council decided today to build a new school in the northern part of the town. Construction starts in the spring.\n'), []);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(r.out, r.files[0]!), 'utf8'));
    expect(doc.metadata.detectedLanguage).toBe('en');
    expect(doc.paragraphs).toHaveLength(1);
  });
  it('HTML and Markdown in the input are shown as text and cannot execute', async () => {
    const input = file('markup.txt', 'Klik <script>alert(1)</script> her | og *her* [link](http://x.dk).\n');
    const out = mkdtempSync(path.join(dir, 'html-'));
    const r = await runCli([input, '--model', model, '--offline', '--no-cache', '--quiet', '--format', 'html,md', '--out-dir', out]);
    expect(r.code).toBe(0);
    const html = readFileSync(path.join(out, 'markup.da-en.html'), 'utf8');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The page's own alignment script is the only script, and the CSP allows nothing but its hash.
    expect(html.replace(`<script>${ALIGN_SCRIPT}</script>`, '')).not.toMatch(/<script/i);
    expect(html).toContain(`script-src &#39;${ALIGN_SCRIPT_HASH}&#39;">`);
    const md = readFileSync(path.join(out, 'markup.da-en.md'), 'utf8');
    expect(md).toContain('\\|');
    expect(md).not.toContain('<script>');
    expect(existsSync(path.join(out, 'markup.da-en.html'))).toBe(true);
  });
});
