import { SPECIAL, type Vocabulary } from './vocabulary.js';

/**
 * tokenizer.json in the layout Hugging Face `tokenizers` (and so Transformers.js) reads for
 * Marian: a Unigram model, Metaspace "▁" pre-tokenizer and decoder, and a post-processor that
 * appends `</s>` as the SentencePiece Marian tokenizer does. The real export uses SentencePiece's
 * precompiled nmt_nfkc normalizer; NFKC is its documented equivalent for text like ours.
 */
export function tokenizerJson(vocab: Vocabulary): object {
  const padId = vocab.pieces.length - 1;
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const metaspace = { type: 'Metaspace', replacement: '▁', add_prefix_space: true, prepend_scheme: 'always', split: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, SPECIAL.eos), special(1, SPECIAL.unk), special(padId, SPECIAL.pad)],
    normalizer: { type: 'NFKC' },
    pre_tokenizer: metaspace,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: SPECIAL.eos, type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: SPECIAL.eos, type_id: 0 } }],
      special_tokens: { [SPECIAL.eos]: { id: SPECIAL.eos, ids: [0], tokens: [SPECIAL.eos] } },
    },
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: 1, vocab: vocab.pieces, byte_fallback: false },
  };
}

/** tokenizer_config.json as the Helsinki-NLP/Xenova Marian repos have it. */
export function tokenizerConfigJson(): object {
  return {
    tokenizer_class: 'MarianTokenizer',
    eos_token: SPECIAL.eos,
    unk_token: SPECIAL.unk,
    pad_token: SPECIAL.pad,
    model_max_length: 512,
    separate_vocabs: false,
    source_lang: 'da',
    target_lang: 'en',
    clean_up_tokenization_spaces: true,
  };
}
