import type { PreTrainedTokenizer } from '@huggingface/transformers';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { Da2enError, SETTING_WORDS } from '../errors.js';
import type { Dtype } from './dtype.js';
import { checkDeclaredWidths, type DeclaredValue } from './graph-dimensions.js';
import { checkDecoderLayers, type GenerationSettings, type MarianConfig } from './model-config.js';
import { boolScalar, emptyFloat, int64Tensor, selectRows, type Feeds, type OrtTensor } from './decoding/tensors.js';

export type { Dtype } from './dtype.js';
export type { GenerationSettings, MarianConfig } from './model-config.js';

export interface SessionSettings {
  /** ONNX Runtime intra-op threads per session; keep threads × concurrent jobs ≤ cores. */
  intraOpThreads?: number;
  /** false: threads wait without spinning (cores shared with other processes; see thread-plan.ts). */
  spinning?: boolean;
}

/** Encoder output for a batch, kept for the whole decode (cross-attention reads it once). */
export interface EncoderState {
  hiddenStates: OrtTensor;
  attentionMask: OrtTensor;
  /** Source length in tokens per row (without padding). */
  lengths: number[];
}

/** The decoder's key/value cache: present.* outputs fed back as past_key_values.* */
export type KvCache = Map<string, OrtTensor>;

export interface StepResult {
  /** rows × vocab logits of the last position. */
  logits: Float32Array;
  cache: KvCache;
}

/**
 * A Marian (Opus-MT) model: its tokenizer (Transformers.js) and its two ONNX Runtime sessions,
 * created and owned here. The decoding loops drive the sessions directly so they control batching,
 * the cache and stopping.
 */
export class MarianModel {
  private constructor(
    readonly tokenizer: PreTrainedTokenizer,
    readonly config: MarianConfig,
    readonly generation: GenerationSettings,
    private readonly encoderSession: ort.InferenceSession,
    private readonly decoderSession: ort.InferenceSession,
  ) {
    this.cachedStepOutputs = decoderSession.outputNames.filter((n) => n === 'logits' || /^present\.\d+\.decoder\./.test(n));
  }

  private readonly cachedStepOutputs: string[];

  static async load(dir: string, dtype: Dtype, settings: SessionSettings = {}): Promise<MarianModel> {
    // Imported here: the model process (generation/) needs the tokenizer, and so Transformers.js, only for this.
    const { readModelDirectory } = await import('./model-directory.js');
    const files = await readModelDirectory(dir, dtype);
    const options = sessionOptions(settings);
    // Both sessions at once: ONNX Runtime parses and optimises them on its own threads.
    const [encoder, decoder] = await Promise.all([createSession(files.encoderPath, options), createSession(files.decoderPath, options)]);
    if (!encoder.outputNames.includes('last_hidden_state') || !decoder.inputNames.includes('use_cache_branch')) {
      await Promise.all([encoder.release(), decoder.release()]);
      throw new Error(`${dir} is not a Marian encoder-decoder export (encoder_model + decoder_model_merged with use_cache_branch)`);
    }
    try {
      checkDecoderLayers(files.config.layers, decoder.inputNames, path.relative(dir, files.decoderPath));
      checkDeclaredWidths(files.config, { encoderOutputs: declared(encoder.outputMetadata), decoderInputs: declared(decoder.inputMetadata), decoderOutputs: declared(decoder.outputMetadata) }, { encoder: path.relative(dir, files.encoderPath), decoder: path.relative(dir, files.decoderPath) });
    } catch (err) {
      await Promise.all([encoder.release(), decoder.release()]);
      throw err;
    }
    return new MarianModel(files.tokenizer, files.config, files.generation, encoder, decoder);
  }

  /** Token ids including the end-of-sentence token the Marian tokenizer appends. */
  tokenize(text: string): number[] {
    return this.tokenizer.encode(text) as number[];
  }

  decode(ids: readonly number[]): string {
    return this.tokenizer.decode(ids as number[], { skip_special_tokens: true });
  }

  async encode(batch: readonly (readonly number[])[]): Promise<EncoderState> {
    const width = Math.max(...batch.map((ids) => ids.length));
    const ids = new Array<number>(batch.length * width).fill(this.config.padId);
    const mask = new Array<number>(batch.length * width).fill(0);
    batch.forEach((row, r) => {
      row.forEach((id, i) => {
        ids[r * width + i] = id;
        mask[r * width + i] = 1;
      });
    });
    const attentionMask = int64Tensor(mask, [batch.length, width]);
    const out = await runSession(this.encoderSession, { input_ids: int64Tensor(ids, [batch.length, width]), attention_mask: attentionMask });
    const hiddenStates = out['last_hidden_state'];
    if (!hiddenStates) throw new Error('encoder returned no last_hidden_state');
    return { hiddenStates, attentionMask, lengths: batch.map((r) => r.length) };
  }

