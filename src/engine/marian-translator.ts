import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { Dtype } from './dtype.js';
import { DEFAULT_LENGTH_POLICY, maxNewTokens, type LengthPolicy } from './decoding/guards.js';
import type { EngineKind } from './generation/open-generator.js';
import type { GenerateRequest, GeneratorKind, SequenceGenerator } from './generation/sequence-generator.js';
import { WorkerGenerator } from './generation/worker-generator.js';
import type { SessionSettings } from './marian-model.js';
import { readModelConfig, type ModelConfig } from './model-config.js';
import type { BatchPreference, TranslateOptions, TranslationResult, Translator } from './translator.js';
import { ProtectedSpans, type GuardedText } from './protected-spans.js';
import { UNRESTORED_FLAG } from '../document/types.js';

export interface MarianTranslatorOptions extends SessionSettings {
  modelId: string;
  dtype: Dtype;
  /** 1 = greedy (the default). */
  beams?: number;
  lengthPolicy?: Partial<LengthPolicy>;
  repetitionGuard?: boolean;
  /** auto (default): generation inside ONNX Runtime, else the step-by-step loop with a notice. */
  engine?: EngineKind;
  /** Run the model in a worker thread (default true): the caller's event loop stays free. */
  worker?: boolean;
  signal?: AbortSignal;
}

/**
 * Batch sizes for the op. It never drops finished rows, so a batch costs its longest output: the
 * pipeline sorts inputs by length (≈ expected output length) and the op gets smaller batches than the
 * loop's 32. Measured (`npm run bench -- --batch-sizes 1,32`, echo-opus-da-en q8, 16 FLORES sentences,
 * 3 interleaved rounds, load average 2.3–3.5 on 2 cores; medians): greedy 501 tokens/s at batch 8
 * against 277 at 1 and 318 at 32; 4 beams 222 against 165 and 78. The prototype: useful
 * row-steps 78 % at batch 8, 47 % at batch 32.
 */
export const OP_BATCH_LIMITS: Record<'greedy' | 'beams', BatchPreference> = {
  greedy: { batchTokens: 4096, maxBatchSize: 8 },
  beams: { batchTokens: 4096, maxBatchSize: 8 },
};

/** Translator backed by a Marian model directory (see the model store for how it gets there). */
export class MarianTranslator implements Translator {
  readonly decoding: Record<string, unknown>;
  readonly batchLimits: BatchPreference | undefined;
  private readonly lengthPolicy: LengthPolicy;
  /** What the model cannot spell, kept out of its input and put back into its output. */
  private readonly spans: ProtectedSpans | null;

