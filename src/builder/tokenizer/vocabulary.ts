/**
 * A SentencePiece-style Unigram vocabulary made from word lists instead of a training corpus.
 *
 * Opus-MT's shared Danish+English vocabulary holds frequent whole words ("▁regeringen"), word
 * beginnings and endings that compounds and inflections are built from ("▁regerings", "soldater",
 * "erne"), and single characters as a fallback. We approximate that from word types: whole words
 * (frequent ones first), prefixes and suffixes counted over the word list, compound parts, and
 * characters. Scores are log-probabilities of made-up counts, chosen so that Viterbi segmentation
 * prefers one known piece over two, and two over many characters.
 */

export const SPECIAL = { eos: '</s>', unk: '<unk>', pad: '<pad>' } as const;
const SPACE = '▁';

export interface WordSource {
  /** Words a real corpus would see very often: always whole pieces, capitalised too. */
  common: string[];
  /** Everything else, in order of preference. */
  words: string[];
}

export interface Vocabulary {
  /** [piece, score]; id = index. `</s>` = 0, `<unk>` = 1, `<pad>` = last. */
  pieces: [string, number][];
}

const PUNCTUATION = Array.from('.,;:!?-–—()[]{}"\'«»„“”‘’/\\&%$€£§@#*+=<>|_~^`…°²³½¼¾×');
const DIGITS = Array.from('0123456789');

function clean(words: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of words) {
    const w = raw.normalize('NFKC').trim();
    if (!w || w.length > 24 || !/^[\p{L}\p{N}'-]+$/u.test(w) || seen.has(w)) continue;
    seen.add(w);
    out.push(w);
  }
  return out;
}

function capitalise(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** `size`: the exact vocabulary size, or null for as many pieces as the words give. */
export function buildVocabulary(source: WordSource, size: number | null): Vocabulary {
  const common = clean([...source.common, ...source.common.map(capitalise)]);
  const words = clean(source.words);
  const budget = size === null ? Number.MAX_SAFE_INTEGER : size - 3; // </s>, <unk>, <pad>
  const chosen = new Map<string, number>();
  const add = (piece: string, score: number) => {
    if (chosen.size < budget && !chosen.has(piece)) chosen.set(piece, score);
  };

  // 1. Characters, word-initial and inside a word: nothing is ever <unk> for known scripts.
  const chars = new Set<string>([...PUNCTUATION, ...DIGITS]);
  for (const w of [...common, ...words]) for (const c of w) chars.add(c);
  for (const c of [...chars].sort()) {
    add(SPACE + c, -18);
    add(c, -19);
  }
  add(SPACE, -17);

  // 2. Frequent words, whole (and the digits of years and numbers as short pieces).
  for (const [i, w] of common.entries()) add(SPACE + w, -6 - Math.log1p(i) / 4);
  for (const n of ['00', '000', '10', '20', '19', '201', '202', '199']) add(n, -12);

  // 3. Affixes counted over all word types: the pieces inflection and compounding reuse.
  const prefixes = new Map<string, number>();
  const suffixes = new Map<string, number>();
  for (const w of [...common, ...words]) {
    const lower = w.toLowerCase();
    for (let k = 2; k <= Math.min(9, lower.length - 1); k++) prefixes.set(lower.slice(0, k), (prefixes.get(lower.slice(0, k)) ?? 0) + 1);
    for (let k = 2; k <= Math.min(7, lower.length - 1); k++) suffixes.set(lower.slice(-k), (suffixes.get(lower.slice(-k)) ?? 0) + 1);
  }
  const ranked = (m: Map<string, number>) => [...m.entries()].filter(([, n]) => n >= 3).sort((a, b) => b[1] * b[0].length - a[1] * a[0].length || (a[0] < b[0] ? -1 : 1));
  const affixBudget = size === null ? 400 : Math.floor(budget * 0.3);
  const topPrefixes = ranked(prefixes).slice(0, Math.floor(affixBudget / 2));
  const topSuffixes = ranked(suffixes).slice(0, Math.floor(affixBudget / 2));
  const total = [...prefixes.values()].reduce((a, b) => a + b, 0) || 1;
  for (const [p, n] of topPrefixes) add(SPACE + p, Math.log(n / total) - 4);
  for (const [s, n] of topSuffixes) add(s, Math.log(n / total) - 4);

  // 4. Whole words, short (more frequent) first; about a fifth of the rest as compound parts too.
  const byLength = [...words].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  const partBudget = size === null ? words.length : Math.floor((budget - chosen.size) * 0.2);
  let parts = 0;
  for (const w of byLength) {
    if (chosen.size >= budget) break;
    add(SPACE + w, -10 - w.length / 10);
    if (parts < partBudget && w.length >= 4 && w === w.toLowerCase()) {
      add(w, -11 - w.length / 10);
      parts++;
    }
  }
  // Small word lists (the tiny preset) leave room: capitalised forms fill it.
  for (const w of byLength) {
    if (chosen.size >= budget) break;
    add(SPACE + capitalise(w), -12 - w.length / 10);
  }

  // Without system word lists the full-size preset still needs its exact size: letter pairs fill it.
  const letters = Array.from('abcdefghijklmnopqrstuvwxyzæøå');
  for (let n = 2; size !== null && chosen.size < budget && n <= 4; n++) {
    const grams = (k: number): string[] => (k === 0 ? [''] : grams(k - 1).flatMap((g) => letters.map((l) => g + l)));
    for (const g of grams(n)) {
      if (chosen.size >= budget) break;
      add(g, -16 - n);
    }
  }

  const pieces: [string, number][] = [[SPECIAL.eos, 0], [SPECIAL.unk, 0], ...chosen.entries(), [SPECIAL.pad, 0]];
  return { pieces };
}
