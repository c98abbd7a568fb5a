import os from 'node:os';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { Dtype } from './dtype.js';
import { DEFAULT_LENGTH_POLICY, longestFinishedInput, maxNewTokens, type LengthPolicy } from './decoding/guards.js';
import type { EngineKind, OpenedGenerator } from './generation/open-generator.js';
import type { GenerateRequest, GeneratorKind } from './generation/sequence-generator.js';
import { MAX_REPLICAS, type ThreadPlan } from './generation/thread-plan.js';
import { ReplicaPool } from './generation/replica-pool.js';
import { expectedGenerator, generationKeyPart } from './generation/engine-in-memory-key.js';
import type { SessionSettings } from './marian-model.js';
import { readModelConfig, type ModelConfig } from './model-config.js';
import type { BatchPreference, TranslateOptions, TranslationResult, Translator } from './translator.js';
import { ProtectedSpans, type GuardedText } from './protected-spans.js';
import { UNRESTORED_FLAG } from '../document/types.js';
import { Da2enError } from '../errors.js';

/** A text as the model gets it and its ids (see encodeGuarded). */
interface Encoded {
  guarded: GuardedText;
  ids: number[];
}

/** Texts whose encoding is kept: more than a window's chunks measured ahead of their batches. */
const ENCODED_TEXTS = 4096;

/** When the model (its process and ONNX session) starts: with the translator, or on the first batch that needs it. */
export type ModelStart = 'eager' | 'on-first-use';

/** The model has started: how long it took, where generation runs, and why not in the op (when not). */
export interface ModelStarted {
  ms: number;
  engine: GeneratorKind;
  notice: string | undefined;
  /** The model process's threads (undefined in process: every core, spinning). */
  threads: ThreadPlan | undefined;
  /** The model process started ahead was given this very work ahead and was already opening the model (worker-generator.ts, openAhead). */
  openedAhead: boolean;
}

export interface MarianTranslatorOptions extends SessionSettings {
  modelId: string;
  /** The model in translation-memory keys (model-store/memory-id.ts); modelId when absent. */
  memoryId?: string;
  dtype: Dtype;
  /** 1 = greedy (the default). */
  beams?: number;
  lengthPolicy?: Partial<LengthPolicy>;
  repetitionGuard?: boolean;
  /** auto (default): generation inside ONNX Runtime, else the step-by-step loop with a notice. */
  engine?: EngineKind;
  /** Model processes at most (default: thread-plan.ts decides, up to MAX_REPLICAS). */
  modelProcesses?: number;
  /** Run the model in a worker thread (default true): the caller's event loop stays free. */
  worker?: boolean;
  /**
   * eager (default): the model starts while the translator loads. on-first-use: only the tokenizer
   * and configuration load now, the model when a batch first needs it (a re-run served from the
   * translation memory never starts it).
   */
  startModel?: ModelStart;
  /** Called once, when the model has started (either way). */
  onModelStart?: (started: ModelStarted) => void;
  /** Turns a load failure (also one on first use) into the caller's error. */
  describeLoadError?: (err: unknown) => Error;
  /** Aborts loading, also a start on first use. */
  signal?: AbortSignal;
}

/**
 * Batch sizes for the op. It never drops finished rows, so a batch costs its longest output: the
 * pipeline sorts inputs by length (≈ expected output length) and the op gets smaller batches than the
 * loop's 32. Measured (`npm run bench`, echo-opus-da-en q8, FLORES sentences, 3 interleaved rounds on 2
 * cores; medians): greedy 501 tokens/s at batch 8 against 277 at 1 and 318 at 32 (16 sentences, load
 * 2.3–3.5), and 811 at 8 against 701 at 4 and 499 at 2 (32 sentences, load 2.2–2.5); 4 beams (4 rows
 * per input) 259 at batch 4 against 213 at 8 and 249 at 2 (32 sentences), 78 at 32 (16 sentences).
 * Useful row-steps: 97 % at batch 2, 91 % at 4, 83 % at 8.
 */
export const OP_BATCH_LIMITS: Record<'greedy' | 'beams', BatchPreference> = {
  greedy: { batchTokens: 4096, maxBatchSize: 8 },
  beams: { batchTokens: 4096, maxBatchSize: 4 },
};

/** The op's batch sizes, unless generation runs (or is asked to run) in the loop. */
function batchLimitsFor(engine: EngineKind | GeneratorKind, beams: number): BatchPreference | undefined {
  return engine === 'js' ? undefined : OP_BATCH_LIMITS[beams > 1 ? 'beams' : 'greedy'];
}

/**
 * Batches in flight: one per model process there may be (thread-plan.ts: two where two cores or more
 * are free), and two with one process as well, so that the next batch is tokenized and waiting when
 * the model process finishes one, and the last one is decoded while it generates (measured with one
 * model process, load ≈ 5: 459–599 tokens/s with two in flight against 281–368 with one). In process
 * a run holds the JavaScript thread: one.
 */
function batchesInFlight(options: MarianTranslatorOptions): number {
  return options.worker === false ? 1 : MAX_REPLICAS;
}

