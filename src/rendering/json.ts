/**
 * JSON: the BilingualDocument itself plus `format` and `version`, pretty-printed with 2 spaces.
 * Stable: at each level keys are written in a fixed order (KEY_ORDER below, then any other keys
 * alphabetically), whatever order the document was built in; undefined values are left out.
 */
import type { BilingualDocument } from '../document/types.js';

export const JSON_FORMAT = 'da2en-bilingual';
export const JSON_VERSION = 1;

type Level = 'root' | 'title' | 'metadata' | 'model' | 'timings' | 'paragraph' | 'chunk' | 'qa' | 'other';

const KEY_ORDER: Record<Level, readonly string[]> = {
  root: ['format', 'version', 'title', 'metadata', 'model', 'timings', 'paragraphs'],
  title: ['source', 'target'],
  metadata: ['date', 'source', 'detectedLanguage'],
  model: ['id', 'dtype', 'decoding'],
  timings: ['loadMs', 'translateMs', 'totalMs'],
  paragraph: ['index', 'kind', 'prefix', 'source', 'target', 'qa', 'chunks'],
  chunk: ['index', 'joinBefore', 'text', 'tokens', 'target', 'origin', 'flags'],
  qa: ['kind', 'message'],
  other: [],
};

const CHILD_LEVEL: Partial<Record<Level, Record<string, Level>>> = {
  root: { title: 'title', metadata: 'metadata', model: 'model', timings: 'timings', paragraphs: 'paragraph' },
  paragraph: { chunks: 'chunk', qa: 'qa' },
};

function ordered(value: unknown, level: Level): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, level));
  if (value === null || typeof value !== 'object') return value;
  const order = KEY_ORDER[level];
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i < 0 ? Infinity : i;
  };
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    out[k] = ordered((value as Record<string, unknown>)[k], CHILD_LEVEL[level]?.[k] ?? 'other');
  }
  return out;
}

export interface BilingualJson extends BilingualDocument {
  format: typeof JSON_FORMAT;
  version: typeof JSON_VERSION;
}

export function toJsonObject(doc: BilingualDocument): BilingualJson {
  return ordered({ ...doc, format: JSON_FORMAT, version: JSON_VERSION }, 'root') as BilingualJson;
}

export function renderJson(doc: BilingualDocument): string {
  return `${JSON.stringify(toJsonObject(doc), null, 2)}\n`;
}
