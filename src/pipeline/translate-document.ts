import PQueue from 'p-queue';
import { checkTranslationNumbers } from '../check-options.js';
import { lostText, type BilingualParagraph, type SourceDocument, type SourceParagraph, type TranslatedChunk } from '../document/types.js';
import type { Translator } from '../engine/translator.js';
import { interruptedError } from '../errors.js';
import { isFootnoteReference } from '../segmentation/footnote-references.js';
import { planBatches, type BatchLimits } from './batching.js';
import { DEFAULT_BATCH_LIMITS, DEFAULT_CONCURRENCY } from './defaults.js';
import { lookupMemory, memoryKey, memoryKeyParts, sameKeyParts, type MemoryHit, type TranslationMemory } from './memory.js';

export interface PipelineProgress {
  paragraphsDone: number;
  paragraphsTotal: number;
  chunksDone: number;
  chunksTotal: number;
}

export interface PipelineOptions extends Partial<BatchLimits> {
  /**
   * Batches in flight at once (default: what the engine can run at the same time, else 1). More than
   * the engine's model processes only overlaps cache work and waiting.
   */
  concurrency?: number;
  signal?: AbortSignal;
  memory?: TranslationMemory;
  onProgress?: (progress: PipelineProgress) => void;
}

export interface PipelineStats {
  chunks: number;
  modelChunks: number;
  cachedChunks: number;
  passthroughChunks: number;
  modelCalls: number;
  targetTokens: number;
}

/** Stats of nothing translated yet. */
export function emptyPipelineStats(): PipelineStats {
  return { chunks: 0, modelChunks: 0, cachedChunks: 0, passthroughChunks: 0, modelCalls: 0, targetTokens: 0 };
}

/** Adds `more` into `total` (consecutive parts of one document). */
export function addPipelineStats(total: PipelineStats, more: PipelineStats): void {
  for (const k of Object.keys(more) as (keyof PipelineStats)[]) total[k] += more[k];
}

export { DEFAULT_BATCH_LIMITS, DEFAULT_CONCURRENCY };

/** Chunks with no letters (numbers, punctuation, symbols) are kept as they are: nothing to translate. */
export function needsTranslation(text: string): boolean {
  return /\p{L}/u.test(text);
}

interface Slot {
  paragraph: number;
  chunk: number;
  text: string;
  tokens: number;
}

/**
 * Translates every chunk of a document and reassembles the paragraphs in their original order.
 * Chunks from all paragraphs are batched together by length; results are written back by
 * position, so batching never changes which paragraph a translation belongs to.
 */
