import { createHash } from 'node:crypto';

/** A translation memory: translations of exact source segments, keyed by everything that shapes them. */
export interface TranslationMemory {
  lookup(keys: readonly string[]): Map<string, string>;
  store(entries: readonly { key: string; source: string; target: string }[]): void;
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
