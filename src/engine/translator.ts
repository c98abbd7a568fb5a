/**
 * What the pipeline needs from a translation engine. The Marian engine implements it on top
 * of Transformers.js; pure pipeline tests use a fake.
 */
export interface TranslateOptions {
  signal?: AbortSignal;
}

export interface TranslationResult {
  text: string;
  /** Runaway guards that fired while decoding this input (empty when none). */
  flags: string[];
  /** Target tokens produced (for throughput figures). */
  tokens: number;
}

/** How many inputs one model call should take (the engine's measured preference; the pipeline's default otherwise). */
export interface BatchPreference {
  maxBatchSize: number;
  /** Upper bound on rows × longest row. */
  batchTokens: number;
}

export interface Translator {
  readonly modelId: string;
  /** The model in translation-memory keys (model-store/memory-id.ts); modelId when absent. */
  readonly memoryId?: string | undefined;
  readonly dtype: string;
  /**
   * Settings that change the output; part of the translation-memory key. May change once a model
   * started on first use has started (the engine it runs on: engine-in-memory-key.ts).
   */
  readonly decoding: Record<string, unknown>;
  /** Largest input, in tokens (incl. end-of-sentence), whose translation the model can finish. */
  readonly maxInputTokens: number;
  readonly batchLimits?: BatchPreference | undefined;
  /** Batches the engine can run at the same time (its model processes): the pipeline keeps that many in flight. */
  readonly concurrency?: number | undefined;
  /** Something the user should know about how the model runs (e.g. a slower fallback), shown once. */
  readonly notice?: string | undefined;
  /**
   * Milliseconds spent so far loading a model started on first use (an engine that loads lazily):
   * the streaming translation counts them as load time, not translation time.
   */
  readonly deferredLoadMs?: number;
  /** False while a model started on first use has not started (an engine that loads lazily). */
  readonly modelStarted?: boolean;
  countTokens(text: string): number;
  translateBatch(texts: string[], options?: TranslateOptions): Promise<TranslationResult[]>;
  dispose(): Promise<void>;
}
