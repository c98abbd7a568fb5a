/**
 * That the encoder and decoder graphs declare the widths config.json gives (d_model, the decoder's
 * heads and head size, the vocabulary), where they declare them: files put together from different
 * models (a decoder copied from another export) load without complaint and fail, or give nonsense,
 * only when run. Dimensions a graph leaves symbolic (batch, sequence) or unknown are not checked.
 */
import type { MarianConfig } from './model-config.js';

/** A graph input or output as its file declares it: a number for a fixed size, a name (or nothing) for a size given at run time. */
export interface DeclaredValue {
  name: string;
  shape: readonly (number | string | null | undefined)[] | undefined;
}

export interface DeclaredGraphs {
  encoderOutputs: readonly DeclaredValue[];
  decoderInputs: readonly DeclaredValue[];
  decoderOutputs: readonly DeclaredValue[];
}

type Widths = Pick<MarianConfig, 'heads' | 'headDim' | 'vocabSize'>;

/** Per value name, the axes whose size config.json fixes: [axis, size, what config.json calls it]. */
function expectedAxes(name: string, config: Widths): [number, number, string][] {
  const dModel = config.heads * config.headDim;
  if (name === 'last_hidden_state' || name === 'encoder_hidden_states') return [[2, dModel, 'd_model']];
  if (name === 'logits') return [[2, config.vocabSize, 'vocab_size']];
  if (/^(past_key_values|present)\.\d+\.(decoder|encoder)\.(key|value)$/.test(name)) {
    return [
      [1, config.heads, 'decoder_attention_heads'],
      [3, config.headDim, 'd_model / decoder_attention_heads'],
    ];
  }
  return [];
}

/** Throws, naming the file and the value, where a graph declares a width other than config.json's. */
export function checkDeclaredWidths(config: Widths, graphs: DeclaredGraphs, files: { encoder: string; decoder: string }): void {
  const sides: [string, readonly DeclaredValue[]][] = [
    [files.encoder, graphs.encoderOutputs],
    [files.decoder, graphs.decoderInputs],
    [files.decoder, graphs.decoderOutputs],
  ];
  for (const [file, values] of sides) {
    for (const { name, shape } of values) {
      for (const [axis, size, key] of expectedAxes(name, config)) {
        const declared = shape?.[axis];
        if (typeof declared === 'number' && declared > 0 && declared !== size) {
          throw new Error(`${file} declares ${name} with ${declared} on axis ${axis} but config.json's ${key} is ${size}; the model's files do not belong together`);
        }
      }
    }
  }
}
