/**
 * Conversion benchmark: `npm run bench:convert -- [--out DIR] [--keep]`.
 *
 * Writes a checkpoint with exactly Helsinki-NLP/opus-mt-tc-big-gmq-en's layout and dimensions
 * (transformer-big: d_model 1024, 16 heads, FFN 4096, 6+6 layers, vocabulary 54,765, relu, float16
 * safetensors, tied embeddings, no sinusoid tables; random weights, Marian's init std 0.02), then
 * times `da2en model convert` on it in a child process and reports wall time, peak RSS and the
 * file sizes. The converted folder can then be benchmarked: `npm run bench -- --model DIR`.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { PRESETS } from '../src/builder/presets.js';
import { Rng } from '../src/builder/rng.js';
import { buildVocabulary } from '../src/builder/tokenizer/vocab.js';
import { encode, sentencePieceBytes } from '../tools/checkpoint-writer.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = yargs(hideBin(process.argv))
  .option('out', { type: 'string', describe: 'where to keep the converted model (default: a temp folder)' })
  .option('dtype', { type: 'string', default: 'q8,fp32' })
  .option('keep', { type: 'boolean', default: false, describe: 'keep the generated checkpoint' })
  .strict()
  .parseSync();

// The builder preset holds the hub config's dims (src/builder/presets.ts).
const preset = PRESETS['tc-big-gmq-en'];
const D = preset.dims.dModel;
const FFN = preset.dims.ffnDim;
const LAYERS = preset.dims.encoderLayers;
const VOCAB = preset.vocabSize!;
const log = (m: string) => process.stderr.write(`${m}\n`);

function shapes(): [string, number[]][] {
  const out: [string, number[]][] = [['final_logits_bias', [1, VOCAB]], ['model.shared.weight', [VOCAB, D]]];
  const lin = (n: string, i: number, o: number) => out.push([`${n}.weight`, [o, i]], [`${n}.bias`, [o]]);
  const norm = (n: string) => out.push([`${n}.weight`, [D]], [`${n}.bias`, [D]]);
  const attn = (n: string) => ['k_proj', 'v_proj', 'q_proj', 'out_proj'].forEach((p) => lin(`${n}.${p}`, D, D));
  for (const side of ['encoder', 'decoder']) {
    for (let i = 0; i < LAYERS; i++) {
      const p = `model.${side}.layers.${i}`;
      attn(`${p}.self_attn`);
      norm(`${p}.self_attn_layer_norm`);
      if (side === 'decoder') {
        attn(`${p}.encoder_attn`);
        norm(`${p}.encoder_attn_layer_norm`);
      }
      lin(`${p}.fc1`, D, FFN);
      lin(`${p}.fc2`, FFN, D);
      norm(`${p}.final_layer_norm`);
    }
  }
  return out;
}

/** float16 safetensors written tensor by tensor (the header first, from the shapes). */
function writeSafetensors(file: string, padId: number): number {
  const list = shapes();
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, shape] of list) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 2;
    header[name] = { dtype: 'F16', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8) json += ' ';
  const fd = openSync(file, 'w');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeSync(fd, len);
  writeSync(fd, json);
  const rng = new Rng(2022);
  let params = 0;
  for (const [name, shape] of list) {
    const n = shape.reduce((a, b) => a * b, 1);
    params += n;
    const data = new Float32Array(n);
    if (name.endsWith('layer_norm.weight')) data.fill(1);
    else if (name.endsWith('.weight')) rng.fork(name).fillNormalish(data, 0.02);
    if (name === 'model.shared.weight') data.fill(0, padId * D, (padId + 1) * D);
    writeSync(fd, encode(data, 'F16'));
  }
  closeSync(fd);
  return params;
}

const work = path.join(os.tmpdir(), `da2en-bench-convert-${process.pid}`);
const ckpt = path.join(work, 'opus-mt-tc-big-gmq-en-shaped');
const out = args.out ? path.resolve(args.out) : path.join(work, 'converted');
mkdirSync(ckpt, { recursive: true });

