import { existsSync, readFileSync } from 'node:fs';
import { COMMON_DANISH, COMMON_ENGLISH } from '../vocab/common-words.js';
import { TINY_EXTRA_WORDS } from '../vocab/tiny-words.js';
import { learnBpe } from './bpe.js';

export const META = '\u2581'; // ▁, SentencePiece's word-boundary mark

/** The special tokens, as in Opus-MT: </s> = id 0, <unk> = id 1, <pad> = the last id. */
export const SPECIAL = { eos: '</s>', unk: '<unk>', pad: '<pad>' } as const;
const SPECIAL_COUNT = 3;

export type VocabSource = 'tiny' | 'system';

export interface VocabOptions {
  source: VocabSource;
  /** Total vocabulary size including the 3 special tokens; undefined = whatever the source supports up to `maxSize`. */
  size?: number;
  maxSize?: number;
  /** Override the system word-list paths (tests use this to simulate missing lists). */
  wordLists?: { danish: string[]; english: string[] };
}

export interface Vocabulary {
  /** [piece, Unigram log-probability]; id = index: </s>, <unk>, the pieces best first, <pad>. */
  pieces: [string, number][];
  /** The system word lists that were read. */
  wordLists: string[];
  /** Human-readable notes for the build report (e.g. a missing word list). */
  notes: string[];
}

export const DEFAULT_WORD_LISTS = {
  danish: ['/usr/share/dict/danish'],
  english: ['/usr/share/dict/british-english'],
};

/** Characters that must always be pieces, whatever the word lists contain: Danish/English text, digits, punctuation. */
const BASE_CHARS = (() => {
  const chars: string[] = [];
  for (let c = 0x21; c < 0x7f; c++) chars.push(String.fromCharCode(c));
  for (let c = 0xa1; c <= 0xff; c++) if (c !== 0xad) chars.push(String.fromCharCode(c));
  chars.push(...'–—‘’‚“”„…•€′″«»‹›−×÷'.split(''), META);
  return chars;
})();

/** Openers that SentencePiece usually learns glued to the word-boundary mark. */
const BOUNDARY_PUNCT = ['(', '"', '“', '„', '«', "'", '-', '–', '[', '§', '€', '$', '£', '%', '&', '+', '/'];

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

function capitalize(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** Accepts word-list entries made of letters (any script), digits, hyphens, apostrophes and dots. */
const WORD_RE = /^[\p{L}\p{M}][\p{L}\p{M}\d.-]*$/u;

function readList(paths: string[]): { words: string[]; used: string[] } {
  const out: string[] = [];
  const used: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) continue;
    used.push(p);
    for (const line of readFileSync(p, 'utf8').split('\n')) {
      // English lists carry possessives ("Denmark's"): keep the base word; "'s" is its own piece.
      const w = line.trim().normalize('NFKC').replace(/'s$/, '');
      if (w !== '' && WORD_RE.test(w)) out.push(w);
    }
  }
  return { words: out, used };
}

/**
 * Builds a shared Danish+English subword vocabulary with Unigram scores. Word types get
 * integer weights standing in for corpus frequency (frequent function words high, dictionary
 * entries low); BPE over them proposes the pieces; each piece's score is the log of its share
 * of the final segmentation.
 */
export function buildVocabulary(opts: VocabOptions): Vocabulary {
  const notes: string[] = [];
  const wordLists: string[] = [];
  const weights = new Map<string, number>();
  const add = (w: string, weight: number) => {
    const key = META + w;
    weights.set(key, Math.max(weights.get(key) ?? 0, weight));
  };

  for (const w of [...words(COMMON_DANISH), ...words(COMMON_ENGLISH)]) {
    add(w, 400);
    add(capitalize(w), 100);
  }
  for (const w of words(TINY_EXTRA_WORDS)) {
    add(w, 20);
    add(capitalize(w), 5);
  }
  // Numbers: small integers and years are whole pieces in Opus-MT's vocabulary too.
  for (let n = 0; n <= 100; n++) add(String(n), 20);
  for (let y = 1900; y <= 2030; y++) add(String(y), 10);

  if (opts.source === 'system') {
    const lists = opts.wordLists ?? DEFAULT_WORD_LISTS;
    const da = readList(lists.danish);
    const en = readList(lists.english);
    for (const w of da.words) add(w, 1);
    // English has a third as many entries; weight it up so the shared vocabulary is not all Danish.
    for (const w of en.words) add(w, 2);
    if (da.used.length === 0 || en.used.length === 0) {
      notes.push(
        `word list missing (${[...(da.used.length ? [] : lists.danish), ...(en.used.length ? [] : lists.english)].join(', ')}): ` +
          'vocabulary built from the built-in word lists only (smaller quality; install the Debian packages wdanish and wbritish)',
      );
    }
    wordLists.push(...da.used, ...en.used);
  }

  const corpusChars = new Set<string>();
  for (const w of weights.keys()) for (const ch of w) corpusChars.add(ch);
  const extraChars = BASE_CHARS.filter((c) => !corpusChars.has(c)).sort();
  const boundary = [...BOUNDARY_PUNCT.map((p) => META + p), "'s"].filter((p) => !weights.has(p));

  const target = opts.size ?? opts.maxSize ?? 8000;
  const budget = target - SPECIAL_COUNT - extraChars.length - boundary.length;
  if (budget < corpusChars.size) throw new Error(`vocabulary size ${target} is too small for ${corpusChars.size + extraChars.length} characters`);
  const bpe = learnBpe(weights, budget, 2);

  const total = bpe.counts.reduce((a, b) => a + b, 0);
  const score = (count: number) => Math.fround(Math.log(Math.max(count, 0.5) / total));
  const scored = new Map<string, number>();
  bpe.symbols.forEach((s, i) => scored.set(s, score(bpe.counts[i]!)));
  // Characters and glued punctuation that the lists never show still need a usable score.
  const charScore = score(1);
  for (const c of extraChars) scored.set(c, charScore);
  for (const p of boundary) scored.set(p, charScore);

  if (opts.size !== undefined && scored.size < opts.size - SPECIAL_COUNT) {
    // A full word list leaves a handful of slots (pairs seen once are not merged); without one, many.
    const missing = opts.size - SPECIAL_COUNT - scored.size;
    if (missing > opts.size / 100) notes.push(`only ${scored.size} pieces learned; ${missing} letter n-grams fill the fixed vocabulary size`);
    fillWithNgrams(scored, opts.size - SPECIAL_COUNT, score(0));
  }
  const ordered = [...scored].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const pieces: [string, number][] = [[SPECIAL.eos, 0], [SPECIAL.unk, 0], ...ordered, [SPECIAL.pad, 0]];
  return { pieces, wordLists, notes };
}

/** Deterministic filler so a fixed-size vocabulary can always be reached (only without word lists). */
function fillWithNgrams(scored: Map<string, number>, size: number, s: number): void {
  const letters = 'abcdefghijklmnopqrstuvwxyzæøå'.split('');
  let grams = letters;
  while (scored.size < size) {
    for (const g of grams) {
      for (const piece of [g, META + g]) {
        if (scored.size >= size) return;
        if (!scored.has(piece)) scored.set(piece, s);
      }
    }
    grams = grams.flatMap((g) => letters.map((l) => g + l));
  }
}
