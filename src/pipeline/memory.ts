import { createHash } from 'node:crypto';

/**
 * A translation memory: translations of exact source segments, keyed by everything that shapes
 * them. Pluggable: the local LMDB store answers at once, a shared one (Redis, for workers on
 * several machines) answers with a promise; the pipeline awaits either.
 */
export interface TranslationMemory {
  /** The translations found (misses are absent). */
  lookup(keys: readonly string[]): Map<string, string> | Promise<Map<string, string>>;
  /** Stores a batch: all of it or none of it, kept once this returns (or its promise resolves). */
  store(entries: readonly MemoryEntry[]): void | Promise<void>;
}

export interface MemoryEntry {
  key: string;
  source: string;
  target: string;
}

export interface MemoryKeyParts {
  modelId: string;
  dtype: string;
  decoding: Record<string, unknown>;
}

function canonicalJson(value: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));
}

export function memoryKey(parts: MemoryKeyParts, source: string): string {
  return createHash('sha256').update(JSON.stringify([parts.modelId, parts.dtype, canonicalJson(parts.decoding), source])).digest('hex');
}
