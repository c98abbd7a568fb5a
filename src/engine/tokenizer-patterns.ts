/**
 * Refuses a tokenizer.json whose regular expressions could hold the thread that tokenizes for an
 * unbounded or very long time (regex-backtracking.ts says which and why), before the tokenizer is made.
 */
import { Da2enError } from '../errors.js';
import { unboundedBacktracking } from './regex-backtracking.js';

/**
 * Every `pattern: { Regex }` outside the `model` section, with where it is (`normalizer.normalizers[3]`).
 * Transformers.js reads patterns in the normalizer, pre-tokenizer and decoder; the model section (the
 * vocabulary: tens of thousands of entries) has none in any tokenizer type, so it is not walked.
 * The walk keeps its own stack: a deeply nested file must not overflow the call stack.
 */
function regexPatterns(tokenizerJson: Record<string, unknown>): { where: string; regex: string }[] {
  const found: { where: string; regex: string }[] = [];
  const stack: [string, unknown][] = Object.entries(tokenizerJson).filter(([key]) => key !== 'model');
  while (stack.length > 0) {
    const [where, value] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    const regex = (value as { pattern?: { Regex?: unknown } }).pattern?.Regex;
    if (typeof regex === 'string') found.push({ where, regex });
    if (Array.isArray(value)) value.forEach((item, i) => stack.push([`${where}[${i}]`, item]));
    else for (const [key, item] of Object.entries(value)) stack.push([`${where}.${key}`, item]);
  }
  return found;
}

/** At most `max` characters of `text`, the cut marked (a hostile file's names and patterns can be long). */
function shortened(text: string, max: number, keep: 'start' | 'end'): string {
  if (text.length <= max) return text;
  return keep === 'start' ? `${text.slice(0, max)}…` : `…${text.slice(-max)}`;
}

/** Throws a model-corrupt error naming the first pattern that could take too long. */
export function checkTokenizerPatterns(tokenizerJson: Record<string, unknown>): void {
  for (const { where, regex } of regexPatterns(tokenizerJson)) {
    const why = unboundedBacktracking(regex);
    if (why === undefined) continue;
    const what = `${shortened(where, 100, 'end')}: ${shortened(JSON.stringify(regex), 100, 'start')}: ${shortened(why, 100, 'start')}`;
    throw new Da2enError(
      'model-corrupt',
      `model file tokenizer.json holds a regular expression that can take too long on some texts (${what}); da2en does not run it: use a Marian model's own tokenizer.json (rebuild or re-copy the model directory)`,
    );
  }
}
