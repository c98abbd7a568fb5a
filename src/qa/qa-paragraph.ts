/**
 * Automatic checks on one translated paragraph. Pure: text in, findings out.
 *
 * Rules, in the order their findings are listed:
 * - `empty`: the source has non-whitespace text and the target has none. When it fires, the
 *   unrestored, untranslated, length and number rules are skipped (they would only repeat it).
 *   Also when the target has text but sentences of the source came back empty
 *   (`opts.emptyChunks`): they are missing from it, which the length rule alone may not see.
 * - `guard`: a runaway-decoding guard fired on a chunk of the paragraph (`opts.guardFlags`),
 *   one finding per distinct guard name.
 * - `unrestored`: text of the source the model could not spell (its tokenizer's `<unk>`: ğ, Ł, ½ …)
 *   did not come back in the translation: a chunk carries `unrestored:<text>` (src/engine/
 *   protected-spans.ts) and the text is not in the target. One finding per distinct text.
 * - `untranslated`: the source has letters and at least `untranslatedMinWords` words, and the
 *   target equals it or nearly (similarity ≥ `untranslatedSimilarity` after lower-casing and
 *   collapsing whitespace; similarity = 1 − edit distance / longer length). The word minimum
 *   keeps names and short headings, which legitimately stay the same, out.
 * - `length-ratio`: for a source of at least `minChars` characters (trimmed, code points), the
 *   target/source length ratio is outside [`minRatio`, `maxRatio`].
 * - `missing-number`: each number of the source not found in the target, with Danish and
 *   English number formats reconciled (see numbers.ts).
 * - `number-format` in its place: the number is there, but copied in Danish format ("3.850" for
 *   3850, "2,5" for 2.5), which an English reader takes for another number (3.85; 2 and 5 or 25).
 */
import { UNRESTORED_FLAG, type QaFinding } from '../document/types.js';
import { danishFormatCopied, missingNumbers, type SourceNumber } from './numbers.js';
import { normaliseForCompare, similarity } from './similarity.js';

export interface QaOptions {
  /** Length-ratio rule applies to sources at least this long (default 20). */
  minChars?: number;
  /** Lowest acceptable target/source length ratio (default 0.5). */
  minRatio?: number;
  /** Highest acceptable target/source length ratio (default 2.0). */
  maxRatio?: number;
  /** Similarity at or above which the target counts as untranslated (default 0.9). */
  untranslatedSimilarity?: number;
  /** Untranslated rule applies to sources with at least this many words (default 3). */
  untranslatedMinWords?: number;
  /** Flags of the paragraph's chunks: runaway guards that fired, and `unrestored:<text>`. */
  guardFlags?: readonly string[];
  /** Chunks (sentences) of the source with letters whose translation is empty. */
  emptyChunks?: readonly string[];
}

export const QA_DEFAULTS: Required<Omit<QaOptions, 'guardFlags' | 'emptyChunks'>> = {
  minChars: 20,
  minRatio: 0.5,
  maxRatio: 2.0,
  untranslatedSimilarity: 0.9,
  untranslatedMinWords: 3,
};

const cpLength = (s: string): number => Array.from(s).length;

function describeNumber(n: SourceNumber): string {
  switch (n.kind) {
    case 'time':
    case 'hour': {
      const { h, m } = n.time!;
      return `time "${n.raw}" (${h}:${String(m).padStart(2, '0')})`;
    }
    case 'date':
      return `date "${n.raw}"`;
    case 'ordinal':
      return `ordinal "${n.raw}" (${n.values[0]})`;
    case 'percent':
      return `percentage "${n.raw}" (${n.values[0]}%)`;
    case 'scaled':
      return `number "${n.raw}" (${n.values[0]})`;
    case 'other':
      return `number "${n.raw}"`;
    default:
      return String(n.values[0]) === n.raw ? `number "${n.raw}"` : `number "${n.raw}" (${n.values[0]})`;
  }
}

function formatRatio(x: number): string {
  return (Math.round(x * 100) / 100).toString();
}

export function qaParagraph(source: string, target: string, opts: QaOptions = {}): QaFinding[] {
  const o = { ...QA_DEFAULTS, ...opts };
  const findings: QaFinding[] = [];
  const src = source.trim();
  const tgt = target.trim();
  if (src === '') return findings;

  if (tgt === '') {
    findings.push({ kind: 'empty', message: 'The translation is empty but the source is not.' });
  } else if (opts.emptyChunks && opts.emptyChunks.length > 0) {
    const [first, ...more] = opts.emptyChunks;
    const shown = cpLength(first!) > 60 ? `${Array.from(first!).slice(0, 59).join('')}…` : first!;
    findings.push({
      kind: 'empty',
      message:
        more.length === 0
          ? `The sentence "${shown}" came back empty: it is missing from the translation.`
          : `The sentence "${shown}" and ${more.length} more came back empty: they are missing from the translation.`,
    });
  }

  const flags = new Set(opts.guardFlags ?? []);
  for (const flag of flags) {
    if (flag.startsWith(UNRESTORED_FLAG)) continue;
    findings.push({ kind: 'guard', message: `Decoding guard "${flag}" fired; the translation may be cut short or repetitive.` });
  }
  if (tgt === '') return findings;

  for (const flag of flags) {
    const text = flag.slice(UNRESTORED_FLAG.length);
    if (!flag.startsWith(UNRESTORED_FLAG) || tgt.includes(text)) continue;
    findings.push({ kind: 'unrestored', message: `The source's "${text}" (which the model cannot spell: <unk>) is missing from the translation.` });
  }

  // untranslated
  const words = src.split(/\s+/u).filter((w) => /\p{L}/u.test(w));
  if (/\p{L}/u.test(src) && words.length >= o.untranslatedMinWords) {
    const a = normaliseForCompare(src);
    const b = normaliseForCompare(tgt);
    const la = cpLength(a);
    const lb = cpLength(b);
    // Edit-distance similarity can't exceed shorter/longer, so skip hopeless pairs cheaply.
    if (Math.min(la, lb) / Math.max(la, lb) >= o.untranslatedSimilarity) {
      const sim = similarity(a, b);
      if (sim >= o.untranslatedSimilarity) {
        findings.push({
          kind: 'untranslated',
          message:
            a === b
              ? 'The translation is identical to the source.'
              : `The translation is nearly identical to the source (${Math.round(sim * 100)}% similar).`,
        });
      }
    }
  }

  // length ratio
  const ls = cpLength(src);
  if (ls >= o.minChars) {
    const ratio = cpLength(tgt) / ls;
    if (ratio < o.minRatio || ratio > o.maxRatio) {
      findings.push({
        kind: 'length-ratio',
        message: `The translation is ${formatRatio(ratio)}× the length of the source (expected ${o.minRatio}–${o.maxRatio}×).`,
      });
    }
  }

  // numbers
  for (const n of missingNumbers(src, tgt)) {
    const english = danishFormatCopied(n, tgt);
    findings.push(
      english === null
        ? { kind: 'missing-number', message: `The source ${describeNumber(n)} is not in the translation.` }
        : {
            kind: 'number-format',
            message: `The source ${describeNumber(n)} is in the translation in Danish format, which reads as a different number in English; in English it is "${english}".`,
          },
    );
  }

  return findings;
}