export async function translateDocument(
  doc: SourceDocument,
  translator: Translator,
  options: PipelineOptions = {},
): Promise<{ paragraphs: BilingualParagraph[]; stats: PipelineStats }> {
  checkTranslationNumbers(options);
  const limits: BatchLimits = {
    // The caller's limits, else what the engine measured best for itself, else the defaults.
    batchTokens: options.batchTokens ?? translator.batchLimits?.batchTokens ?? DEFAULT_BATCH_LIMITS.batchTokens,
    maxBatchSize: options.maxBatchSize ?? translator.batchLimits?.maxBatchSize ?? DEFAULT_BATCH_LIMITS.maxBatchSize,
  };
  const results: TranslatedChunk[][] = doc.paragraphs.map((p) => new Array<TranslatedChunk>(p.chunks.length));
  const remaining = doc.paragraphs.map((p) => p.chunks.length);
  const stats = emptyPipelineStats();
  const chunksTotal = doc.paragraphs.reduce((n, p) => n + p.chunks.length, 0);
  let chunksDone = 0;
  let paragraphsDone = doc.paragraphs.filter((p) => p.chunks.length === 0).length;

  const report = () =>
    options.onProgress?.({ paragraphsDone, paragraphsTotal: doc.paragraphs.length, chunksDone, chunksTotal });
  const settle = (slot: Slot, chunk: TranslatedChunk) => {
    results[slot.paragraph]![slot.chunk] = chunk;
    chunksDone++;
    if (--remaining[slot.paragraph]! === 0) paragraphsDone++;
  };

  const keyParts = memoryKeyParts(translator);
  const pending: Slot[] = [];
  const keys: string[] = [];
  doc.paragraphs.forEach((p, pi) =>
    p.chunks.forEach((c, ci) => {
      stats.chunks++;
      const slot = { paragraph: pi, chunk: ci, text: c.text, tokens: c.tokens };
      if (passesThrough(p, c.text)) {
        stats.passthroughChunks++;
        settle(slot, { ...c, target: c.text, origin: 'passthrough' });
      } else {
        pending.push(slot);
        keys.push(memoryKey(keyParts, c.text));
      }
    }),
  );

  const cached = options.memory ? await lookupMemory(options.memory, keys) : new Map<string, MemoryHit>();
  const toTranslate: { slot: Slot; key: string }[] = [];
  pending.forEach((slot, i) => {
    const hit = cached.get(keys[i]!);
    const source = doc.paragraphs[slot.paragraph]!.chunks[slot.chunk]!;
    if (hit !== undefined) {
      stats.cachedChunks++;
      settle(slot, { ...source, target: hit.target, origin: 'cache', ...(hit.flags.length ? { flags: hit.flags } : {}) });
    } else {
      toTranslate.push({ slot, key: keys[i]! });
    }
  });
  report();

  const batches = planBatches(
    toTranslate.map((t, id) => ({ id, tokens: t.slot.tokens })),
    limits,
  );
  const queue = new PQueue({ concurrency: options.concurrency ?? translator.concurrency ?? DEFAULT_CONCURRENCY });
  const { signal } = options;
  const jobs = batches.map((batch) =>
    queue.add(async () => {
        signal?.throwIfAborted();
        const items = batch.map((b) => toTranslate[b.id]!);
        const out = await translator.translateBatch(
          items.map((i) => i.slot.text),
          options.signal ? { signal: options.signal } : {},
        );
        stats.modelCalls++;
        items.forEach((item, i) => {
          const r = out[i]!;
          const source = doc.paragraphs[item.slot.paragraph]!.chunks[item.slot.chunk]!;
          stats.modelChunks++;
          stats.targetTokens += r.tokens;
          settle(item.slot, { ...source, target: r.text, origin: 'model', ...(r.flags.length ? { flags: r.flags } : {}) });
        });
        // Stored per batch, so an interrupted run keeps everything finished so far, with the guards
        // that fired (a re-run shows the same QA). A translation that lost text the model cannot
        // spell is not kept: a memory reader that drops flags would lose that QA finding. Keyed by
        // the settings as they are now: a model started by this batch may run on another engine than
        // the lookup expected (engine-in-memory-key.ts), and its text is that engine's.
        const storeParts = memoryKeyParts(translator);
        const sameParts = sameKeyParts(storeParts, keyParts);
        await options.memory?.store(
          items.flatMap((item, i) => {
            const r = out[i]!;
            const key = sameParts ? item.key : memoryKey(storeParts, item.slot.text);
            return lostText(r.flags) ? [] : [{ key, source: item.slot.text, target: r.text, ...(r.flags.length ? { flags: r.flags } : {}) }];
          }),
        );
        report();
      }),
  );
  // One listener for the whole queue (not one per job): on abort, drop what has not started.
  let stop = () => {};
  const aborted = new Promise<never>((_, reject) => {
    stop = () => {
      queue.clear();
      reject(signal?.reason);
    };
  });
  aborted.catch(() => {});
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await Promise.race([Promise.all(jobs), aborted]);
  } catch (err) {
    // Stopped, whether seen here first or by a batch (the engine throws the signal's reason): kind `interrupted`.
    throw signal?.aborted ? interruptedError(signal.reason) : err;
  } finally {
    signal?.removeEventListener('abort', stop);
    queue.clear();
  }

  const paragraphs = doc.paragraphs.map((p, pi) => pairParagraph(p, results[pi]!));
  return { paragraphs, stats };
}

/** Chunks shown as they are, never sent to the model: code, text without letters, a footnote reference. */
export function passesThrough(paragraph: Pick<SourceParagraph, 'kind'>, chunkText: string): boolean {
  return paragraph.kind === 'code' || !needsTranslation(chunkText) || isFootnoteReference(chunkText);
}

/** A source paragraph and its translated chunks as one bilingual paragraph, its structure kept. */
export function pairParagraph(p: SourceParagraph, chunks: TranslatedChunk[]): BilingualParagraph {
  const { index, kind, prefix, text, chunks: _source, ...structure } = p;
  return {
    index,
    kind,
    ...structure, // level, list, depth, lang, links, structured: what a marked-up input said
    prefix,
    source: text,
    target: prefix + joinTargets(chunks),
    chunks,
  };
}

/**
 * Joins chunk translations with the separators that stood between their sources. An empty
 * translation (a model may end at once) adds no separator of its own: the widest one around it
 * (a line break over a space over nothing) stands between its neighbours, and nothing is left
 * hanging at either end (a paragraph of two empty sentences was " ").
 */
export function joinTargets(chunks: readonly TranslatedChunk[]): string {
  const width = (gap: string) => (gap.includes('\n') ? 2 : gap === '' ? 0 : 1);
  let out = '';
  let gap = '';
  chunks.forEach((c, i) => {
    if (i > 0 && width(c.joinBefore) >= width(gap)) gap = c.joinBefore;
    if (c.target === '') return;
    out += (out === '' ? '' : gap) + c.target;
    gap = '';
  });
  return out;
}
