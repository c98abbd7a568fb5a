import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/converter/errors.js';
import { readMarianConfig } from '../../src/converter/marian-config.js';
import { marianTokenizerJson } from '../../src/converter/tokenizer/marian-tokenizer-json.js';
import { parseSentencePieceModel } from '../../src/converter/tokenizer/sentencepiece-model.js';
import { PytorchBinFile } from '../../src/converter/weights/pytorch-bin.js';
import { unpickleStateDict } from '../../src/converter/weights/restricted-unpickler.js';
import { SafetensorsFile } from '../../src/converter/weights/safetensors.js';
import { encode, hostilePickles, roundTo, safetensorsBytes, sentencePieceBytes, stateDictPickle, torchBinBytes, torchBinWithPickle, zipBytes, type StDtype, type TorchEntry } from '../../tools/checkpoint-writer.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-readers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const values = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7) * (i + 1) * 0.37 - 1e-3 * i);
const tensors = [
  { name: 'a.weight', shape: [4, 6], data: values },
  { name: 'b.bias', shape: [3], data: Float32Array.of(1.5, -2.25, 65504) },
];

/** One line, no stack, names the file: what a user sees. */
function expectOneLine(err: unknown, pattern: RegExp): void {
  expect(err).toBeInstanceOf(CheckpointError);
  const message = (err as Error).message;
  expect(message).toMatch(pattern);
  expect(message).not.toContain('\n');
}