/** A load failure as the caller wants it described; an abort stays what it is. */
function loadFailure(err: unknown, options: MarianTranslatorOptions): unknown {
  return options.signal?.aborted || !options.describeLoadError ? err : options.describeLoadError(err);
}

/** Translator backed by a Marian model directory (see the model store for how it gets there). */
export class MarianTranslator implements Translator {
  /** The decoding settings but the engine (see `decoding`). */
  private readonly settings: Record<string, unknown>;
  readonly batchLimits: BatchPreference | undefined;
  /** Batches the pipeline keeps in flight (batchesInFlight). */
  readonly concurrency: number;
  /** Milliseconds spent starting the model on first use (0 before, and with an eager start: the caller times that). */
  deferredLoadMs = 0;
  private readonly lengthPolicy: LengthPolicy;
  private readonly repetitionGuard: boolean;
  /** What the model cannot spell, kept out of its input and put back into its output. */
  private readonly spans: ProtectedSpans | null;
  private generator: OpenedGenerator | undefined;
  /** The one start: concurrent first batches share it, and a failed start fails every later batch. */
  private starting: Promise<OpenedGenerator> | undefined;
  private disposed = false;
  private readonly encoded = new Map<string, Encoded>();

  private constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    readonly model: ModelConfig,
    generator: OpenedGenerator | undefined,
    private readonly startGenerator: () => Promise<OpenedGenerator>,
    private readonly options: MarianTranslatorOptions,
  ) {
    const beams = options.beams ?? 1;
    this.repetitionGuard = options.repetitionGuard ?? true;
    this.lengthPolicy = { ...DEFAULT_LENGTH_POLICY, maxPositions: model.generation.maxLength, ...options.lengthPolicy };
    this.spans = ProtectedSpans.forTokenizer(tokenizer);
    this.settings = {
      beams,
      maxLengthRatio: this.lengthPolicy.ratio,
      maxLengthSlack: this.lengthPolicy.slack,
      repetitionGuard: this.repetitionGuard,
      // A cap other than the model's own max_length (a library caller's lengthPolicy.maxPositions) shapes
      // the output too; the model's own is part of its identity, so it is named only when it differs.
      ...(this.lengthPolicy.maxPositions !== model.generation.maxLength ? { maxPositions: this.lengthPolicy.maxPositions } : {}),
      // Text the model cannot spell is put back (protected-spans.ts): translations cached before it lost it.
      unknownText: 'restored',
      // Hugging Face's rules: end token forced at the cap, bans after the log-softmax, its beam scoring.
      rules: 'hf-generate',
    };
    // Before a lazy start, from the engine asked for: the pipeline plans its batches before the first call.
    this.batchLimits = batchLimitsFor(generator?.kind ?? options.engine ?? 'auto', beams);
    this.concurrency = batchesInFlight(options);
    if (generator) {
      this.generator = generator;
      this.starting = Promise.resolve(generator);
    }
  }

  static async load(dir: string, options: MarianTranslatorOptions): Promise<MarianTranslator> {
    const init = {
      dir,
      dtype: options.dtype,
      engine: options.engine ?? 'auto',
      ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}),
      ...(options.modelProcesses ? { replicas: options.modelProcesses } : {}),
    };
    // Transformers.js (~0.35 s to import) and, in process, ONNX Runtime are imported only when
    // needed: the model process is not kept waiting for them.
    const startGenerator = async (): Promise<OpenedGenerator> =>
      options.worker === false
        ? (await import('./generation/open-generator.js')).openGenerator(dir, options.dtype, { ...init, intraOpThreads: options.intraOpThreads ?? os.availableParallelism() })
        : ReplicaPool.start(init, options.signal);
    const started = performance.now();
    // Eager: the model process is started first, then the tokenizer loads here while the model loads there.
    const generatorPromise = options.startModel === 'on-first-use' ? Promise.resolve(undefined) : startGenerator();
    let parts: [PreTrainedTokenizer, ModelConfig, OpenedGenerator | undefined];
    try {
      parts = await Promise.all([import('./model-directory.js').then((m) => m.loadTokenizer(dir)), readModelConfig(dir), generatorPromise]);
    } catch (err) {
      void generatorPromise.then((g) => g?.dispose(), () => undefined);
      throw loadFailure(err, options);
    }
    const [tokenizer, model, generator] = parts;
    if (generator) options.onModelStart?.({ ms: performance.now() - started, engine: generator.kind, notice: generator.notice, threads: generator.threads, openedAhead: generator.openedAhead ?? false });
    return new MarianTranslator(tokenizer, model, generator, startGenerator, options);
  }

  get modelId(): string {
    return this.options.modelId;
  }

  get memoryId(): string {
    return this.options.memoryId ?? this.options.modelId;
  }

  get dtype(): Dtype {
    return this.options.dtype;
  }

  get beams(): number {
    return this.options.beams ?? 1;
  }

  /**
   * Settings that change the output (the translation memory's key), the engine among them where it
   * can change the text (engine-in-memory-key.ts): the engine running, or before a start on first use
   * the one expected. The pipeline stores a batch under the key as it is after the batch ran.
   */
  get decoding(): Record<string, unknown> {
    const kind = this.generator?.kind ?? expectedGenerator(this.options.engine ?? 'auto');
    return { ...this.settings, ...generationKeyPart(kind, { dtype: this.dtype, beams: this.beams, repetitionGuard: this.repetitionGuard }) };
  }

  /** Where generation runs: 'ort' (the BeamSearch op) or 'js' (the step-by-step loop); undefined until the model has started. */
  get engine(): GeneratorKind | undefined {
    return this.generator?.kind;
  }

  /** Why the op is not used, when it is not (shown to the user once; see onModelStart for a model started later). */
  get notice(): string | undefined {
    return this.generator?.notice;
  }

  /** Whether the model has started (with an on-first-use start, a run served from the translation memory never starts it). */
  get modelStarted(): boolean {
    return this.generator !== undefined;
  }

  /** The model, started on the first call that needs it. */
  private start(): Promise<OpenedGenerator> {
    if (this.disposed) return Promise.reject(new Da2enError('usage', 'the translator has been disposed; load another one to translate more'));
    if (!this.starting) {
      const began = performance.now();
      this.starting = this.startGenerator().then(
        (generator) => {
          this.generator = generator;
          this.deferredLoadMs = performance.now() - began;
          this.options.onModelStart?.({ ms: this.deferredLoadMs, engine: generator.kind, notice: generator.notice, threads: generator.threads, openedAhead: generator.openedAhead ?? false });
          return generator;
        },
        (err: unknown) => {
          throw loadFailure(err, this.options);
        },
      );
    }
    return this.starting;
  }

  /** Once every model process there will be has started: how many run (0 before the model starts). */
  async modelProcesses(): Promise<number> {
    const generator = await this.starting?.catch(() => undefined);
    await generator?.whenJoined?.();
    return generator ? (generator.size ?? 1) : 0;
  }

  /** Not the positions: the output needs room besides, within the model's max_length (longestFinishedInput). */
  get maxInputTokens(): number {
    return longestFinishedInput(this.model.generation.maxLength);
  }

  tokenize(text: string): number[] {
    return this.tokenizer.encode(text) as number[];
  }

  /** The text as the model gets it (see protected-spans.ts). */
  private guard(text: string): GuardedText {
    return this.spans ? this.spans.guard(text) : { text, spans: [], words: [] };
  }

  /**
   * The text as the model gets it, and its ids, for the most recent texts asked about: segmentation
   * measures every chunk (most of them twice) before its batch encodes it, and on the seed article,
   * with the tokenizer's code still cold, those passes took ~0.1-0.2 s of the CLI's critical path.
   */
  private encodeGuarded(text: string): Encoded {
    const known = this.encoded.get(text);
    if (known) {
      // Most recently used last: the first entry is the one to drop.
      this.encoded.delete(text);
      this.encoded.set(text, known);
      return known;
    }
    const guarded = this.guard(text);
    const encoded = { guarded, ids: this.tokenize(guarded.text) };
    this.encoded.set(text, encoded);
    if (this.encoded.size > ENCODED_TEXTS) this.encoded.delete(this.encoded.keys().next().value!);
    return encoded;
  }

  countTokens(text: string): number {
    return this.encodeGuarded(text).ids.length;
  }

  /** Output ids → text, each `<unk>` given back the source's protected run; runs that did not come back are flagged. */
  /** Transformers.js throws on no ids; a model may well end at once (an empty translation, which QA flags). */
  private decodeIds(ids: readonly number[], skipSpecialTokens: boolean): string {
    return ids.length === 0 ? '' : this.tokenizer.decode(ids as number[], { skip_special_tokens: skipSpecialTokens });
  }

  private decodeOutput(ids: readonly number[], guarded: GuardedText): { text: string; flags: string[] } {
    const unk = this.tokenizer.unk_token_id;
    if (!this.spans || guarded.spans.length === 0) return { text: this.decodeIds(ids, true).trim(), flags: [] };
    const special = new Set(this.tokenizer.all_special_ids);
    const kept = ids.filter((id) => id === unk || !special.has(id));
    const restored = this.spans.restore(this.decodeIds(kept, false), guarded);
    return { text: restored.text.trim(), flags: restored.unrestored.map((s) => `${UNRESTORED_FLAG}${s}`) };
  }

  async translateBatch(texts: string[], options: TranslateOptions = {}): Promise<TranslationResult[]> {
    const encoded = texts.map((t) => this.encodeGuarded(t));
    const guarded = encoded.map((e) => e.guarded);
    const inputs = encoded.map((e) => e.ids.slice());
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
    const generator = await this.start();
    const decoded = await generator.generate(request, options.signal);
    return decoded.map((seq, i) => {
      const { text, flags } = this.decodeOutput(seq.ids, guarded[i]!);
      return { text, flags: [...seq.flags, ...flags], tokens: seq.ids.length };
    });
  }

  /** Before a start on first use, nothing is running; during one, the model is stopped once it is up. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const generator = await this.starting?.catch(() => undefined);
    await generator?.dispose();
  }
}
