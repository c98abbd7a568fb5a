/**
 * A checkpoint's files are regular files, and the small ones read whole are bounded: a link to
 * /dev/zero, a FIFO or a folder under a checkpoint's name is refused with one line naming it, at
 * once (was: read until memory ran out, 2.7 GB after 32 s, or a wait for ever for a FIFO's writer).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSmallFile, SMALL_FILE_LIMITS } from '../../src/converter/checkpoint-file.js';
import { convertCheckpoint } from '../../src/converter/convert.js';
import { CheckpointError } from '../../src/converter/errors.js';
import { PytorchBinFile } from '../../src/converter/weights/pytorch-bin.js';
import { SafetensorsFile } from '../../src/converter/weights/safetensors.js';
import { encode, safetensorsBytes, stateDictPickle, zipBytes } from '../../tools/checkpoint-writer.js';
import { writeTinyCheckpoint } from '../helpers/tiny-checkpoint.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-checkpoint-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function failure(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (err) {
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).not.toContain('\n');
    return err as Error;
  }
  throw new Error('expected an error');
}

/** What is not a regular file, each under the name `name` in a folder of its own. */
function oddFiles(name: string): [string, string, RegExp][] {
  const at = (what: string) => {
    const dir = path.join(tmp, `${what}-${name}`);
    mkdirSync(dir, { recursive: true });
    return path.join(dir, name);
  };
  const zero = at('zero');
  symlinkSync('/dev/zero', zero);
  const fifo = at('fifo');
  execFileSync('mkfifo', [fifo]);
  const folder = at('folder');
  mkdirSync(folder);
  return [
    ['a link to /dev/zero', zero, /is a device, not a regular file/],
    ['a FIFO nobody writes to', fifo, /is a FIFO, not a regular file/],
    ['a folder', folder, /is a folder, not a regular file/],
  ];
}

describe('readSmallFile', () => {
  it('reads a file up to its limit, and refuses one byte more without reading it whole', async () => {
    const file = path.join(tmp, 'small.json');
    writeFileSync(file, '{"a": 1}');
    expect((await readSmallFile(file, 8)).toString()).toBe('{"a": 1}');
    expect((await failure(() => readSmallFile(file, 7))).message).toMatch(/^small\.json in .* is larger than .* MiB \(8 bytes or more\)/);
  });

  for (const [what, file, message] of oddFiles('vocab.json')) {
    it(`refuses ${what}, naming the file`, async () => {
      expect((await failure(() => readSmallFile(file, SMALL_FILE_LIMITS.vocabulary))).message).toMatch(new RegExp(`^vocab\\.json in .* ${message.source}`));
    });
  }

  it('leaves a missing file to the caller (ENOENT, for optional files)', async () => {
    await expect(readSmallFile(path.join(tmp, 'none.json'), 10)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('weights files that are not regular files', () => {
  for (const [what, file, message] of oddFiles('model.safetensors')) {
    it(`model.safetensors as ${what}: refused at open`, async () => {
      expect((await failure(() => new SafetensorsFile(file))).message).toMatch(message);
    });
  }
  for (const [what, file, message] of oddFiles('pytorch_model.bin')) {
    it(`pytorch_model.bin as ${what}: refused at open`, async () => {
      expect((await failure(() => PytorchBinFile.open(file))).message).toMatch(message);
    });
  }

  it('a regular safetensors file still opens (its reads are bounded by the size it states and the file has)', () => {
    const file = path.join(tmp, 'ok.safetensors');
    writeFileSync(file, safetensorsBytes([{ name: 'w', shape: [2], data: Float32Array.of(1, 2) }], 'F32'));
    const st = new SafetensorsFile(file);
    expect(st.names()).toEqual(['w']);
    st.close();
  });

  it('a compressed entry in pytorch_model.bin (torch.save stores them) is refused before it is inflated', async () => {
    const data = encode(new Float32Array(1024), 'F32');
    const pickle = stateDictPickle([{ name: 'w', shape: [1024], storage: '0' }], 'F32', new Map([['0', 1024]]));
    const file = path.join(tmp, 'deflated.bin');
    writeFileSync(file, zipBytes([{ name: 'archive/data.pkl', data: pickle }, { name: 'archive/data/0', data, deflate: true }]));
    const bin = await PytorchBinFile.open(file);
    expect((await failure(() => bin.read('w'))).message).toMatch(/deflated\.bin: archive\/data\/0 is compressed, which torch\.save never does/);
    bin.close();

    const deflatedPickle = path.join(tmp, 'deflated-pickle.bin');
    writeFileSync(deflatedPickle, zipBytes([{ name: 'archive/data.pkl', data: pickle, deflate: true }, { name: 'archive/data/0', data }]));
    expect((await failure(() => PytorchBinFile.open(deflatedPickle))).message).toMatch(/archive\/data\.pkl is compressed/);
  });
});

describe('convertCheckpoint with a checkpoint file that is not a regular file', () => {
  for (const name of ['config.json', 'vocab.json', 'source.spm', 'generation_config.json', 'tokenizer_config.json', 'model.safetensors']) {
    it(`${name} a link to /dev/zero: refused with one line naming it, nothing written`, async () => {
      const ckpt = writeTinyCheckpoint(path.join(tmp, `ckpt-${name}`), 'tc-big', 'F32');
      rmSync(path.join(ckpt.dir, name), { force: true });
      symlinkSync('/dev/zero', path.join(ckpt.dir, name));
      const out = path.join(tmp, `out-${name}`);
      const err = await failure(() => convertCheckpoint({ checkpointDir: ckpt.dir, outDir: out }));
      expect(err.message).toContain(`${name} in ${ckpt.dir} is a device, not a regular file`);
    });
  }

  it('a config file over its limit: refused, naming it', async () => {
    const ckpt = writeTinyCheckpoint(path.join(tmp, 'ckpt-big-config'), 'tc-big', 'F32');
    writeFileSync(path.join(ckpt.dir, 'special_tokens_map.json'), `{"eos_token": "</s>", "pad": "${' '.repeat(SMALL_FILE_LIMITS.json)}"}`);
    const err = await failure(() => convertCheckpoint({ checkpointDir: ckpt.dir, outDir: path.join(tmp, 'out-big-config') }));
    expect(err.message).toMatch(/^special_tokens_map\.json in .* is larger than 1 MiB/);
  });
});