  private constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    readonly model: ModelConfig,
    private readonly generator: SequenceGenerator & { readonly notice?: string },
    readonly modelId: string,
    readonly dtype: Dtype,
    readonly beams: number,
    private readonly repetitionGuard: boolean,
    lengthPolicy: Partial<LengthPolicy> | undefined,
  ) {
    this.lengthPolicy = { ...DEFAULT_LENGTH_POLICY, maxPositions: model.config.maxPositions, ...lengthPolicy };
    this.spans = ProtectedSpans.forTokenizer(tokenizer);
    this.decoding = {
      beams,
      maxLengthRatio: this.lengthPolicy.ratio,
      maxLengthSlack: this.lengthPolicy.slack,
      repetitionGuard,
      // Text the model cannot spell is put back (protected-spans.ts): translations cached before it lost it.
      unknownText: 'restored',
      // Hugging Face's rules: end token forced at the cap, bans after the log-softmax, its beam scoring.
      rules: 'hf-generate',
    };
    this.batchLimits = generator.kind === 'ort' ? OP_BATCH_LIMITS[beams > 1 ? 'beams' : 'greedy'] : undefined;
  }

  static async load(dir: string, options: MarianTranslatorOptions): Promise<MarianTranslator> {
    const init = { dir, dtype: options.dtype, engine: options.engine ?? 'auto', ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}) };
    // The model process is started first, then the tokenizer loads here while the model loads there.
    // Transformers.js (~0.35 s to import) and, in process, ONNX Runtime are imported only now: the
    // model process is not kept waiting for them.
    const generatorPromise = options.worker === false ? import('./generation/open-generator.js').then((m) => m.openGenerator(dir, options.dtype, init)) : WorkerGenerator.start(init, options.signal);
    let generator: Awaited<typeof generatorPromise>;
    let tokenizer: PreTrainedTokenizer;
    let model: ModelConfig;
    try {
      [tokenizer, model, generator] = await Promise.all([import('./model-directory.js').then((m) => m.loadTokenizer(dir)), readModelConfig(dir), generatorPromise]);
    } catch (err) {
      void generatorPromise.then((g) => g.dispose(), () => undefined);
      throw err;
    }
    return new MarianTranslator(tokenizer, model, generator, options.modelId, options.dtype, options.beams ?? 1, options.repetitionGuard ?? true, options.lengthPolicy);
  }

  /** Where generation runs: 'ort' (the BeamSearch op) or 'js' (the step-by-step loop). */
  get engine(): GeneratorKind {
    return this.generator.kind;
  }

  /** Why the op is not used, when it is not (shown to the user once). */
  get notice(): string | undefined {
    return this.generator.notice;
  }

  get maxInputTokens(): number {
    return this.model.config.maxPositions;
  }

  tokenize(text: string): number[] {
    return this.tokenizer.encode(text) as number[];
  }

  /** The text as the model gets it (see protected-spans.ts). */
  private guard(text: string): GuardedText {
    return this.spans ? this.spans.guard(text) : { text, spans: [], words: [] };
  }

  countTokens(text: string): number {
    return this.tokenize(this.guard(text).text).length;
  }

  /** Output ids → text, each `<unk>` given back the source's protected run; runs that did not come back are flagged. */
  private decodeOutput(ids: readonly number[], guarded: GuardedText): { text: string; flags: string[] } {
    const unk = this.tokenizer.unk_token_id;
    if (!this.spans || guarded.spans.length === 0) return { text: this.tokenizer.decode(ids as number[], { skip_special_tokens: true }).trim(), flags: [] };
    const special = new Set(this.tokenizer.all_special_ids);
    const kept = ids.filter((id) => id === unk || !special.has(id));
    const restored = this.spans.restore(this.tokenizer.decode(kept, { skip_special_tokens: false }), guarded);
    return { text: restored.text.trim(), flags: restored.unrestored.map((s) => `${UNRESTORED_FLAG}${s}`) };
  }

  async translateBatch(texts: string[], options: TranslateOptions = {}): Promise<TranslationResult[]> {
    const guarded = texts.map((t) => this.guard(t));
    const inputs = guarded.map((g) => this.tokenize(g.text));
    inputs.forEach((ids, i) => {
      // Never let the model truncate: the segmenter keeps chunks within budget, so this is a bug guard.
      if (ids.length > this.maxInputTokens) {
        throw new Error(`input ${i} has ${ids.length} tokens, more than the model's ${this.maxInputTokens}; it must be split first`);
      }
    });
    const request: GenerateRequest = {
      inputs,
      beams: this.beams,
      maxNewTokens: inputs.map((ids) => maxNewTokens(ids.length, this.lengthPolicy)),
      flagLengthCap: true,
      repetitionGuard: this.repetitionGuard,
      lengthPenalty: 1,
      earlyStopping: this.model.generation.earlyStopping,
      bannedIds: this.model.generation.badWordIds,
    };
    const decoded = await this.generator.generate(request, options.signal);
    return decoded.map((seq, i) => {
      const { text, flags } = this.decodeOutput(seq.ids, guarded[i]!);
      return { text, flags: [...seq.flags, ...flags], tokens: seq.ids.length };
    });
  }

  async dispose(): Promise<void> {
    await this.generator.dispose();
  }
}