  /** Runs one decoder step for every row; `cache` is null on the first step. */
  async step(encoder: EncoderState, tokens: readonly number[], cache: KvCache | null): Promise<StepResult> {
    const rows = tokens.length;
    const feeds: Feeds = {
      input_ids: int64Tensor(tokens, [rows, 1]),
      encoder_attention_mask: encoder.attentionMask,
      encoder_hidden_states: encoder.hiddenStates,
      use_cache_branch: boolScalar(cache !== null),
    };
    const { layers, heads, headDim } = this.config;
    for (let l = 0; l < layers; l++) {
      for (const part of ['decoder', 'encoder'] as const) {
        for (const kv of ['key', 'value'] as const) {
          const name = `past_key_values.${l}.${part}.${kv}`;
          feeds[name] = cache?.get(name) ?? emptyFloat([rows, heads, 0, headDim]);
        }
      }
    }
    // After the first step the graph only passes the encoder keys/values through; not fetching them
    // saves copying layers × 2 tensors of rows × heads × source × head_dim floats every step.
    const out = await runSession(this.decoderSession, feeds, cache ? this.cachedStepOutputs : undefined);
    const next: KvCache = new Map();
    for (const [name, tensor] of Object.entries(out)) {
      if (name.startsWith('present.')) next.set(`past_key_values.${name.slice('present.'.length)}`, tensor);
    }
    // With the cache branch, the graph passes the encoder keys/values through unchanged;
    // keep our own tensors so no copy of them is made per step.
    if (cache) for (const [name, t] of cache) if (name.includes('.encoder.')) next.set(name, t);
    const logitsTensor = out['logits'];
    if (!logitsTensor) throw new Error('decoder returned no logits');
    const logits = logitsTensor.data as Float32Array;
    const steps = (logitsTensor.dims as number[])[1]!;
    const vocab = this.config.vocabSize || (logitsTensor.dims as number[])[2]!;
    if (steps === 1) return { logits, cache: next };
    // Several positions came back (should not happen with one input token): keep the last.
    const last = new Float32Array(rows * vocab);
    for (let r = 0; r < rows; r++) last.set(logits.subarray((r * steps + steps - 1) * vocab, (r * steps + steps) * vocab), r * vocab);
    return { logits: last, cache: next };
  }

  /** Keeps (or repeats, for beams) the given rows of the encoder state and cache. */
  static selectEncoderRows(encoder: EncoderState, rows: readonly number[]): EncoderState {
    return {
      hiddenStates: selectRows(encoder.hiddenStates, rows),
      attentionMask: selectRows(encoder.attentionMask, rows),
      lengths: rows.map((r) => encoder.lengths[r]!),
    };
  }

  /**
   * `decoderOnly`: reorder just the self-attention cache. Beams of one input share identical encoder
   * rows, so a reorder within each input's block leaves the encoder keys/values as they are.
   */
  static selectCacheRows(cache: KvCache, rows: readonly number[], decoderOnly = false): KvCache {
    const out: KvCache = new Map();
    for (const [name, t] of cache) out.set(name, decoderOnly && name.includes('.encoder.') ? t : selectRows(t, rows));
    return out;
  }

  async dispose(): Promise<void> {
    await Promise.all([this.encoderSession.release(), this.decoderSession.release()]);
  }
}

/** What ONNX Runtime says when a graph is fed (or passes on) values of widths it was not made for. */
const SHAPES_DO_NOT_FIT = /invalid dimensions|invalid rank|dimension mismatch|incompatible dimensions|broadcast an axis|ShapeInferenceError/i;

/**
 * Runs a session; a run whose shapes do not fit is a model whose files do not belong together (one
 * that declared nothing the load could check), not a fault of the input: kind model-corrupt.
 */
async function runSession(session: ort.InferenceSession, feeds: Feeds, fetches?: string[]): Promise<ort.InferenceSession.ReturnType> {
  try {
    return fetches ? await session.run(feeds, fetches) : await session.run(feeds);
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    if (!SHAPES_DO_NOT_FIT.test(message)) throw err;
    throw new Da2enError('model-corrupt', `the model's encoder and decoder do not fit together (${message.split('\n')[0]!.slice(0, 200)}); its files may be damaged or come from different models: rebuild or re-copy the model directory, or run "da2en model verify" with ${SETTING_WORDS.sameModel}`, { cause: err, settings: ['sameModel'] });
  }
}

/** A session's inputs or outputs as its file declares them. */
const declared = (values: readonly ort.InferenceSession.ValueMetadata[]): DeclaredValue[] => values.map((v) => ({ name: v.name, shape: v.isTensor ? v.shape : undefined }));

export function sessionOptions(settings: SessionSettings): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    enableCpuMemArena: false,
    interOpNumThreads: 1,
    // Warnings at session creation are about graph rewrites, not the user's input.
    logSeverityLevel: 3,
    ...(settings.intraOpThreads ? { intraOpNumThreads: settings.intraOpThreads } : {}),
    ...(settings.spinning === false ? { extra: { session: { 'intra_op.allow_spinning': '0' } } } : {}),
  };
}

/** Opens an .onnx file by path (ONNX Runtime reads it itself); the error names the file. */
export async function createSession(file: string, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(file, options);
  } catch (err) {
    const relative = file.split(/[\\/]/).slice(-2).join('/');
    throw new Error(`${relative}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}
