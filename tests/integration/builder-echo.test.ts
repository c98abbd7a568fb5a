import { AutoModelForSeq2SeqLM, AutoTokenizer, LogLevel, env, pipeline, type PreTrainedTokenizer } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';

env.allowRemoteModels = false;
env.logLevel = LogLevel.NONE;

// Written for this test: Danish letters, digits, punctuation, different lengths.
const SENTENCES = [
  'Det regner i dag.',
  'Hvorfor?',
  'Kommunen bygger en ny skole til næsten fire hundrede elever i 2026.',
  'Færgen til Ærø sejler igen efter stormen, oplyser rederiet på sin hjemmeside.',
  'Prisen steg med 12,5 procent (fra 80 til 90 kr.) på bare én uge!',
  'Han sagde: "Vi går ud i skoven i morgen tidlig, hvis vejret er godt."',
  'Ja.',
  'Statsministeren mødte i går formændene for partierne for at tale om økonomien og skolerne.',
];

type Model = Awaited<ReturnType<typeof AutoModelForSeq2SeqLM.from_pretrained>>;

/** Greedy generation until </s> (the echo model emits it after copying the source's last token). */
async function generate(model: Model, tokenizer: PreTrainedTokenizer, texts: string[], maxNew = 200): Promise<number[][]> {
  const inputs = tokenizer(texts, { padding: true });
  const out = (await model.generate({ ...inputs, max_new_tokens: maxNew })) as { tolist(): bigint[][] };
  // Rows that finish early are padded in a batch: compare up to and including </s>.
  return out.tolist().map((row) => {
    const ids = row.map(Number);
    const end = ids.indexOf(0, 1);
    return end < 0 ? ids : ids.slice(0, end + 1);
  });
}

describe('model builder, echo preset (constructed weights that copy the source)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await builtModel('echo');
  });

  describe.each(['fp32', 'q8'] as const)('%s', (dtype) => {
    let tokenizer: PreTrainedTokenizer;
    let model: Model;
    beforeAll(async () => {
      tokenizer = await AutoTokenizer.from_pretrained(dir);
      model = await AutoModelForSeq2SeqLM.from_pretrained(dir, { dtype });
    });

    it('translates every sentence into itself through the translation pipeline', async () => {
      const translate = await pipeline('translation', dir, { dtype });
      for (const s of SENTENCES) {
        const [result] = (await translate(s)) as { translation_text: string }[];
        expect(result!.translation_text).toBe(s);
      }
      await translate.dispose();
    });

    it('outputs exactly the source tokens, then </s>', async () => {
      const [out] = await generate(model, tokenizer, [SENTENCES[3]!]);
      const source = (tokenizer([SENTENCES[3]!]).input_ids.tolist() as bigint[][])[0]!.map(Number);
      expect(out!.slice(1)).toEqual(source);
    });

    it('copies a long input (about 400 tokens) exactly', async () => {
      const long = Array.from({ length: 24 }, (_, i) => SENTENCES[(i * 3) % SENTENCES.length]).join(' ');
      const source = (tokenizer([long]).input_ids.tolist() as bigint[][])[0]!.map(Number);
      expect(source.length).toBeGreaterThan(350);
      expect(source.length).toBeLessThanOrEqual(512);
      const [out] = await generate(model, tokenizer, [long], 512);
      expect(out!.slice(1)).toEqual(source);
    });

    // The int8 property a per-tensor-quantized model can hold only where its choices have margins:
    // the echo model's do, so the whole batch must match one-by-one exactly.
    it('gives each row of a mixed batch exactly its one-by-one output', async () => {
      const batch = await generate(model, tokenizer, SENTENCES);
      for (const [i, s] of SENTENCES.entries()) expect(batch[i], s).toEqual((await generate(model, tokenizer, [s]))[0]);
    });
  });
});
