/**
 * The key under which the translation memory remembers that an input was translated to the end: its
 * content and every setting that shapes its segments or their translations. Anything different (one
 * word of the article, the model, --beams, --max-chunk-tokens, …) gives another key, so a remembered
 * input is one whose segments the memory very likely holds, and only then does the CLI defer starting
 * the model: a new input needs the model anyway, and starting it up front, while the tokenizer loads,
 * saves the tokenizer's load time.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal settings always give the same text. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined && typeof v !== 'function')
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** `content`: the input as it will be translated, or a digest of it (a large file is hashed as it is scanned). */
export function finishedInputKey(content: string, settings: Record<string, unknown>): string {
  return createHash('sha256').update(content).update('\0').update(JSON.stringify(canonical(settings))).digest('hex');
}
