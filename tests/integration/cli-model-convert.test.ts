/**
 * `da2en model convert` as a user runs it: a checkpoint folder in (written by the test: tiny, in
 * Helsinki-NLP's layouts), a model folder out that the same CLI then translates with, and one-line
 * errors with their exit codes for what a user gets wrong.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { generationWeightsPath } from '../../src/engine/generation/generation-model.js';
import { startPreparedCopy } from '../../src/engine/generation/prepared-model.js';
import { MANIFEST_NAME } from '../../src/engine/model-store/manifest.js';
import { hostilePickles, torchBinWithPickle } from '../../tools/checkpoint-writer.js';
import { runCli } from '../helpers/run-cli.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { writeTinyCheckpoint } from '../helpers/tiny-checkpoint.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-cli-convert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every file under `dir` with its size: what must survive a refused conversion untouched. */
const snapshot = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((f) => `${f} ${statSync(path.join(dir, f)).size}`);

const oneLine = (stderr: string) => {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at |unexpected error/);
  return lines[0]!;
};

describe('da2en model convert', () => {
  it('converts a tc-big-style checkpoint (float16 safetensors, eos ≠ 0) into a folder the CLI translates with', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'ckpt'), 'tc-big', 'F16');
    const out = path.join(tmp, 'model');
    const r = await runCli(['model', 'convert', ckpt.dir, '--out', out, '--dtype', 'q8,fp32']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(path.resolve(out));
    expect(r.stderr).toMatch(/^converted .* \(model\.safetensors\) into .*: q8, fp32, \d+ files, [\d.]+ MB, [\d.]+ s\n$/);
    expect(readdirSync(out).sort()).toEqual(expect.arrayContaining(['config.json', 'generation_config.json', 'onnx', 'tokenizer.json', 'tokenizer_config.json']));
    expect(readdirSync(path.join(out, 'onnx')).sort()).toEqual(
      expect.arrayContaining(['decoder_model_merged.onnx', 'decoder_model_merged_quantized.onnx', 'encoder_model.onnx', 'encoder_model_quantized.onnx']),
    );
    expect(JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')).eos_token_id).toBe(ckpt.idOf[0]);

    for (const dtype of ['q8', 'fp32']) {
      const t = await runCli(['-', '--model', out, '--dtype', dtype, '--offline', '--no-cache', '--quiet', '--format', 'json', '-o', '-'], 'Hej med dig.\n\nDet regner.\n');
      expect(t.code, t.stderr).toBe(0);
      const doc = JSON.parse(t.stdout);
      expect(doc.model).toMatchObject({ dtype });
      expect(doc.paragraphs.map((p: { source: string }) => p.source)).toEqual(['Hej med dig.', 'Det regner.']);
    }
  });

  it('a .bin-only checkpoint converts through the restricted unpickler', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'ckpt-bin'), 'opus', 'F32');
    rmSync(path.join(ckpt.dir, 'model.safetensors'));
    const r = await runCli(['model', 'convert', ckpt.dir, '--out', path.join(tmp, 'model-bin'), '--dtype', 'fp32']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\(pytorch_model\.bin\)/);
  });

  it('what a user gets wrong: one line, the right exit code, nothing written', async () => {
    const noOut = await runCli(['model', 'convert', path.join(tmp, 'ckpt')]);
    expect(noOut.code).toBe(ExitCode.Usage);
    expect(oneLine(noOut.stderr)).toMatch(/needs --out/);

    const noCkpt = await runCli(['model', 'convert', '--out', path.join(tmp, 'x')]);
    expect(noCkpt.code).toBe(ExitCode.Usage);
    expect(oneLine(noCkpt.stderr)).toMatch(/needs the checkpoint folder/);

    const missing = await runCli(['model', 'convert', path.join(tmp, 'nope'), '--out', path.join(tmp, 'nope-out')]);
    expect(missing.code).not.toBe(0);
    expect(oneLine(missing.stderr)).toMatch(/nope/);
    expect(existsSync(path.join(tmp, 'nope-out'))).toBe(false);

    // A checkpoint folder lacking a file it must have: said in words (was: "cannot read config.json in …: ENOENT: no such file or directory, open '…'").
    for (const file of ['config.json', 'vocab.json', 'source.spm']) {
      const partial = writeTinyCheckpoint(path.join(tmp, `ckpt-no-${file}`), 'opus', 'F32');
      rmSync(path.join(partial.dir, file));
      const r = await runCli(['model', 'convert', partial.dir, '--out', path.join(tmp, 'partial-out')]);
      expect({ file, code: r.code }).toEqual({ file, code: ExitCode.InputError });
      expect(oneLine(r.stderr)).toBe(`da2en: ${partial.dir} has no ${file}; a MarianMTModel checkpoint folder holds config.json, vocab.json, source.spm and model.safetensors or pytorch_model.bin`);
      expect(existsSync(path.join(tmp, 'partial-out'))).toBe(false);
    }

    const bart = writeTinyCheckpoint(path.join(tmp, 'ckpt-bart'), 'opus', 'F32');
    const config = JSON.parse(readFileSync(path.join(bart.dir, 'config.json'), 'utf8'));
    writeFileSync(path.join(bart.dir, 'config.json'), JSON.stringify({ ...config, architectures: ['BartForConditionalGeneration'], model_type: 'bart' }));
    const arch = await runCli(['model', 'convert', bart.dir, '--out', path.join(tmp, 'bart-out')]);
    expect(arch.code).toBe(ExitCode.InputError);
    expect(oneLine(arch.stderr)).toMatch(/unsupported architecture BartForConditionalGeneration/);
    expect(existsSync(path.join(tmp, 'bart-out'))).toBe(false);

    // A hostile pickle: refused when read, nothing from it runs, nothing written.
    const evil = writeTinyCheckpoint(path.join(tmp, 'ckpt-evil'), 'opus', 'F32');
    rmSync(path.join(evil.dir, 'model.safetensors'));
    writeFileSync(path.join(evil.dir, 'pytorch_model.bin'), torchBinWithPickle(hostilePickles(path.join(tmp, 'pwned'))['os.system']!));
    const hostile = await runCli(['model', 'convert', evil.dir, '--out', path.join(tmp, 'evil-out')]);
    expect(hostile.code).toBe(ExitCode.InputError);
    expect(oneLine(hostile.stderr)).toMatch(/refusing to read .*pytorch_model\.bin: its pickle asks for os\.system/);
    expect(existsSync(path.join(tmp, 'pwned'))).toBe(false);
    expect(existsSync(path.join(tmp, 'evil-out'))).toBe(false);
  });

  it('config values no Marian model has: exit 3 with one line, nothing written (was: exit 1 "Invalid typed array length", or a model that could not translate)', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'ckpt-positions'), 'tc-big', 'F32');
    const config = JSON.parse(readFileSync(path.join(ckpt.dir, 'config.json'), 'utf8'));
    for (const positions of [1e9, 3]) {
      writeFileSync(path.join(ckpt.dir, 'config.json'), JSON.stringify({ ...config, max_position_embeddings: positions }));
      const out = path.join(tmp, `positions-${positions}`);
      const r = await runCli(['model', 'convert', ckpt.dir, '--out', out]);
      expect(r.code, r.stderr).toBe(ExitCode.InputError);
      expect(oneLine(r.stderr)).toMatch(new RegExp(`config\\.json: max_position_embeddings ${positions} is outside 16–65536`));
      expect(existsSync(out)).toBe(false);
    }
  });

  it('a max_length the engine would refuse (below 10, no whole number): exit 3 with the engine\'s line, before anything is written (was: converted, then every translation failed with exit 5)', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'ckpt-max-length'), 'opus', 'F32');
    const config = JSON.parse(readFileSync(path.join(ckpt.dir, 'config.json'), 'utf8'));
    // An --out that holds an earlier conversion stays as it was.
    const kept = path.join(tmp, 'max-length-kept');
    expect((await runCli(['model', 'convert', ckpt.dir, '--out', kept])).code).toBe(0);
    const before = snapshot(kept);
    const cases: [unknown, RegExp][] = [
      [9, /^da2en: config\.json: max_length 9 leaves no room to translate \(at least 10: .*\); this is not a Marian model's setting/],
      [0, /^da2en: config\.json: max_length 0 leaves no room to translate/],
      [-5, /^da2en: config\.json: max_length -5 leaves no room to translate/],
      [12.5, /^da2en: config\.json: max_length 12\.5 is not a whole number/],
      ['64', /^da2en: config\.json: max_length "64" is not a whole number/],
    ];
    for (const [value, message] of cases) {
      writeFileSync(path.join(ckpt.dir, 'config.json'), JSON.stringify({ ...config, max_length: value }));
      const out = path.join(tmp, `max-length-${String(value)}`);
      const r = await runCli(['model', 'convert', ckpt.dir, '--out', out]);
      expect(r.code, r.stderr).toBe(ExitCode.InputError);
      expect(oneLine(r.stderr)).toMatch(message);
      expect(existsSync(out)).toBe(false);
      const again = await runCli(['model', 'convert', ckpt.dir, '--out', kept]);
      expect(again.code, again.stderr).toBe(ExitCode.InputError);
      expect(snapshot(kept)).toEqual(before);
    }
    expect(readdirSync(tmp).filter((f) => f.includes('.converting-'))).toEqual([]);

    // Read as the engine reads it: generation_config.json's first, config.json's where it has none.
    writeFileSync(path.join(ckpt.dir, 'config.json'), JSON.stringify({ ...config, max_length: 5 }));
    writeFileSync(path.join(ckpt.dir, 'generation_config.json'), JSON.stringify({ max_length: 64, eos_token_id: config.eos_token_id }));
    const generationWins = path.join(tmp, 'max-length-generation-64');
    expect((await runCli(['model', 'convert', ckpt.dir, '--out', generationWins])).code).toBe(0);
    const t = await runCli(['-', '--model', generationWins, '--offline', '--no-cache', '--quiet', '-o', '-'], 'Hej med dig.\n');
    expect(t.code, t.stderr).toBe(0);
    writeFileSync(path.join(ckpt.dir, 'config.json'), JSON.stringify({ ...config, max_length: 512 }));
    writeFileSync(path.join(ckpt.dir, 'generation_config.json'), JSON.stringify({ max_length: 3 }));
    const generationLow = await runCli(['model', 'convert', ckpt.dir, '--out', path.join(tmp, 'max-length-generation-3')]);
    expect(generationLow.code, generationLow.stderr).toBe(ExitCode.InputError);
    expect(oneLine(generationLow.stderr)).toMatch(/^da2en: generation_config\.json: max_length 3 leaves no room to translate/);
    expect(existsSync(path.join(tmp, 'max-length-generation-3'))).toBe(false);

    // The least the engine takes converts, and translates.
    rmSync(path.join(ckpt.dir, 'generation_config.json'));
    writeFileSync(path.join(ckpt.dir, 'config.json'), JSON.stringify({ ...config, max_length: 10 }));
    const least = path.join(tmp, 'max-length-10');
    expect((await runCli(['model', 'convert', ckpt.dir, '--out', least])).code).toBe(0);
    const u = await runCli(['-', '--model', least, '--offline', '--no-cache', '--quiet', '-o', '-'], 'Hej med dig.\n');
    expect(u.code, u.stderr).toBe(0);
  });

  it('never writes over or around the checkpoint it reads: refused with exit 2, every file kept', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'guard', 'ckpt'), 'opus', 'F32');
    const before = snapshot(ckpt.dir);
    const cases: [string, RegExp][] = [
      [ckpt.dir, /is the checkpoint folder itself/],
      [`${ckpt.dir}/sub/..`, /is the checkpoint folder itself/],
      [path.join(ckpt.dir, 'model'), /is inside the checkpoint folder/],
    ];
    for (const [out, why] of cases) {
      const r = await runCli(['model', 'convert', ckpt.dir, '--out', out]);
      expect(r.code, r.stderr).toBe(ExitCode.Usage);
      expect(oneLine(r.stderr)).toMatch(why);
      expect(snapshot(ckpt.dir)).toEqual(before);
    }
    // `--out .` from inside the checkpoint (was: "unexpected error: EINVAL rmdir '.'").
    const cwd = process.cwd();
    process.chdir(ckpt.dir);
    try {
      const dot = await runCli(['model', 'convert', '.', '--out', '.']);
      expect(dot.code, dot.stderr).toBe(ExitCode.Usage);
      expect(oneLine(dot.stderr)).toMatch(/is the checkpoint folder itself/);
    } finally {
      process.chdir(cwd);
    }
    expect(snapshot(ckpt.dir)).toEqual(before);

    // A project folder that holds the checkpoint (and a config.json of its own): was wiped whole.
    const proj = path.join(tmp, 'guard', 'proj');
    writeTinyCheckpoint(path.join(proj, 'ck'), 'opus', 'F32');
    writeFileSync(path.join(proj, 'config.json'), '{}');
    writeFileSync(path.join(proj, 'notes.txt'), 'x\n');
    const projBefore = snapshot(proj);
    const around = await runCli(['model', 'convert', path.join(proj, 'ck'), '--out', proj]);
    expect(around.code, around.stderr).toBe(ExitCode.Usage);
    expect(oneLine(around.stderr)).toMatch(/holds the checkpoint folder/);
    expect(snapshot(proj)).toEqual(projBefore);
  });

  it('replaces an --out folder only when it holds a model da2en converted', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'replace', 'ckpt'), 'opus', 'F32');
    const out = path.join(tmp, 'replace', 'model');
    expect((await runCli(['model', 'convert', ckpt.dir, '--out', out, '--dtype', 'q8,fp32'])).code).toBe(0);
    // Translating with it adds the engine's own files (onnx/da2en_generate*) beside the graphs.
    const t = await runCli(['-', '--model', out, '--offline', '--no-cache', '--quiet', '-o', '-'], 'Hej med dig.\n');
    expect(t.code, t.stderr).toBe(0);
    expect(readdirSync(path.join(out, 'onnx')).some((f) => f.startsWith('da2en_generate'))).toBe(true);
    const again = await runCli(['model', 'convert', ckpt.dir, '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(readdirSync(path.join(out, 'onnx')).sort()).toEqual(['decoder_model_merged_quantized.onnx', 'encoder_model_quantized.onnx']);
    expect(readdirSync(path.dirname(out)).sort()).toEqual(['ckpt', 'model']);

    // Anything else in it, and it is not da2en's to delete.
    writeFileSync(path.join(out, 'notes.txt'), 'mine\n');
    const converted = snapshot(out);
    const notes = await runCli(['model', 'convert', ckpt.dir, '--out', out]);
    expect(notes.code, notes.stderr).toBe(ExitCode.InputError);
    expect(oneLine(notes.stderr)).toMatch(/refusing to replace .*: it is not empty and is not a model da2en converted \(it holds notes\.txt\)/);
    expect(snapshot(out)).toEqual(converted);

    // A folder with a config.json is not thereby a model.
    const project = path.join(tmp, 'replace', 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'config.json'), '{}');
    const projectRun = await runCli(['model', 'convert', ckpt.dir, '--out', project]);
    expect(projectRun.code, projectRun.stderr).toBe(ExitCode.InputError);
    expect(oneLine(projectRun.stderr)).toMatch(/it holds no onnx\/\)/);
    expect(readdirSync(project)).toEqual(['config.json']);
  });

  it("what a killed first load or download leaves is da2en's own: the folder is still replaced (was: exit 3 'it holds onnx/.prepared-…')", async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'leftovers', 'ckpt'), 'opus', 'F32');
    const out = path.join(tmp, 'leftovers', 'model');
    expect((await runCli(['model', 'convert', ckpt.dir, '--out', out])).code).toBe(0);
    const leaveWhatAKillLeaves = async () => {
      // The engine's own temp folder for the prepared copy, made by its own code and never finished.
      const copy = await startPreparedCopy(out, 'q8');
      writeFileSync(copy!.saveOptions({}).optimizedModelFilePath!, 'half a copy');
      writeFileSync(`${generationWeightsPath(out, 'q8')}.tmp-${process.pid}-${Date.now()}`, 'half the weights');
      writeFileSync(path.join(out, `.${MANIFEST_NAME}.${process.pid}.0a1b2c3d.part.tmp`), '{');
      writeFileSync(path.join(out, MANIFEST_NAME), '{}');
    };
    await leaveWhatAKillLeaves();
    const r = await runCli(['model', 'convert', ckpt.dir, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(path.join(out, 'onnx')).sort()).toEqual(['decoder_model_merged_quantized.onnx', 'encoder_model_quantized.onnx']);

    // Only those exact names: a file of someone else's in the temp folder, or a look-alike, is not da2en's.
    for (const odd of ['onnx/.prepared-1-abcdef/notes.txt', 'onnx/da2en_generate_quantized.onnx.data.bak', 'onnx/.prepared-notes']) {
      await leaveWhatAKillLeaves();
      mkdirSync(path.dirname(path.join(out, odd)), { recursive: true });
      writeFileSync(path.join(out, odd), 'mine\n');
      const before = snapshot(out);
      const refused = await runCli(['model', 'convert', ckpt.dir, '--out', out]);
      expect(refused.code, refused.stderr).toBe(ExitCode.InputError);
      expect(oneLine(refused.stderr)).toContain(`it holds ${odd})`);
      expect(snapshot(out)).toEqual(before);
      rmSync(out, { recursive: true });
      expect((await runCli(['model', 'convert', ckpt.dir, '--out', out])).code).toBe(0);
    }
  });

  it('an --out a user types oddly: one line, never "unexpected error" (was: ENOTDIR for "link/", EBUSY for ".")', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'odd', 'ckpt'), 'opus', 'F32');
    const real = path.join(tmp, 'odd', 'real');
    expect((await runCli(['model', 'convert', ckpt.dir, '--out', real])).code).toBe(0);
    const converted = snapshot(real);

    // A link to a conversion is refused, with or without a trailing slash.
    const link = path.join(tmp, 'odd', 'link');
    symlinkSync(real, link);
    for (const out of [link, `${link}/`, `${link}//`]) {
      const r = await runCli(['model', 'convert', ckpt.dir, '--out', out]);
      expect(r.code, r.stderr).toBe(ExitCode.InputError);
      expect(oneLine(r.stderr)).toMatch(/it is not a folder \(a file or a link\)/);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(snapshot(real)).toEqual(converted);
    }

    // The current folder (or one holding it) cannot be moved aside: refused, kept; from outside it is replaced.
    const cwd = process.cwd();
    try {
      process.chdir(path.join(real, 'onnx'));
      for (const [out, why] of [
        ['.', /refusing to replace \.: it is the current folder; run the command from outside it/],
        ['..', /refusing to replace \.\.: it holds the current folder/],
      ] as const) {
        const r = await runCli(['model', 'convert', ckpt.dir, '--out', out]);
        expect(r.code, r.stderr).toBe(ExitCode.Usage);
        expect(oneLine(r.stderr)).toMatch(why);
        expect(snapshot(real)).toEqual(converted);
      }
      process.chdir(path.dirname(real));
      const fromOutside = await runCli(['model', 'convert', ckpt.dir, '--out', 'real/']);
      expect(fromOutside.code, fromOutside.stderr).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(path.dirname(real)).sort()).toEqual(['ckpt', 'link', 'real']);
  });

  it('an --out the file system cannot hold: exit 8 naming --out in one line (was: exit 1 "unexpected error: ENOENT … mkdir \'<out>.converting-<pid>\'", or exit 3 with "ENOTDIR: … lstat")', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'unwritable', 'ckpt'), 'opus', 'F32');
    const file = path.join(tmp, 'unwritable', 'notes.txt');
    writeFileSync(file, 'mine\n');
    const cases: [string, RegExp][] = [
      // Nothing can be made in /proc: the temporary folder beside --out fails in the worker thread.
      ['/proc/da2en-model', /^da2en: cannot write \/proc\/da2en-model: cannot create it in \/proc \(/],
      [path.join(file, 'model'), /^da2en: cannot write .*notes\.txt\/model: cannot create it in .*notes\.txt \(a part of that path is missing or is not a folder\)$/],
      [path.join(tmp, 'unwritable', 'x'.repeat(300)), /^da2en: cannot write .*x{300}: its name is too long for the file system/],
    ];
    for (const [out, line] of cases) {
      const r = await runCli(['model', 'convert', ckpt.dir, '--out', out]);
      expect({ out, code: r.code }).toEqual({ out, code: ExitCode.OutputError });
      expect(oneLine(r.stderr)).toMatch(line);
      expect(r.stderr).not.toContain('.converting-');
    }
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
    expect(readdirSync(path.join(tmp, 'unwritable')).sort()).toEqual(['ckpt', 'notes.txt']);
  });

  // Was: the signal waited for the whole conversion, which then replaced --out, said "converted …"
  // and ended 0; a second signal left <out>.converting-<pid>/ behind.
  it('a stop signal in the middle of a conversion: exit 130 / 143, no temp folder, --out as it was', async () => {
    // Big enough that the conversion is still running when the signal comes (seconds: 6+6 layers).
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'stop', 'ckpt'), 'tc-big', 'F16', 7, { dModel: 128, ffnDim: 512, layers: 6 });
    const stopAt = async (signal: 'SIGINT' | 'SIGTERM', out: string) => {
      const run = spawnCli(['model', 'convert', ckpt.dir, '--out', out, '--dtype', 'q8,fp32', '--verbose']);
      // The worker has started reading the checkpoint; writing the graphs is still to come.
      while (!run.stderr().includes('converting: reading weights')) {
        if (run.child.exitCode !== null) throw new Error(`ended before the conversion started: ${run.stderr()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      run.child.kill(signal);
      return run.done;
    };

    const fresh = path.join(tmp, 'stop', 'fresh');
    const interrupted = await stopAt('SIGINT', fresh);
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toMatch(new RegExp(`\nda2en: interrupted; nothing was written; ${fresh} is as it was\n$`));
    expect(interrupted.stderr).not.toMatch(/converted|\n\s+at /);
    expect(readdirSync(path.join(tmp, 'stop'))).toEqual(['ckpt']);

    const kept = path.join(tmp, 'stop', 'kept');
    expect((await runCli(['model', 'convert', ckpt.dir, '--out', kept])).code).toBe(0);
    const before = snapshot(kept);
    const terminated = await stopAt('SIGTERM', kept);
    expect(terminated.code, terminated.stderr).toBe(143);
    expect(terminated.stderr).toMatch(/\nda2en: terminated; nothing was written; .* is as it was\n$/);
    expect(snapshot(kept)).toEqual(before);
    expect(readdirSync(path.join(tmp, 'stop')).sort()).toEqual(['ckpt', 'kept']);
  }, 120_000);
});
