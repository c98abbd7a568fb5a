/** Random BilingualDocuments for renderer property tests, awkward corners included. */
import type { BilingualDocument, BilingualParagraph, ParagraphKind, QaFinding, TranslatedChunk } from '../../src/document/types.js';
import { pick, prng } from './prng.js';

const PIECES = ['Borgmester', 'bygger', 'ny bro', 'i Århus', '5 & 6', '<b>fed</b>', '"citat"', '*stjerne*', '_x_', '|', '\\', '🎉', 'æøå ÆØÅ', '1.200 kr.', 'kl. 14', '`kode`', '[link](http://x)', '</script>', "it's", '\u00a0', '\t', '—', '…', '#', '- '];
const KINDS: ParagraphKind[] = ['text', 'heading', 'quote', 'list-item', 'caption', 'byline', 'table-cell', 'code'];
const PREFIXES: Record<ParagraphKind, string[]> = { text: [''], heading: ['', '# ', '## ', '### '], quote: ['- ', '– ', ''], 'list-item': [''], caption: [''], byline: [''], 'table-cell': [''], code: [''] };
const QA_KINDS: QaFinding['kind'][] = ['missing-number', 'length-ratio', 'guard', 'untranslated', 'empty'];

function text(rand: () => number, maxWords: number): string {
  const n = Math.floor(rand() * maxWords);
  let s = '';
  for (let i = 0; i < n; i++) s += (i === 0 ? '' : rand() < 0.1 ? '\n' : ' ') + pick(rand, PIECES);
  return s;
}

function paragraph(rand: () => number, index: number): BilingualParagraph {
  const kind = pick(rand, KINDS);
  const prefix = pick(rand, PREFIXES[kind]);
  const body = text(rand, 12);
  const target = rand() < 0.1 ? '' : text(rand, 12);
  const chunks: TranslatedChunk[] = body === '' ? [] : [{ index: 0, text: body.replace(/\s+/g, ' '), joinBefore: '', tokens: 3, target, origin: pick(rand, ['model', 'cache', 'passthrough'] as const), ...(rand() < 0.1 ? { flags: ['repeat'] } : {}) }];
  const p: BilingualParagraph = { index, kind, prefix, source: prefix + body, target: rand() < 0.2 ? target : prefix + target, chunks };
  // Structure as a marked-up input gives it (web pages, Markdown).
  if (kind === 'heading' && prefix === '' && rand() < 0.7) p.level = 1 + Math.floor(rand() * 6);
  if (kind === 'list-item') p.list = { ordered: rand() < 0.5, depth: 1 + Math.floor(rand() * 3), ...(rand() < 0.5 ? { number: 1 + Math.floor(rand() * 12) } : {}) };
  if (kind === 'quote' && prefix === '' && rand() < 0.3) p.depth = 2;
  if (kind === 'code' && rand() < 0.5) p.lang = 'js';
  if (rand() < 0.2) p.links = [{ text: 'x', href: 'https://example.dk/"<x>' }];
  if (rand() < 0.5) p.qa = rand() < 0.5 ? [] : [{ kind: pick(rand, QA_KINDS), message: text(rand, 5) }];
  return p;
}

export function randomDocument(seed: number): BilingualDocument {
  const rand = prng(seed);
  const n = rand() < 0.15 ? 0 : Math.floor(rand() * 12);
  const paragraphs = Array.from({ length: n }, (_, i) => paragraph(rand, i));
  const titleSource = rand() < 0.2 ? '' : text(rand, 8);
  const doc: BilingualDocument = {
    title: { source: titleSource, target: rand() < 0.2 ? '' : rand() < 0.2 ? titleSource : text(rand, 8) },
    metadata: {},
    model: rand() < 0.15 ? { id: '', dtype: '', decoding: {} } : { id: 'Helsinki-NLP/opus-mt-da-en', dtype: pick(rand, ['q8', 'fp32']), decoding: { beams: 4, note: text(rand, 3) } },
    timings: rand() < 0.3 ? { loadMs: 0, translateMs: 0, totalMs: 0 } : { loadMs: Math.floor(rand() * 5000), translateMs: Math.floor(rand() * 90000), totalMs: Math.floor(rand() * 95000) },
    paragraphs,
  };
  if (rand() < 0.6) doc.metadata.date = '2021-07';
  if (rand() < 0.6) doc.metadata.source = pick(rand, ['-', 'a|b.txt', 'x/<y>.txt']);
  if (rand() < 0.5) doc.metadata.detectedLanguage = pick(rand, ['da', 'nb']);
  if (rand() < 0.6) {
    doc.qa = { paragraphs: n, paragraphsFlagged: 1, findings: 2, byKind: { 'missing-number': 1, 'number-format': 0, 'length-ratio': 1, guard: 0, untranslated: 0, empty: 0, unrestored: 0 } };
  }
  return doc;
}
