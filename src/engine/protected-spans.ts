/**
 * Text the model cannot spell reaches the English side unchanged.
 *
 * A Marian tokenizer maps a character outside its vocabulary to `<unk>` (SentencePiece without
 * byte fallback: ğ, Ł, š in names, symbols, emoji), and decoding drops it: "Erdoğan" came back as
 * "Erdoan". Its normaliser (nmt_nfkc in the real model, NFKC in the builder's) also folds
 * compatibility characters into ones that mean something else: "½" became "1⁄2" and then "12",
 * "m²" became "m2", and a non-breaking hyphen (U+2011 → U+2010, not in the vocabulary) vanished
 * from "4‑5 mio.".
 *
 * So before tokenizing, each run of such characters is replaced by one placeholder the tokenizer
 * reads as a single `<unk>` (a private-use character: no vocabulary has it and NFKC keeps it), and
 * the run is remembered. Where the model writes `<unk>` (Opus-MT's training text had it on both
 * sides, so a trained model often copies it; the builder's echo model copies every token), each
 * `<unk>` of the output gets the source's runs back in order. Where it does not, a word of the
 * output that is the source word less its runs ("Erdoan" for "Erdoğan") gets the source word back.
 * A run still missing is reported (`unrestored`), for QA to flag. Hyphens U+2010/U+2011 become
 * "-", which means the same and every vocabulary has.
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';

/** Replacements that keep the meaning and give the model characters it knows. */
const SAME_MEANING: Readonly<Record<string, string>> = { '\u2010': '-', '\u2011': '-' };

/** Private-use characters tried as the placeholder (the first the tokenizer reads as `<unk>`). */
const PLACEHOLDERS = ['\uE000', '\uE001', '\uF8FF'];

/**
 * Whether NFKC (the tokenizer's normalisation) would change what `ch` means: fractions (½ → 1⁄2),
 * superscripts and subscripts (² → 2, ⁻ → -), other number forms (① → 1, ㎡ → m2), modifier letters
 * (ʰ → h) and ordinal indicators (ª º). Ligatures, full-width forms, ™, … keep their meaning and are
 * left to the tokenizer.
 */
export function compatibilityChangesMeaning(ch: string): boolean {
  const folded = ch.normalize('NFKC');
  if (folded === ch) return false;
  if (/^[\p{No}\p{Lm}\u00aa\u00ba\u2070-\u209f]/u.test(ch)) return true;
  // A character that is not a digit but folds into digits (㎡, ㏠, ⒈) changes what the number says.
  return /\p{Nd}/u.test(folded) && !/^\p{Nd}/u.test(ch);
}

/** The source side of one input: what the tokenizer gets, and the runs taken out of it. */
export interface GuardedText {
  text: string;
  /** The protected runs, in order; each stands at one placeholder (one `<unk>`) in `text`. */
  spans: string[];
  /** For each run: the source word it stands in, and that word without its runs (as a model that drops `<unk>` writes it). */
  words: { word: string; without: string }[];
}

export interface RestoredText {
  text: string;
  /** Protected runs of the source that no `<unk>` in the output brought back. */
  unrestored: string[];
}

export class ProtectedSpans {
  private readonly verdicts = new Map<string, boolean>();

  private constructor(
    /** Whether the tokenizer has `ch` (it does not map it to `<unk>`). */
    private readonly knows: (ch: string) => boolean,
    private readonly placeholder: string,
    /** Special tokens' strings ("<unk>", "</s>", "<pad>"): as text they would become the token itself. */
    private readonly specialStrings: readonly string[],
    private readonly unkToken: string,
  ) {}

  /** For a Transformers.js tokenizer; null when it has no `<unk>` (nothing to protect from). */
  static forTokenizer(tokenizer: PreTrainedTokenizer): ProtectedSpans | null {
    const unkId = tokenizer.unk_token_id;
    const unkToken = tokenizer.unk_token;
    if (unkId === undefined || unkId === null || !unkToken) return null;
    const ids = (text: string) => tokenizer.encode(text, { add_special_tokens: false }) as number[];
    const knows = (ch: string) => !ids(ch).includes(unkId);
    const placeholder = PLACEHOLDERS.find((p) => ids(p).filter((id) => id === unkId).length === 1 && ids(`a${p}a`).filter((id) => id === unkId).length === 1);
    if (!placeholder) return null;
    const specials = tokenizer.all_special_tokens.filter((s) => s.length > 1);
    return new ProtectedSpans(knows, placeholder, specials, unkToken);
  }

