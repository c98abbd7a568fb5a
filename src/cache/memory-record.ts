/**
 * What every memory backend stores under a key, and how a stored value reads back as a hit.
 *
 * The layout only ever gains optional fields, so one store can be shared by builds old and new
 * (workers on several machines upgrade one at a time): `flags` came later, an older build ignores
 * it, and a record an older build wrote (no `flags`) reads back as a translation with no flags.
 */
import type { MemoryEntry, MemoryHit } from '../pipeline/memory.js';

/** What is stored under each key. `source` is kept only to make the store inspectable. */
export interface MemoryRecord {
  target: string;
  source: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** What the decoding flagged (runaway guards that fired); left out when there is none. */
  flags?: string[];
}

export function memoryRecord(entry: MemoryEntry, createdAt: number): MemoryRecord {
  const record: MemoryRecord = { target: entry.target, source: entry.source, createdAt };
  if (entry.flags && entry.flags.length > 0) record.flags = [...entry.flags];
  return record;
}

/** The hit a stored value stands for, or undefined where it is not a record (a miss, translated again). */
export function memoryHit(value: unknown): MemoryHit | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { target, flags } = value as Partial<Record<keyof MemoryRecord, unknown>>;
  if (typeof target !== 'string') return undefined;
  return { target, flags: Array.isArray(flags) ? flags.filter((f): f is string => typeof f === 'string') : [] };
}
