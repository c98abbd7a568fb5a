/**
 * JSON: the BilingualDocument itself plus `format` and `version`, pretty-printed with 2 spaces.
 * Stable: at each level keys are written in a fixed order (KEY_ORDER below, then any other keys
 * alphabetically), whatever order the document was built in; undefined values are left out.
 */
import type { BilingualDocument } from '../document/types.js';
import { renderWhole, type DocumentFrame, type StreamRenderer } from './writer.js';

export const JSON_FORMAT = 'da2en-bilingual';
export const JSON_VERSION = 1;

type Level = 'root' | 'title' | 'metadata' | 'model' | 'timings' | 'paragraph' | 'chunk' | 'qa' | 'other';

const KEY_ORDER: Record<Level, readonly string[]> = {
  root: ['format', 'version', 'title', 'metadata', 'model', 'timings', 'paragraphs'],
  title: ['source', 'target'],
  metadata: ['date', 'source', 'inputFormat', 'url', 'finalUrl', 'fetchedAt', 'pageTitle', 'siteName', 'byline', 'published', 'detectedLanguage'],
  model: ['id', 'dtype', 'decoding'],
  timings: ['loadMs', 'translateMs', 'totalMs'],
  paragraph: ['index', 'kind', 'level', 'list', 'inListItem', 'depth', 'lang', 'footnote', 'structured', 'prefix', 'source', 'target', 'links', 'qa', 'chunks'],
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

const ROOT_ORDER = KEY_ORDER.root;
const PARAGRAPHS_RANK = ROOT_ORDER.indexOf('paragraphs');

/** Root keys of the frame (plus format and version) in output order, split around "paragraphs". */
function rootEntries(frame: DocumentFrame): { before: [string, unknown][]; after: [string, unknown][] } {
  const root = ordered({ ...frame, format: JSON_FORMAT, version: JSON_VERSION }, 'root') as Record<string, unknown>;
  const before: [string, unknown][] = [];
  const after: [string, unknown][] = [];
  for (const [k, v] of Object.entries(root)) {
    if (k === 'paragraphs') continue;
    const rank = ROOT_ORDER.indexOf(k);
    (rank >= 0 && rank < PARAGRAPHS_RANK ? before : after).push([k, v]);
  }
  return { before, after };
}

/** `JSON.stringify(value, null, 2)` as it reads nested `depth` levels deep (undefined when left out). */
function nested(value: unknown, depth: number): string | undefined {
  const json = JSON.stringify(value, null, 2) as string | undefined;
  return json?.replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

function members(entries: [string, unknown][]): string[] {
  const out: string[] = [];
  for (const [k, v] of entries) {
    const json = nested(v, 1);
    if (json !== undefined) out.push(`\n  ${JSON.stringify(k)}: ${json}`);
  }
  return out;
}

/**
 * Pieces of the JSON file, exactly `JSON.stringify(toJsonObject(doc), null, 2)` + newline: the
 * head is the object up to `"paragraphs": [`, each paragraph one array element, the tail closes
 * the array and adds the keys after it (the QA summary).
 */
export function jsonWriter(): StreamRenderer {
  let written = 0;
  return {
    headNeedsFinal: true, // timings come before the paragraphs
    head(frame) {
      return `{${members(rootEntries(frame).before).join(',')},\n  "paragraphs": [`;
    },
    paragraph(p) {
      const json = nested(ordered(p, 'paragraph'), 2) ?? 'null';
      return `${written++ === 0 ? '' : ','}\n    ${json}`;
    },
    tail(frame, paragraphCount) {
      const close = paragraphCount > 0 ? '\n  ]' : ']';
      return `${close}${members(rootEntries(frame).after).map((m) => `,${m}`).join('')}\n}\n`;
    },
  };
}

export function renderJson(doc: BilingualDocument): string {
  return renderWhole(jsonWriter(), doc);
}
