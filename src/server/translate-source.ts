/**
 * A segmented document through the shared scheduler: its chunks join the one queue, and its
 * paragraphs are reassembled in source order, each reported as soon as it and every paragraph
 * before it are done (so a client can render the article top to bottom as it arrives).
 */
import type { BilingualParagraph, SourceDocument, TranslatedChunk } from '../document/types.js';
import { pairParagraph, passesThrough } from '../pipeline/translate-document.js';
import type { ChunkInput, SentenceScheduler } from './scheduler.js';

export interface SourceTranslation {
  paragraphs: BilingualParagraph[];
  /** Model calls that carried at least one of this document's sentences. */
  modelCalls: number;
}

export interface TranslateSourceOptions {
  signal?: AbortSignal;
  onParagraph?: (paragraph: BilingualParagraph) => void;
}

/** Several documents (one request) as one job, so they share the request's place in the queue. */
export async function translateSources(docs: readonly SourceDocument[], scheduler: SentenceScheduler, options: TranslateSourceOptions = {}): Promise<{ documents: BilingualParagraph[][]; modelCalls: number }> {
  const results = docs.map((d) => d.paragraphs.map((p) => new Array<TranslatedChunk>(p.chunks.length)));
  const remaining = docs.map((d) => d.paragraphs.map((p) => p.chunks.length));
  const slots: { doc: number; paragraph: number; chunk: number }[] = [];
  const inputs: ChunkInput[] = [];
  docs.forEach((d, di) =>
    d.paragraphs.forEach((p, pi) =>
      p.chunks.forEach((c, ci) => {
        if (!passesThrough(p, c.text)) {
          slots.push({ doc: di, paragraph: pi, chunk: ci });
          inputs.push({ text: c.text, tokens: c.tokens });
        } else {
          results[di]![pi]![ci] = { ...c, target: c.text, origin: 'passthrough' };
          remaining[di]![pi]!--;
        }
      }),
    ),
  );

  const build = (di: number, pi: number): BilingualParagraph => {
    return pairParagraph(docs[di]!.paragraphs[pi]!, results[di]![pi]!);
  };
  // Paragraphs are announced in order: `next[d]` is the first paragraph of doc d not yet announced.
  const next = docs.map(() => 0);
  const announce = (di: number) => {
    if (!options.onParagraph) return;
    const rem = remaining[di]!;
    while (next[di]! < rem.length && rem[next[di]!] === 0) options.onParagraph(build(di, next[di]!++));
  };
  docs.forEach((_, di) => announce(di));

  const { modelCalls } = await scheduler.submit(inputs, {
    ...(options.signal ? { signal: options.signal } : {}),
    onChunk: (i, out) => {
      const slot = slots[i]!;
      const source = docs[slot.doc]!.paragraphs[slot.paragraph]!.chunks[slot.chunk]!;
      results[slot.doc]![slot.paragraph]![slot.chunk] = { ...source, target: out.target, origin: out.origin, ...(out.flags.length ? { flags: out.flags } : {}) };
      remaining[slot.doc]![slot.paragraph]!--;
      announce(slot.doc);
    },
  });
  return { documents: docs.map((d, di) => d.paragraphs.map((_, pi) => build(di, pi))), modelCalls };
}

export async function translateSource(doc: SourceDocument, scheduler: SentenceScheduler, options: TranslateSourceOptions = {}): Promise<SourceTranslation> {
  const { documents, modelCalls } = await translateSources([doc], scheduler, options);
  return { paragraphs: documents[0]!, modelCalls };
}
