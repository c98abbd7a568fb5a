import { prng } from './prng.js';

/** Words the echo builder model copies exactly (they are in its vocabulary). */
const WORDS = ['kommunen', 'bygger', 'en', 'ny', 'skole', 'til', 'elever', 'færgen', 'sejler', 'igen', 'efter', 'stormen', 'det', 'regner', 'i', 'dag', 'han', 'sagde', 'vi', 'går', 'ud', 'skoven', 'morgen', 'prisen', 'steg', 'med', 'procent', 'på', 'uge'];

export interface LoadRequest {
  client: number;
  seq: number;
  /** The text sent; unique to this request (it names the client and the request). */
  text: string;
  sentences: number;
}

function sentence(rand: () => number, client: number, seq: number, i: number): string {
  // Distinct words: the decoder's repetition guard rightly stops a sentence that repeats itself.
  const pool = [...WORDS];
  const words = Array.from({ length: 3 + Math.floor(rand() * 4) }, () => pool.splice(Math.floor(rand() * pool.length), 1)[0]!);
  const first = words[0]!;
  return `${first[0]!.toUpperCase()}${first.slice(1)} ${client} ${seq} ${i} ${words.slice(1).join(' ')}.`;
}

/**
 * A reproducible mix of request sizes: mostly one sentence, some a short paragraph, a few a small
 * article of several paragraphs. Every sentence carries (client, request, index), so a response
 * can only be right for the request it answers.
 */
export function loadRequests(clients: number, perClient: number, seed = 7): LoadRequest[][] {
  const rand = prng(seed);
  return Array.from({ length: clients }, (_, client) =>
    Array.from({ length: perClient }, (_, seq) => {
      const r = rand();
      const sentences = r < 0.85 ? 1 : r < 0.99 ? 2 + Math.floor(rand() * 2) : 6 + Math.floor(rand() * 3);
      const parts = Array.from({ length: sentences }, (_, i) => sentence(rand, client, seq, i));
      // Larger requests come as paragraphs of up to four sentences.
      const paragraphs: string[] = [];
      for (let i = 0; i < parts.length; i += 4) paragraphs.push(parts.slice(i, i + 4).join(' '));
      return { client, seq, text: paragraphs.join('\n\n'), sentences };
    }),
  );
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
