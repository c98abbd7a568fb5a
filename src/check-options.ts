/**
 * The numbers a library caller gives the translation, checked where they enter (translateArticle,
 * translateParagraphStream, translateDocument, segmentForTranslator): a bad one is a usage error
 * naming the option, never a RangeError from deep inside, a p-queue TypeError or a NaN window that
 * never closes. Whole numbers only, as the CLI's options for the same counts
 * (src/cli/number-options.ts). The engine's dtype and beams: src/engine/check-dtype.ts.
 */
import { Da2enError } from './errors.js';

export interface TranslationNumbers {
  maxChunkTokens?: number;
  batchTokens?: number;
  maxBatchSize?: number;
  concurrency?: number;
  windowParagraphs?: number;
  windowChars?: number;
}

/** Whether Infinity means something: no limit (p-queue's own), one window over the whole input. */
const INFINITY_ALLOWED: Readonly<Record<keyof TranslationNumbers, boolean>> = {
  maxChunkTokens: false,
  batchTokens: false,
  maxBatchSize: false,
  concurrency: true,
  windowParagraphs: true,
  windowChars: true,
};

/** Throws a usage error for the first of `options`' numbers that is not a whole number from 1 up (or Infinity where it means no limit). */
export function checkTranslationNumbers(options: TranslationNumbers): void {
  for (const name of Object.keys(INFINITY_ALLOWED) as (keyof TranslationNumbers)[]) {
    const value: unknown = options[name];
    if (value === undefined) continue;
    const infinite = INFINITY_ALLOWED[name];
    if (infinite && value === Number.POSITIVE_INFINITY) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
      throw new Da2enError('usage', `${name} must be a whole number from 1 up${infinite ? ' (or Infinity: no limit)' : ''}, not ${shown}`);
    }
  }
}
