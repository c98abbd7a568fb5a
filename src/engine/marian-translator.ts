import { MarianModel, type Dtype, type SessionSettings } from './marian-model.js';
import { greedyDecode, type DecodedSequence, type DecodeOptions } from './decoding/greedy.js';
import type { TranslateOptions, TranslationResult, Translator } from './translator.js';
import { DEFAULT_LENGTH_POLICY, type LengthPolicy } from './decoding/guards.js';
import { ProtectedSpans, type GuardedText } from './protected-spans.js';
import { UNRESTORED_FLAG } from '../document/types.js';

export interface MarianTranslatorOptions extends SessionSettings {
  modelId: string;
  dtype: Dtype;
  /** 1 = greedy. */
  beams?: number;
  lengthPolicy?: Partial<LengthPolicy>;
  repetitionGuard?: boolean;
  /**
   * Benchmarks only: an exact output length per source text. Random-weight models rarely stop by
   * themselves, so every system in a benchmark is made to produce the same number of tokens.
   */
  forcedLength?: ForcedLength;
}

export type ForcedLength = (source: string, sourceTokens: number) => number | undefined;

export type BeamDecoder = (model: MarianModel, inputs: readonly (readonly number[])[], beams: number, options: DecodeOptions) => Promise<DecodedSequence[]>;

/** Translator backed by a Marian model directory (see the model store for how it gets there). */
export class MarianTranslator implements Translator {
  readonly decoding: Record<string, unknown>;
  private readonly lengthPolicy: LengthPolicy;
  /** What the model cannot spell, kept out of its input and put back into its output. */
  private readonly spans: ProtectedSpans | null;

  private constructor(
    readonly model: MarianModel,
    readonly modelId: string,
    readonly dtype: Dtype,
    private readonly beams: number,
    private readonly repetitionGuard: boolean,
    lengthPolicy: Partial<LengthPolicy> | undefined,
    private readonly beamDecoder: BeamDecoder | null,
    private readonly forcedLength: ForcedLength | undefined,
  ) {
    this.lengthPolicy = { ...DEFAULT_LENGTH_POLICY, maxPositions: model.config.maxPositions, ...lengthPolicy };
    this.spans = ProtectedSpans.forTokenizer(model.tokenizer);
    this.decoding = {
      beams,
      maxLengthRatio: this.lengthPolicy.ratio,
      maxLengthSlack: this.lengthPolicy.slack,
      repetitionGuard: repetitionGuard,
      // Text the model cannot spell is put back (protected-spans.ts): translations cached before it lost it.
      unknownText: 'restored',
    };
  }

  static async load(dir: string, options: MarianTranslatorOptions): Promise<MarianTranslator> {
    const model = await MarianModel.load(dir, options.dtype, options);
    const beams = options.beams ?? 1;
    const beamDecoder = beams > 1 ? (await import('./decoding/beam.js')).beamDecode : null;
    return new MarianTranslator(model, options.modelId, options.dtype, beams, options.repetitionGuard ?? true, options.lengthPolicy, beamDecoder, options.forcedLength);
  }

  get maxInputTokens(): number {
    return this.model.config.maxPositions;
  }

  /** The text as the model gets it (see protected-spans.ts). */
  private guard(text: string): GuardedText {
    return this.spans ? this.spans.guard(text) : { text, spans: [], words: [] };
  }

  countTokens(text: string): number {
    return this.model.tokenize(this.guard(text).text).length;
  }

  /** Output ids → text, each `<unk>` given back the source's protected run; runs that did not come back are flagged. */
  private decodeOutput(ids: readonly number[], guarded: GuardedText): { text: string; flags: string[] } {
    const unk = this.model.tokenizer.unk_token_id;
    if (!this.spans || guarded.spans.length === 0) return { text: this.model.decode(ids).trim(), flags: [] };
    const special = new Set(this.model.tokenizer.all_special_ids);
    const kept = ids.filter((id) => id === unk || !special.has(id));
    const restored = this.spans.restore(this.model.tokenizer.decode(kept, { skip_special_tokens: false }), guarded);
    return { text: restored.text.trim(), flags: restored.unrestored.map((s) => `${UNRESTORED_FLAG}${s}`) };
  }

  async translateBatch(texts: string[], options: TranslateOptions = {}): Promise<TranslationResult[]> {
    const guarded = texts.map((t) => this.guard(t));
    const inputs = guarded.map((g) => this.model.tokenize(g.text));
    inputs.forEach((ids, i) => {
      // Never let the model truncate: the segmenter keeps chunks within budget, so this is a bug guard.
      if (ids.length > this.maxInputTokens) {
        throw new Error(`input ${i} has ${ids.length} tokens, more than the model's ${this.maxInputTokens}; it must be split first`);
      }
    });
    const decodeOptions: DecodeOptions = { lengthPolicy: this.lengthPolicy, repetitionGuard: this.repetitionGuard, ...(options.signal ? { signal: options.signal } : {}) };
    if (this.forcedLength) {
      const lengths = texts.map((t, i) => this.forcedLength!(t, inputs[i]!.length) ?? 0);
      decodeOptions.minNewTokensPerRow = lengths;
      decodeOptions.maxNewTokensPerRow = lengths.map((n, i) => n || inputs[i]!.length * 2);
      decodeOptions.repetitionGuard = false;
    }
    const decoded = this.beamDecoder
      ? await this.beamDecoder(this.model, inputs, this.beams, decodeOptions)
      : await greedyDecode(this.model, inputs, decodeOptions);
    return decoded.map((seq, i) => {
      const { text, flags } = this.decodeOutput(seq.ids, guarded[i]!);
      return { text, flags: [...seq.flags, ...flags], tokens: seq.ids.length };
    });
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}