function failure(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

async function failureAsync(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('safetensors reader', () => {
  for (const dtype of ['F32', 'F16', 'BF16'] as StDtype[]) {
    it(`reads ${dtype} tensors as float32 (exactly the stored values)`, async () => {
      const file = path.join(tmp, `ok-${dtype}.safetensors`);
      writeFileSync(file, safetensorsBytes(tensors, dtype));
      const st = new SafetensorsFile(file);
      expect(st.names().sort()).toEqual(['a.weight', 'b.bias']);
      expect(st.shape('a.weight')).toEqual([4, 6]);
      expect(st.dtype('a.weight')).toBe(dtype);
      for (const t of tensors) expect(Array.from((await st.read(t.name)).data)).toEqual(Array.from(roundTo(t.data, dtype)));
      st.close();
    });
  }

  it('F16 and BF16 differ from F32 where they should (rounding is real, not a no-op)', () => {
    expect(Array.from(roundTo(values, 'F16'))).not.toEqual(Array.from(values));
    expect(Array.from(roundTo(values, 'BF16'))).not.toEqual(Array.from(roundTo(values, 'F16')));
  });

  it('reads through the file descriptor: tensors are read on request, not at open', async () => {
    const file = path.join(tmp, 'lazy.safetensors');
    writeFileSync(file, safetensorsBytes(tensors, 'F32'));
    const st = new SafetensorsFile(file);
    // Overwrite the data region after opening: a reader that had loaded everything would not see it.
    const bytes = readFileSync(file);
    const headerLen = Number(bytes.readBigUInt64LE(0));
    bytes.writeFloatLE(42, 8 + headerLen);
    writeFileSync(file, bytes);
    expect((await st.read('a.weight')).data[0]).toBe(42);
    st.close();
  });

  const good = safetensorsBytes(tensors, 'F32');
  const headerLen = Number(good.readBigUInt64LE(0));
  const withHeader = (header: object) => {
    const json = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    return Buffer.concat([len, json, good.subarray(8 + headerLen)]);
  };
  const cases: [string, Buffer, RegExp][] = [
    ['truncated in the data', good.subarray(0, good.length - 10), /truncated/],
    ['truncated in the header', good.subarray(0, 20), /truncated or not a safetensors file/],
    ['shorter than the length prefix', good.subarray(0, 5), /truncated/],
    ['header lies about sizes', withHeader({ 'a.weight': { dtype: 'F32', shape: [4, 6], data_offsets: [0, 80] }, 'b.bias': { dtype: 'F32', shape: [3], data_offsets: [96, 108] } }), /lies about sizes/],
    ['offsets past the end', withHeader({ 'a.weight': { dtype: 'F32', shape: [400], data_offsets: [0, 1600] } }), /truncated/],
    ['header is not JSON', Buffer.concat([Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{oops')]), /not JSON/],
    ['integer weights', withHeader({ 'a.weight': { dtype: 'I64', shape: [3], data_offsets: [0, 24] } }), /only F32, F16, BF16/],
  ];
  for (const [what, bytes, pattern] of cases) {
    it(`refuses a file whose ${what}, with one line`, () => {
      const file = path.join(tmp, `bad-${what.replace(/\W+/g, '-')}.safetensors`);
      writeFileSync(file, bytes);
      expectOneLine(failure(() => new SafetensorsFile(file)), pattern);
    });
  }
});

describe('pytorch_model.bin reader (restricted unpickler)', () => {
  it('reads a torch.save zip; tied names share one storage', async () => {
    const file = path.join(tmp, 'ok.bin');
    const shared = { name: 'model.shared.weight', shape: [4, 6], data: values };
    writeFileSync(file, torchBinBytes([shared, { ...shared, name: 'lm_head.weight' }, tensors[1]!], 'F16', { 'lm_head.weight': 'model.shared.weight' }));
    const bin = await PytorchBinFile.open(file);
    expect(bin.names()).toEqual(['model.shared.weight', 'lm_head.weight', 'b.bias']);
    expect(bin.sharesStorage('model.shared.weight', 'lm_head.weight')).toBe(true);
    expect(bin.sharesStorage('model.shared.weight', 'b.bias')).toBe(false);
    expect(bin.dtype('b.bias')).toBe('F16');
    expect(Array.from((await bin.read('lm_head.weight')).data)).toEqual(Array.from(roundTo(values, 'F16')));
    expect(Array.from((await bin.read('b.bias')).data)).toEqual(Array.from(roundTo(tensors[1]!.data, 'F16')));
    bin.close();
  });

  const marker = path.join(tmp, 'pwned');
  for (const [what, pickle] of Object.entries(hostilePickles(marker))) {
    it(`refuses a hostile pickle (${what}) with one line and runs nothing`, async () => {
      const file = path.join(tmp, `hostile-${what.replace(/\W+/g, '-')}.bin`);
      writeFileSync(file, torchBinWithPickle(pickle));
      const err = await failureAsync(() => PytorchBinFile.open(file));
      expectOneLine(err, /refusing to read .*\.bin: its pickle (asks for|uses opcode)/);
      expect((err as Error).message).toMatch(/(os\.system|builtins\.eval|subprocess\.Popen|numpy\.core\.multiarray\._reconstruct|opcode 0x69)/);
      expect(existsSync(marker)).toBe(false);
    });
  }

  /** A .bin whose one storage holds `values` (F32), with `view` as the only tensor's offset, size and stride. */
  const viewBin = (file: string, view: Omit<TorchEntry, 'name' | 'storage'>) => {
    const pickle = stateDictPickle([{ name: 'v', storage: '0', ...view }], 'F32', new Map([['0', values.length]]));
    writeFileSync(file, zipBytes([{ name: 'archive/data.pkl', data: pickle }, { name: 'archive/data/0', data: encode(values, 'F32') }]));
    return file;
  };

  it('reads views: an offset, a transposing stride, and a negative stride that stays inside the storage', async () => {
    const cases: [Omit<TorchEntry, 'name' | 'storage'>, number[]][] = [
      [{ offset: 6, shape: [2, 3] }, [6, 7, 8, 9, 10, 11]],
      [{ offset: 0, shape: [3, 2], stride: [1, 6] }, [0, 6, 1, 7, 2, 8]],
      [{ offset: 5, shape: [6], stride: [-1] }, [5, 4, 3, 2, 1, 0]],
    ];
    for (const [i, [view, indices]] of cases.entries()) {
      const bin = await PytorchBinFile.open(viewBin(path.join(tmp, `view-${i}.bin`), view));
      expect(Array.from((await bin.read('v')).data)).toEqual(indices.map((k) => values[k]));
      bin.close();
    }
  });

  // Was: a negative stride read below the storage (undefined → NaN weights) and the model converted.
  const outside: [string, Omit<TorchEntry, 'name' | 'storage'>][] = [
    ['a negative stride from offset 0', { offset: 0, shape: [1, 24], stride: [24, -1] }],
    ['a negative stride whose last element is inside', { offset: 0, shape: [4, 6], stride: [6, -1] }],
    ['a last element past the end', { offset: 1, shape: [24] }],
    ['a negative offset', { offset: -1, shape: [2] }],
  ];
  for (const [what, view] of outside) {
    it(`refuses a view with ${what}: one line, "reaches outside its storage"`, async () => {
      const bin = await PytorchBinFile.open(viewBin(path.join(tmp, `outside-${what.replace(/\W+/g, '-')}.bin`), view));
      expectOneLine(await failureAsync(() => bin.read('v')), /\.bin: tensor v reaches outside its storage/);
      bin.close();
    });
  }

  it('refuses a view whose stride does not match its size', async () => {
    const bin = await PytorchBinFile.open(viewBin(path.join(tmp, 'view-rank.bin'), { offset: 0, shape: [4, 6], stride: [1] }));
    expectOneLine(await failureAsync(() => bin.read('v')), /tensor v has a malformed view \(size \[4, 6\], stride \[1\]\)/);
    bin.close();
  });

  it('refuses the raw pickle too (the unpickler itself, not the zip layer, is the gate)', () => {
    const pickle = hostilePickles(marker)['os.system']!;
    expectOneLine(failure(() => unpickleStateDict(pickle, 'x.pkl')), /asks for os\.system/);
  });

  it('refuses a truncated zip with one line', async () => {
    const file = path.join(tmp, 'truncated.bin');
    const bytes = torchBinBytes(tensors, 'F32');
    writeFileSync(file, bytes.subarray(0, bytes.length - 40));
    expectOneLine(await failureAsync(() => PytorchBinFile.open(file)), /not a zip archive|cannot read/);
  });

  it('refuses a pickle that is cut short', () => {
    expectOneLine(failure(() => unpickleStateDict(Buffer.from([0x80, 0x02, 0x7d, 0x58, 0xff, 0, 0, 0]), 'x.pkl')), /malformed pickle/);
  });
});

describe('SentencePiece model and tokenizer.json', () => {
  const spm = parseSentencePieceModel(
    sentencePieceBytes([
      { piece: '<unk>', score: 0, type: 2 },
      { piece: '<s>', score: 0, type: 3 },
      { piece: '</s>', score: 0, type: 3 },
      { piece: '▁', score: -2 },
      { piece: 'a', score: -3 },
      { piece: 'b', score: -3 },
      { piece: '▁ab', score: -4 },
      { piece: 'ab', score: -4.5 },
      { piece: '▁b', score: -5 },
    ]),
    'source.spm',
  );

  it('parses pieces, scores, types and the normalizer', () => {
    expect(spm.pieces).toHaveLength(9);
    expect(spm.pieces[6]).toEqual({ piece: '▁ab', score: -4, type: 1 });
    expect(spm.pieces[0]!.type).toBe(2);
    expect(spm.modelType).toBe(1);
    expect(spm.normalizer.name).toBe('nmt_nfkc');
    expect(spm.normalizer.removeExtraWhitespaces).toBe(true);
  });

  it('refuses a file that is not a SentencePiece model', () => {
    expectOneLine(failure(() => parseSentencePieceModel(Buffer.from('{"not": "protobuf"}'), 'source.spm')), /not a SentencePiece model/);
  });

  it('uses vocab.json ids, keeps spm scores, and keeps target-only pieces out of reach', () => {
    // "▁b" is a source piece missing from vocab.json; "▁abab" and "x" exist only on the target side.
    const vocab = { 'a': 0, '</s>': 1, '▁ab': 2, '<unk>': 3, '▁': 4, 'b': 5, 'ab': 6, '▁abab': 7, 'x': 8, '<pad>': 9 };
    const t = marianTokenizerJson(spm, vocab, { eos: '</s>', unk: '<unk>', pad: '<pad>' });
    expect(t.ids).toEqual({ eos: 1, unk: 3, pad: 9 });
    expect(t.targetOnly).toBe(2);
    const model = (t.json as { model: { vocab: [string, number][]; unk_id: number } }).model;
    expect(model.unk_id).toBe(3);
    expect(model.vocab[2]).toEqual(['▁ab', -4]);
    // A single target-only character scores like the spm's unknown character (min − 10)…
    expect(model.vocab[8]).toEqual(['x', -15]);
    // …a longer one below any path of spm pieces over its 5 characters.
    expect(model.vocab[7]![1]).toBeLessThan(5 * -15);
  });

  it('refuses vocab.json ids that are not 0…n-1 or lack a special token', () => {
    expectOneLine(failure(() => marianTokenizerJson(spm, { '</s>': 0, '<unk>': 5, '<pad>': 2 }, { eos: '</s>', unk: '<unk>', pad: '<pad>' })), /outside 0…2/);
    expectOneLine(failure(() => marianTokenizerJson(spm, { '</s>': 0, '<unk>': 1 }, { eos: '</s>', unk: '<unk>', pad: '<pad>' })), /no padding token/);
  });
});

describe('config.json', () => {
  const base = JSON.parse(
    JSON.stringify({ architectures: ['MarianMTModel'], model_type: 'marian', activation_function: 'relu', d_model: 32, encoder_layers: 2, decoder_layers: 2, encoder_attention_heads: 4, decoder_attention_heads: 4, encoder_ffn_dim: 64, decoder_ffn_dim: 64, max_position_embeddings: 64, vocab_size: 100, eos_token_id: 7, pad_token_id: 99, decoder_start_token_id: 99, scale_embedding: true, share_encoder_decoder_embeddings: false }),
  );

  it('reads dims, activation and special ids from the file', () => {
    expect(readMarianConfig(base)).toMatchObject({ activation: 'relu', eosId: 7, padId: 99, decoderStartId: 99, sharedEmbeddings: false, scaleEmbedding: true, maxPositions: 64 });
  });

  it('accepts the ends of each range', () => {
    expect(readMarianConfig({ ...base, max_position_embeddings: 16 }).maxPositions).toBe(16);
    expect(readMarianConfig({ ...base, max_position_embeddings: 65_536 }).maxPositions).toBe(65_536);
  });

  const bad: [string, object, RegExp][] = [
    ['an unsupported architecture', { architectures: ['BartForConditionalGeneration'], model_type: 'bart' }, /unsupported architecture BartForConditionalGeneration; da2en converts MarianMTModel/],
    // Was: "unsupported architecture MarianMTModel; da2en converts MarianMTModel", naming the one part that was right.
    ['a model_type other than marian under a MarianMTModel architecture', { architectures: ['MarianMTModel'], model_type: 'bart' }, /^config\.json: unsupported model_type "bart"; da2en converts MarianMTModel \(Opus-MT\) checkpoints$/],
    ['no model_type', { architectures: ['MarianMTModel'], model_type: undefined }, /^config\.json: unsupported model_type null; da2en converts MarianMTModel/],
    ['pre-LayerNorm blocks', { normalize_before: true }, /normalize_before .* not supported/],
    ['an unknown activation', { activation_function: 'tanh' }, /activation_function "tanh" is not supported/],
    ['a separate target vocabulary', { decoder_vocab_size: 120 }, /separate target vocabulary/],
    ['heads that do not divide d_model', { encoder_attention_heads: 5 }, /not divisible/],
    ['an eos outside the vocabulary', { eos_token_id: 100 }, /outside the vocabulary/],
    // Values no Marian model has: each once took minutes and gigabytes, or converted into a model that could not translate.
    ['a position table no typed array holds', { max_position_embeddings: 1e9 }, /max_position_embeddings 1000000000 is outside 16–65536/],
    ['no positions', { max_position_embeddings: 0 }, /max_position_embeddings 0 is outside 16–65536/],
    ['too few positions for a sentence', { max_position_embeddings: 3 }, /max_position_embeddings 3 is outside/],
    ['no heads', { decoder_attention_heads: 0 }, /decoder_attention_heads 0 is outside 1–1024/],
    ['a billion decoder layers', { decoder_layers: 1e9 }, /decoder_layers 1000000000 is outside 1–256/],
    ['no encoder layers', { encoder_layers: 0 }, /encoder_layers 0 is outside/],
    ['an enormous d_model', { d_model: 1e9 }, /d_model 1000000000 is outside 1–16384/],
    ['an enormous vocabulary', { vocab_size: 2e9 }, /vocab_size 2000000000 is outside/],
  ];
  for (const [what, patch, pattern] of bad) {
    it(`refuses ${what} with one line`, () => expectOneLine(failure(() => readMarianConfig({ ...base, ...patch })), pattern));
  }
});
