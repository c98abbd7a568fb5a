import { META, SPECIAL, type Vocabulary } from './vocab.js';

/**
 * tokenizer.json in the layout Hugging Face `tokenizers` (and so Transformers.js) reads for
 * Marian: a Unigram model, Metaspace "▁" pre-tokenizer and decoder, and a post-processor that
 * appends `</s>` as the SentencePiece Marian tokenizer does. The real export uses SentencePiece's
 * precompiled nmt_nfkc charsmap; we spell out its effect with portable steps (control characters
 * dropped, odd whitespace to a space, NFKC, runs of spaces collapsed as SentencePiece does), which
 * Hugging Face tokenizers in Python and JavaScript both read.
 */
export function tokenizerJson(vocab: Pick<Vocabulary, 'pieces'>): object {
  const padId = vocab.pieces.length - 1;
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const metaspace = { type: 'Metaspace', replacement: META, add_prefix_space: true, prepend_scheme: 'always', split: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, SPECIAL.eos), special(1, SPECIAL.unk), special(padId, SPECIAL.pad)],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Replace', pattern: { Regex: '[\\x{0001}-\\x{0008}\\x{000B}\\x{000E}-\\x{001F}\\x{007F}\\x{008F}\\x{009F}]' }, content: '' },
        { type: 'Replace', pattern: { Regex: '[\\t\\n\\r\\x{000C}\\x{00A0}\\x{1680}\\x{2000}-\\x{200F}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{2581}\\x{3000}\\x{FEFF}]' }, content: ' ' },
        { type: 'NFKC' },
        { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
      ],
    },
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
