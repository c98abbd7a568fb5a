/** What a model file's bytes may be, by its name (file-content.ts): what servers send in its place is told apart from model files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentProblem } from '../../src/engine/model-store/file-content.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-content-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
async function judge(name: string, bytes: string | Buffer) {
  const file = path.join(tmp, `${n++}-${path.basename(name)}`);
  writeFileSync(file, bytes);
  return contentProblem(file, name);
}

const MARIAN_CONFIG = JSON.stringify({ d_model: 8, decoder_attention_heads: 2, decoder_layers: 1, vocab_size: 64 });

function safetensors(headerLength: number, total: number): Buffer {
  const bytes = Buffer.alloc(total);
  bytes.writeBigUInt64LE(BigInt(headerLength), 0);
  return bytes;
}

describe('a page in a model file\'s place', () => {
  it.each([
    ['<title>Login</title><form>…</form>'],
    ['\n\n  <meta http-equiv="refresh" content="0; url=/login">'],
    ['<script>location = "/portal"</script>'],
    ['\uFEFF  <div>Sign in</div>'],
    [Buffer.from('\uFEFF<html><body>Sign in</body></html>', 'utf16le')],
    [Buffer.from('\uFEFF<html>', 'utf16le').swap16()],
  ])('%j is a web page, whatever the file', async (page) => {
    for (const name of ['config.json', 'tokenizer.json', 'onnx/encoder_model_quantized.onnx', 'source.spm', 'pytorch_model.bin', 'model.safetensors']) {
      expect((await judge(name, page))?.sent, name).toBe('web-page');
    }
  });

  it('model files that hold a `<` near their start are not pages', async () => {
    // A SentencePiece model: protobuf, first piece <unk>, after bytes that are white space in text.
    const spm = Buffer.concat([Buffer.from([0x0a, 0x0d, 0x0a, 0x0a]), Buffer.from('<unknown1>'), Buffer.from([0x15, 0, 0, 0, 0, 0x18, 2])]);
    expect(await judge('source.spm', spm)).toBeUndefined();
    // safetensors whose header length's first byte is `<` (0x3c).
    expect(await judge('model.safetensors', safetensors(0x3c, 0x3c + 8 + 16))).toBeUndefined();
    expect(await judge('tokenizer.json', '  {"model": {"vocab": [["<unk>", 0]]}}')).toBeUndefined();
    expect(await judge('config.json', MARIAN_CONFIG)).toBeUndefined();
    expect(await judge('generation_config.json', '{"max_length": 512, "bad_words_ids": [[58100]]}')).toBeUndefined();
  });
});

describe('what a server sends instead, judged by the file\'s name', () => {
  it('a JSON error body is an error message, in a JSON file or a binary one', async () => {
    expect(await judge('config.json', '{"error":"Repository not found"}')).toEqual({ sent: 'error-answer', problem: 'an error message ("Repository not found")' });
    expect(await judge('generation_config.json', '{"detail": "Not Found"}')).toMatchObject({ sent: 'error-answer' });
    expect(await judge('onnx/decoder_model_merged_quantized.onnx', '{"message": "Not Found", "status": 404}')).toEqual({ sent: 'error-answer', problem: 'an error message ("Not Found")' });
  });

  it('config.json must be a Marian config; a JSON file an object', async () => {
    expect(await judge('config.json', '{"model_type": "bert"}')).toEqual({ sent: 'not-the-file', problem: "not a Marian model's config (lacks d_model, decoder_attention_heads, decoder_layers, vocab_size)" });
    expect(await judge('tokenizer_config.json', '[1, 2]')).toMatchObject({ sent: 'not-the-file', problem: 'not a JSON object (starts with "[")' });
    expect(await judge('tokenizer_config.json', '{"cut": ')).toMatchObject({ sent: 'not-the-file', problem: expect.stringMatching(/^not valid JSON/) });
    expect(await judge('tokenizer.json', 'Not Found')).toMatchObject({ sent: 'not-the-file' });
  });

  it('safetensors: a header longer than the file is not one', async () => {
    expect(await judge('model.safetensors', safetensors(1_000_000, 64))).toEqual({ sent: 'not-the-file', problem: 'not a safetensors file (its header would be 1000000 bytes, the file has 64)' });
    expect(await judge('model.safetensors', '{"error":"Repository not found"}')).toMatchObject({ sent: 'not-the-file' });
  });
});