log(`writing a transformer-big checkpoint (tc-big-gmq-en's dims) into ${ckpt} …`);
const t0 = performance.now();
const vocab = buildVocabulary({ source: 'system', size: VOCAB });
for (const note of vocab.notes) log(`  note: ${note}`);
// Alphabetical ids as in the tc-big conversions (</s> sorting as "s"): eos is not 0.
const pieces = vocab.pieces;
const order = pieces.slice(0, -1).map((_, i) => i).sort((a, b) => {
  const k = (i: number) => (pieces[i]![0] === '</s>' ? 's' : pieces[i]![0]);
  return k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0;
});
order.push(pieces.length - 1);
const idOf = new Map(order.map((b, id) => [pieces[b]![0], id]));
const eos = idOf.get('</s>')!;
const pad = VOCAB - 1;
const params = writeSafetensors(path.join(ckpt, 'model.safetensors'), pad);
writeFileSync(path.join(ckpt, 'vocab.json'), JSON.stringify(Object.fromEntries(idOf)));
const spm = [{ piece: '<unk>', score: 0, type: 2 }, { piece: '<s>', score: 0, type: 3 }, { piece: '</s>', score: 0, type: 3 }, ...pieces.slice(2, -1).map(([piece, score]) => ({ piece, score }))];
writeFileSync(path.join(ckpt, 'source.spm'), sentencePieceBytes(spm));
writeFileSync(path.join(ckpt, 'target.spm'), sentencePieceBytes(spm));
// config.json of the hub repo, with this vocabulary's ids.
const config = {
  activation_dropout: 0, activation_function: 'relu', architectures: ['MarianMTModel'], attention_dropout: 0, bad_words_ids: [[pad]], bos_token_id: 0, classifier_dropout: 0,
  d_model: D, decoder_attention_heads: 16, decoder_ffn_dim: FFN, decoder_layerdrop: 0, decoder_layers: LAYERS, decoder_start_token_id: pad, decoder_vocab_size: VOCAB, dropout: 0.1,
  encoder_attention_heads: 16, encoder_ffn_dim: FFN, encoder_layerdrop: 0, encoder_layers: LAYERS, eos_token_id: eos, forced_eos_token_id: eos, init_std: 0.02, is_encoder_decoder: true,
  max_length: 512, max_position_embeddings: 1024, model_type: 'marian', normalize_embedding: false, num_beams: 4, num_hidden_layers: LAYERS, pad_token_id: pad, scale_embedding: true,
  share_encoder_decoder_embeddings: true, static_position_embeddings: true, torch_dtype: 'float16', transformers_version: '4.22.0.dev0', use_cache: true, vocab_size: VOCAB,
};
writeFileSync(path.join(ckpt, 'config.json'), JSON.stringify(config, null, 2));
writeFileSync(path.join(ckpt, 'generation_config.json'), JSON.stringify({ bad_words_ids: [[pad]], bos_token_id: 0, decoder_start_token_id: pad, eos_token_id: eos, forced_eos_token_id: eos, max_length: 512, num_beams: 4, pad_token_id: pad }, null, 2));
writeFileSync(path.join(ckpt, 'tokenizer_config.json'), JSON.stringify({ eos_token: '</s>', unk_token: '<unk>', pad_token: '<pad>', model_max_length: 512, separate_vocabs: false, source_lang: 'da', target_lang: 'en', tokenizer_class: 'MarianTokenizer' }));
log(`  ${(params / 1e6).toFixed(1)} M parameters, model.safetensors ${(statSync(path.join(ckpt, 'model.safetensors')).size / 1e6).toFixed(1)} MB, eos ${eos}, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const loadBefore = load();
log(`converting (${args.dtype}) … load average before: ${loadBefore}`);
const run = spawnSync('/usr/bin/time', ['-v', process.execPath, '--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'model', 'convert', ckpt, '--out', out, '--dtype', args.dtype], { cwd: root, encoding: 'utf8' });
const loadAfter = load();
const stderr = run.stderr ?? '';
if (run.status !== 0) {
  log(stderr);
  process.exit(1);
}
const field = (label: string) => stderr.match(new RegExp(`${label}: (.+)`))?.[1]?.trim() ?? '?';
const peakMB = Number(field('Maximum resident set size \\(kbytes\\)')) / 1024;
const files = readdirSync(path.join(out, 'onnx')).map((f) => `onnx/${f}`).concat(['tokenizer.json']).map((f) => `${f} ${(statSync(path.join(out, f)).size / 1e6).toFixed(1)} MB`);
log(stderr.split('\n').filter((l) => l.startsWith('converted')).join('\n'));
log(`conversion: wall ${field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)')}, user ${field('User time \\(seconds\\)')} s, system ${field('System time \\(seconds\\)')} s, peak RSS ${peakMB.toFixed(0)} MB; load average before ${loadBefore}, after ${loadAfter}`);
log(`files: ${files.join(', ')}`);
log(`converted model: ${out}  (benchmark it: npm run bench -- --model ${out})`);
if (!args.keep) rmSync(ckpt, { recursive: true, force: true });