  /** For tests: a tokenizer described by what it knows. */
  static fromPredicate(knows: (ch: string) => boolean, options: { placeholder?: string; specialStrings?: string[]; unkToken?: string } = {}): ProtectedSpans {
    return new ProtectedSpans(knows, options.placeholder ?? PLACEHOLDERS[0]!, options.specialStrings ?? ['<unk>', '</s>', '<pad>'], options.unkToken ?? '<unk>');
  }

  private protects(ch: string): boolean {
    let verdict = this.verdicts.get(ch);
    if (verdict === undefined) {
      verdict = /\s/u.test(ch) ? false : compatibilityChangesMeaning(ch) || !this.knows(ch);
      if (this.verdicts.size < 100_000) this.verdicts.set(ch, verdict);
    }
    return verdict;
  }

  /** What to tokenize instead of `text`. NFC first: a letter and its accent are one character where Unicode has one. */
  guard(text: string): GuardedText {
    const source = text.normalize('NFC');
    const spans: string[] = [];
    const at: [number, number][] = []; // where each run is in `source`
    let out = '';
    let run = '';
    let runStart = 0;
    const flush = (end: number) => {
      if (run === '') return;
      spans.push(run);
      at.push([runStart, end]);
      out += this.placeholder;
      run = '';
    };
    for (let i = 0; i < source.length; ) {
      const special = source.charCodeAt(i) === 0x3c /* < */ ? this.specialStrings.find((s) => source.startsWith(s, i)) : undefined;
      if (special) {
        if (run === '') runStart = i;
        run += special;
        i += special.length;
        continue;
      }
      const ch = String.fromCodePoint(source.codePointAt(i)!);
      const same = SAME_MEANING[ch];
      if (same !== undefined) {
        flush(i);
        out += same;
      } else if (this.protects(ch) || (run !== '' && /^[\p{Cf}\p{M}]/u.test(ch))) {
        // A joiner, variation selector or mark right after a run belongs to it: "👨‍👩‍👧" and "❤️" stay whole
        // (the normaliser would turn the zero-width joiner into a space).
        if (run === '') runStart = i;
        run += ch;
      } else {
        flush(i);
        out += ch;
      }
      i += ch.length;
    }
    flush(source.length);
    return { text: out, spans, words: at.map(([start, end]) => wordAround(source, start, end, at)) };
  }

  /**
   * The output decoded with its `<unk>` tokens kept as text: each, in order, becomes the next run of
   * the source; `<unk>`s beyond the runs are dropped (as decoding always did). Runs left over: a
   * whole word of the output equal to the source word less its runs gets the source word back.
   */
  restore(decodedWithUnk: string, guarded: Pick<GuardedText, 'spans' | 'words'>): RestoredText {
    const { spans, words } = guarded;
    let next = 0;
    let text = decodedWithUnk.split(this.unkToken).reduce((acc, part, i) => (i === 0 ? part : acc + (spans[next++] ?? '') + part), '');
    const unrestored: string[] = [];
    const repaired = new Set<string>();
    for (let i = Math.min(next, spans.length); i < spans.length; i++) {
      const { word, without } = words[i] ?? { word: '', without: '' };
      if (repaired.has(word)) continue;
      // Only a word with letters left: "2" for "2½" could be any 2 of the output.
      if (without.length >= 2 && /\p{L}/u.test(without)) {
        const found = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(without)}(?![\\p{L}\\p{N}])`, 'u');
        if (found.test(text)) {
          text = text.replace(found, () => word);
          repaired.add(word);
          continue;
        }
      }
      unrestored.push(spans[i]!);
    }
    return { text, unrestored };
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The word (between whitespace, less punctuation at its ends) that holds source[start, end), and
 * that word with every protected run in it taken out.
 */
function wordAround(source: string, start: number, end: number, runs: readonly [number, number][]): { word: string; without: string } {
  let from = start;
  while (from > 0 && !/\s/u.test(source[from - 1]!)) from--;
  let to = end;
  while (to < source.length && !/\s/u.test(source[to]!)) to++;
  // Punctuation at the ends is not part of the word ("Košice." → "Košice"), unless it is the run.
  while (from < start && /\p{P}/u.test(source[from]!)) from++;
  while (to > end && /\p{P}/u.test(source[to - 1]!)) to--;
  let without = '';
  let i = from;
  for (const [a, b] of runs) {
    if (b <= from || a >= to) continue;
    without += source.slice(i, a);
    i = b;
  }
  without += source.slice(i, to);
  return { word: source.slice(from, to), without };
}
