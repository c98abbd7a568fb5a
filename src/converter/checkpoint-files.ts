/** The files a checkpoint needs for conversion (the hub download fetches these). */
export const CHECKPOINT_FILES = {
  required: ['config.json', 'vocab.json', 'source.spm'],
  optional: ['generation_config.json', 'tokenizer_config.json', 'special_tokens_map.json', 'target.spm'],
  weights: ['model.safetensors', 'pytorch_model.bin'],
} as const;
