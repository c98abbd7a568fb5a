/**
 * The numbers a library caller gives the translation, checked where they enter (translateArticle,
 * translateParagraphStream, translateDocument, segmentForTranslator): a bad one is a usage error
 * naming the option, never a RangeError from deep inside, a p-queue TypeError or a NaN window that
 * never closes. Whole numbers only, as the CLI's options for the same counts
 * (src/cli/number-options.ts). The engine's dtype and beams: src/engine/check-dtype.ts; the fetcher's
 * limits: checkFetchNumbers.
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

/** The most milliseconds a Node timer holds: a longer one fires at once (TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface FetchNumbers {
  timeoutMs?: number;
  connectTimeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
}

/**
 * Throws a usage error for the first of fetchPage's numbers out of range. Times may have decimals
 * (the fetcher rounds them up: a CLI's 2.01 s is 2009.999… ms); NaN, a negative or an endless time
 * would otherwise be a RangeError from AbortSignal.timeout, and a NaN size or redirect count no limit at all.
 */
export function checkFetchNumbers(options: FetchNumbers): void {
  const fail = (name: string, wanted: string, value: unknown) => {
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw new Da2enError('usage', `${name} must be ${wanted}, not ${shown}`);
  };
  for (const name of ['timeoutMs', 'connectTimeoutMs'] as const) {
    const value: unknown = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value > 0 && value <= MAX_TIMER_MS)) fail(name, `a number of milliseconds above 0, at most ${MAX_TIMER_MS}`, value);
  }
  const { maxBytes, maxRedirects }: { maxBytes?: unknown; maxRedirects?: unknown } = options;
  if (maxBytes !== undefined && (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes < 1)) fail('maxBytes', 'a whole number from 1 up', maxBytes);
  if (maxRedirects !== undefined && (typeof maxRedirects !== 'number' || !Number.isSafeInteger(maxRedirects) || maxRedirects < 0)) fail('maxRedirects', 'a whole number from 0 up', maxRedirects);
}
