import { CheckpointError } from '../errors.js';
import { PieceType, type SentencePieceModel } from './sentencepiece-model.js';

export interface MarianSpecialTokens {
  eos: string;
  unk: string;
  pad: string;
}

export interface MarianTokenizerJson {
  json: object;
  ids: { eos: number; unk: number; pad: number };
  vocabSize: number;
  /** vocab.json entries that source.spm cannot produce (target-side pieces). */
  targetOnly: number;
}

/**
 * tokenizer.json for a Helsinki-NLP checkpoint that gives Hugging Face MarianTokenizer's ids.
 *
 * MarianTokenizer segments with source.spm (Viterbi over the spm's pieces and scores) and then
 * looks each piece's *string* up in vocab.json (missing → `<unk>`), appending `</s>`. A
 * tokenizers Unigram model does one Viterbi over its own vocabulary, ids being positions in it,
 * so the vocabulary here is vocab.json in id order with scores chosen to make that one Viterbi
 * equal the spm's:
 *
 * - pieces source.spm has: the spm score;
 * - a single-character piece only the target side has: the score the spm gives an unknown
 *   character (its lowest score − 10). The spm would emit that character as an unknown piece
 *   whose string MarianTokenizer then finds in vocab.json — same id, same path score;
 * - longer target-only pieces: below any path of spm pieces over the same span, so never chosen.
 *
 * The normalizer is the spm's own (its precompiled nmt_nfkc charsmap, which Python tokenizers
 * applies exactly and Transformers.js approximates with the same rules), plus the spm's
 * remove_extra_whitespaces (runs of spaces collapsed, ends stripped).
 */
export function marianTokenizerJson(source: SentencePieceModel, vocab: Record<string, number>, special: MarianSpecialTokens, file = 'vocab.json'): MarianTokenizerJson {
  if (source.modelType !== 1) throw new CheckpointError(`source.spm is a ${['', 'unigram', 'BPE', 'word', 'char'][source.modelType] ?? 'unknown'} SentencePiece model; da2en converts unigram models (all Opus-MT ones)`);
  const entries = Object.entries(vocab);
  const n = entries.length;
  const pieces = new Array<string | undefined>(n);
  for (const [piece, id] of entries) {
    if (!Number.isInteger(id) || id < 0 || id >= n) throw new CheckpointError(`${file}: id ${id} of "${piece}" is outside 0…${n - 1}`);
    if (pieces[id] !== undefined) throw new CheckpointError(`${file}: id ${id} is used twice ("${pieces[id]}", "${piece}")`);
    pieces[id] = piece;
  }
  const idOf = (token: string, role: string) => {
    const id = vocab[token];
    if (id === undefined) throw new CheckpointError(`${file} has no ${role} token "${token}"`);
    return id;
  };
  const ids = { eos: idOf(special.eos, 'end-of-sentence'), unk: idOf(special.unk, 'unknown'), pad: idOf(special.pad, 'padding') };

  const spmScores = new Map<string, number>();
  for (const p of source.pieces) if (p.type === PieceType.Normal || p.type === PieceType.UserDefined) spmScores.set(p.piece, p.score);
  let spmMin = 0;
  for (const s of spmScores.values()) spmMin = Math.min(spmMin, s);
  const unknownChar = spmMin - 10; // SentencePiece's kUnkPenalty

  let targetOnly = 0;
  const specials = new Set([ids.eos, ids.unk, ids.pad]);
  const unigram: [string, number][] = pieces.map((piece, id) => {
    const p = piece!;
    if (specials.has(id)) return [p, 0];
    const score = spmScores.get(p);
    if (score !== undefined) return [p, score];
    targetOnly++;
    const chars = [...p].length;
    return [p, chars === 1 ? unknownChar : (chars + 1) * unknownChar - 1];
  });

  const added = (id: number) => ({ id, content: pieces[id]!, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const metaspace = { type: 'Metaspace', replacement: '\u2581', add_prefix_space: true, prepend_scheme: 'always', split: true };
  const normalizers: object[] = [];
  if (source.normalizer.charsmap.length > 0) normalizers.push({ type: 'Precompiled', precompiled_charsmap: Buffer.from(source.normalizer.charsmap).toString('base64') });
  if (source.normalizer.removeExtraWhitespaces) normalizers.push({ type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }, { type: 'Strip', strip_left: true, strip_right: true });
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...specials].sort((a, b) => a - b).map(added),
    normalizer: { type: 'Sequence', normalizers },
    pre_tokenizer: metaspace,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: special.eos, type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: special.eos, type_id: 0 } }],
      special_tokens: { [special.eos]: { id: special.eos, ids: [ids.eos], tokens: [special.eos] } },
    },
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: ids.unk, vocab: unigram, byte_fallback: false },
  };
  return { json, ids, vocabSize: n, targetOnly };
}
