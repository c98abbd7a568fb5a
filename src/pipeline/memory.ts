import { createHash } from 'node:crypto';

/**
 * A translation memory: translations of exact source segments, keyed by everything that shapes
 * them. Pluggable: the local LMDB store answers at once, a shared one (Redis, for workers on
 * several machines) answers with a promise; the pipeline awaits either.
 */
export interface TranslationMemory {
  /** The translations found (misses are absent). */
  lookup(keys: readonly string[]): Map<string, string> | Promise<Map<string, string>>;
  /**
   * The translations found with the flags stored with them, so a translation served from the memory
   * carries the same QA findings (guards that fired) as when the model made it. Optional, so a memory
   * written before flags were kept still fits: the pipeline then takes `lookup` and no flags.
   */
  lookupWithFlags?(keys: readonly string[]): Map<string, MemoryHit> | Promise<Map<string, MemoryHit>>;
  /** Stores a batch: all of it or none of it, kept once this returns (or its promise resolves). */
  store(entries: readonly MemoryEntry[]): void | Promise<void>;
}

export interface MemoryEntry {
  key: string;
  source: string;
  target: string;
  /** What the decoding flagged on this translation (runaway guards that fired); absent: none. */
  flags?: readonly string[];
}

export interface MemoryHit {
  target: string;
  /** Empty for a translation stored without flags (also every entry written before flags were kept). */
  flags: string[];
}

/** Looks up through `lookupWithFlags` where the memory has it, else `lookup` (no flags). */
export async function lookupMemory(memory: TranslationMemory, keys: readonly string[]): Promise<Map<string, MemoryHit>> {
  if (memory.lookupWithFlags) return memory.lookupWithFlags(keys);
  const found = await memory.lookup(keys);
  return new Map([...found].map(([key, target]) => [key, { target, flags: [] }]));
}

export interface MemoryKeyParts {
  modelId: string;
  dtype: string;
  decoding: Record<string, unknown>;
}

/** The key parts of a translator's memory entries: the model by its memory identity where it has one. */
export function memoryKeyParts(model: { modelId: string; memoryId?: string | undefined; dtype: string; decoding: Record<string, unknown> }): MemoryKeyParts {
  return { modelId: model.memoryId ?? model.modelId, dtype: model.dtype, decoding: model.decoding };
}

function canonicalJson(value: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));
}

/** Whether two sets of key parts give every source the same key. */
export function sameKeyParts(a: MemoryKeyParts, b: MemoryKeyParts): boolean {
  return a.modelId === b.modelId && a.dtype === b.dtype && canonicalJson(a.decoding) === canonicalJson(b.decoding);
}

export function memoryKey(parts: MemoryKeyParts, source: string): string {
  return createHash('sha256').update(JSON.stringify([parts.modelId, parts.dtype, canonicalJson(parts.decoding), source])).digest('hex');
}
