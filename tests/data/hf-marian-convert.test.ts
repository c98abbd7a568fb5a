/**
 * The converter against Hugging Face's own numbers: ../shared/reference/hf-marian holds two tiny
 * checkpoints in Helsinki-NLP's layouts (opus-style: swish, fp32, eos 0; tc-big-style: relu,
 * fp16, eos 2019, no sinusoid tables) and expected.json computed by transformers (tokenizer,
 * MarianMTModel, generate). Both weight files of each are converted by da2en and compared case
 * by case. The fixtures are read in place, never copied into the repository.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogLevel, env, pipeline } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCheckpoint } from '../../src/converter/convert.js';
import { beamDecode } from '../../src/engine/decoding/beam.js';
import { greedyDecode } from '../../src/engine/decoding/greedy.js';
import { openGenerator } from '../../src/engine/generation/open-generator.js';
import { MarianModel } from '../../src/engine/marian-model.js';
import { runCli } from '../helpers/run-cli.js';

env.allowRemoteModels = false;
env.logLevel = LogLevel.NONE;

const shared = process.env['DA2EN_SHARED'] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared');
const fixtures = path.join(shared, 'reference', 'hf-marian');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-hf-marian-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Case {
  id: number;
  text: string;
  input_ids: number[];
  encoder_last_hidden_state: { row0_first8: number[]; mean_abs: number; shape: number[] };
  step1_logits_top5: { ids: number[]; values: number[] };
  greedy_ids: number[];
  greedy_text_metaspace: string;
  beam4_ids: number[];
  beam4_score: number;
  beam4_text_metaspace: string;
}

interface Expected {
  special_ids: { eos: number; unk: number; pad: number; decoder_start: number; vocab_size: number };
  generation: { max_new_tokens: number };
  cases: Case[];
}

const table: string[] = [];
afterAll(() => {
  if (table.length > 0) process.stderr.write(`\n[hf-marian] fixture × weights: check → cases passing\n${table.join('\n')}\n`);
});

function top5(logits: Float32Array): number[] {
  const ids = [...logits.keys()];
  return ids.sort((a, b) => logits[b]! - logits[a]!).slice(0, 5);
}

describe.each(['opus-style', 'tc-big-style'])('%s', (fixture) => {
  const dir = path.join(fixtures, fixture);
  let expected: Expected;
  beforeAll(() => {
    if (!existsSync(path.join(dir, 'expected.json'))) throw new Error(`hf-marian fixtures not found at ${dir}; set DA2EN_SHARED`);
    expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
  });

  describe.each(['safetensors', 'bin'] as const)('converted from %s', (weights) => {
    const out = path.join(tmp, `${fixture}-${weights}`);
    let model: MarianModel;
    const tally = new Map<string, number>();
    const pass = (check: string, ok: boolean) => tally.set(check, (tally.get(check) ?? 0) + (ok ? 1 : 0));

    beforeAll(async () => {
      await convertCheckpoint({ checkpointDir: dir, outDir: out, dtypes: ['fp32', 'q8'], weights });
      model = await MarianModel.load(out, 'fp32');
    });
    afterAll(async () => {
      await model?.dispose();
      table.push(`${fixture} × ${weights === 'bin' ? 'pytorch_model.bin' : 'model.safetensors'}: ${[...tally].map(([k, v]) => `${k} ${v}/${expected.cases.length}`).join(', ')}`);
    });

    it('reads the special ids from the files (tc-big-style: eos 2019, unk 2477)', () => {
      expect(model.config.eosId).toBe(expected.special_ids.eos);
      expect(model.config.padId).toBe(expected.special_ids.pad);
      expect(model.config.decoderStartId).toBe(expected.special_ids.decoder_start);
      expect(model.config.unkId).toBe(expected.special_ids.unk);
      expect(model.config.vocabSize).toBe(expected.special_ids.vocab_size);
    });

    it('input_ids equal MarianTokenizer’s for every case (incl. a character unknown to source.spm → <unk>)', () => {
      for (const c of expected.cases) {
        const ids = model.tokenize(c.text);
        pass('input_ids', JSON.stringify(ids) === JSON.stringify(c.input_ids));
        expect(ids, `case ${c.id}`).toEqual(c.input_ids);
      }
      expect(expected.cases.some((c) => c.input_ids.includes(expected.special_ids.unk))).toBe(true);
    });

    it('encoder output and first-step logits match Hugging Face (fingerprint within 1e-4, top-5 ids equal, values within 1e-4)', async () => {
      for (const c of expected.cases) {
        const state = await model.encode([c.input_ids]);
        const hidden = state.hiddenStates.data as Float32Array;
        expect(state.hiddenStates.dims).toEqual(c.encoder_last_hidden_state.shape);
        let meanAbs = 0;
        for (const v of hidden) meanAbs += Math.abs(v);
        meanAbs /= hidden.length;
        const encErr = Math.max(Math.abs(meanAbs - c.encoder_last_hidden_state.mean_abs), ...c.encoder_last_hidden_state.row0_first8.map((v, i) => Math.abs(v - hidden[i]!)));
        pass('encoder ≤1e-4', encErr <= 1e-4);
        expect(encErr, `case ${c.id}`).toBeLessThanOrEqual(1e-4);

        const { logits } = await model.step(state, [expected.special_ids.decoder_start], null);
        const ids = top5(logits);
        const valErr = Math.max(...c.step1_logits_top5.values.map((v, i) => Math.abs(v - logits[c.step1_logits_top5.ids[i]!]!)));
        pass('step-1 top-5 ids', JSON.stringify(ids) === JSON.stringify(c.step1_logits_top5.ids));
        pass('step-1 values ≤1e-4', valErr <= 1e-4);
        expect(ids, `case ${c.id}`).toEqual(c.step1_logits_top5.ids);
        expect(valErr, `case ${c.id}`).toBeLessThanOrEqual(1e-4);
      }
    });

    it('greedy ids (max_new_tokens 16, EOS forced at the cap) and decoded text equal Hugging Face’s in fp32', async () => {
      const cap = expected.generation.max_new_tokens;
      for (const c of expected.cases) {
        // max_new_tokens 16 incl. the EOS forced at the 16th: 15 free tokens, then EOS unless chosen earlier.
        const [out] = await greedyDecode(model, [c.input_ids], { maxNewTokensPerRow: [cap], repetitionGuard: false });
        const ids = [expected.special_ids.decoder_start, ...out!.ids, expected.special_ids.eos];
        const text = model.decode(ids);
        pass('greedy ids', JSON.stringify(ids) === JSON.stringify(c.greedy_ids));
        pass('greedy text', text === c.greedy_text_metaspace);
        expect(ids, `case ${c.id}`).toEqual(c.greedy_ids);
        expect(text, `case ${c.id}`).toBe(c.greedy_text_metaspace);
      }
    });

    it('beam-4 ids, score and text equal Hugging Face’s (HF scoring: length incl. EOS, EOS forced at the cap, early_stopping false)', async () => {
      const cap = expected.generation.max_new_tokens;
      for (const c of expected.cases) {
        const [out] = await beamDecode(model, [c.input_ids], 4, { maxNewTokensPerRow: [cap], repetitionGuard: false, earlyStopping: false, lengthPenalty: 1 });
        const ids = [expected.special_ids.decoder_start, ...out!.ids, expected.special_ids.eos];
        const score = out!.logProb / (out!.ids.length + 1);
        const text = model.decode(ids);
        pass('beam-4 ids', JSON.stringify(ids) === JSON.stringify(c.beam4_ids));
        pass('beam-4 score ≤1e-4', Math.abs(score - c.beam4_score) <= 1e-4);
        pass('beam-4 text', text === c.beam4_text_metaspace);
        expect(ids, `case ${c.id}`).toEqual(c.beam4_ids);
        expect(Math.abs(score - c.beam4_score), `case ${c.id}`).toBeLessThanOrEqual(1e-4);
        expect(text, `case ${c.id}`).toBe(c.beam4_text_metaspace);
      }
    });

    it('inside ONNX Runtime (the BeamSearch-wrapped model): greedy and beam-4 ids and beam score equal Hugging Face’s in fp32', async () => {
      const cap = expected.generation.max_new_tokens;
      const op = await openGenerator(out, 'fp32', { engine: 'ort' });
      try {
        expect(op.kind).toBe('ort');
        for (const c of expected.cases) {
          for (const [beams, want] of [
            [1, c.greedy_ids],
            [4, c.beam4_ids],
          ] as const) {
            const request = { inputs: [c.input_ids], beams, maxNewTokens: [cap], flagLengthCap: false, repetitionGuard: false, lengthPenalty: 1, earlyStopping: false, bannedIds: [expected.special_ids.pad] };
            const [seq] = await op.generate(request);
            const ids = [expected.special_ids.decoder_start, ...seq!.ids, expected.special_ids.eos];
            pass(`op ${beams === 1 ? 'greedy' : 'beam-4'} ids`, JSON.stringify(ids) === JSON.stringify(want));
            expect(ids, `case ${c.id}, ${beams} beam(s)`).toEqual(want);
            if (beams === 4) {
              const score = seq!.logProb / (seq!.ids.length + 1);
              pass('op beam-4 score ≤1e-4', Math.abs(score - c.beam4_score) <= 1e-4);
              expect(Math.abs(score - c.beam4_score), `case ${c.id}`).toBeLessThanOrEqual(1e-4);
            }
          }
        }
      } finally {
        await op.dispose();
      }
    });

    it('the int8 twin stays close: step-1 argmax equal, logits within 0.5', async () => {
      const q8 = await MarianModel.load(out, 'q8');
      try {
        for (const c of expected.cases) {
          const { logits } = await q8.step(await q8.encode([c.input_ids]), [expected.special_ids.decoder_start], null);
          expect(top5(logits)[0], `case ${c.id}`).toBe(c.step1_logits_top5.ids[0]);
          const err = Math.max(...c.step1_logits_top5.values.map((v, i) => Math.abs(v - logits[c.step1_logits_top5.ids[i]!]!)));
          expect(err, `case ${c.id}`).toBeLessThan(0.5);
        }
      } finally {
        await q8.dispose();
      }
    });

    if (weights === 'safetensors') {
      it('the CLI translates the cases Hugging Face decodes to nothing (greedy: start, EOS) as an empty English side flagged by QA, not a crash', async () => {
        const empty = expected.cases.filter((c) => c.greedy_ids.length === 2);
        expect(empty.length).toBeGreaterThan(0);
        let emptyParagraphs = 0;
        for (const c of empty) {
          // Transformers.js' decode throws on no ids: the whole run stopped with "unexpected error", exit 1.
          const r = await runCli(['-', '--model', out, '--dtype', 'fp32', '--no-cache', '--format', 'json'], `${c.text}\n`);
          expect(r.code, r.stderr).toBe(0);
          const doc = JSON.parse(r.stdout) as { paragraphs: { target: string; qa: { kind: string }[] }[] };
          // da2en translates sentence by sentence: a case of several sentences may get some words.
          for (const p of doc.paragraphs.filter((q) => q.target === '')) {
            emptyParagraphs++;
            expect(p.qa.map((q) => q.kind)).toContain('empty');
          }
        }
        expect(emptyParagraphs).toBeGreaterThan(0);
      });

      it('Transformers.js pipeline("translation") on the converted folder gives Hugging Face’s greedy text', async () => {
        const translate = await pipeline('translation', out, { dtype: 'fp32' });
        try {
          for (const c of expected.cases) {
            const [r] = (await translate(c.text, { max_new_tokens: expected.generation.max_new_tokens, num_beams: 1, do_sample: false } as never)) as { translation_text: string }[];
            pass('Transformers.js text', r!.translation_text === c.greedy_text_metaspace);
            expect(r!.translation_text, `case ${c.id}`).toBe(c.greedy_text_metaspace);
          }
        } finally {
          await translate.dispose();
        }
      });
    }
  });
});
