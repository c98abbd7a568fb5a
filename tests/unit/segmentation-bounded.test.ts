import { describe, expect, it } from 'vitest';
import { charBound, joinChunks, segmentDocument, splitSentences } from '../../src/segmentation/index.js';

// Issue 11 §2: a 600 KB line without punctuation ended in "Maximum call stack size exceeded" inside
// the Transformers.js tokenizer. Text is cut to a bounded size before any tokenizer call, whatever
// its shape. This stand-in tokenizer fails the way the real one does on long input, and counts.
const MAX_TOKENS = 64;
function strictCounter() {
  const stats = { calls: 0, chars: 0, longest: 0 };
  const count = (s: string): number => {
    if (s.length > charBound(MAX_TOKENS)) throw new RangeError(`Maximum call stack size exceeded (${s.length} characters)`);
    stats.calls++;
    stats.chars += s.length;
    stats.longest = Math.max(stats.longest, s.length);
    let tokens = 1;
    for (const w of s.split(' ')) tokens += Math.max(1, Math.ceil(w.length / 4));
    return tokens;
  };
  return { count, stats };
}

function check(text: string) {
  const { count, stats } = strictCounter();
  const doc = segmentDocument(text, { countTokens: count, maxTokens: MAX_TOKENS });
  expect(doc.paragraphs).toHaveLength(1);
  const chunks = doc.paragraphs[0]!.chunks;
  for (const c of chunks) expect(c.tokens).toBeLessThanOrEqual(MAX_TOKENS);
  // Nothing lost or added.
  expect(joinChunks(chunks)).toBe(text);
  // Each character is measured a few times at most, not once per word before it.
  expect(stats.chars / text.length).toBeLessThan(8);
  return { chunks, stats };
}

describe('no input shape reaches the tokenizer whole', () => {
  it('one line of 1 MB of words, no punctuation', () => {
    const words = ['regeringen', 'vil', 'bruge', 'flere', 'penge', 'på', 'sygehusene'];
    const parts: string[] = [];
    let length = 0;
    for (let i = 0; length < 1_000_000; i++) {
      const w = words[i % words.length]!;
      parts.push(w);
      length += w.length + 1;
    }
    const { chunks } = check(parts.join(' '));
    expect(chunks.length).toBeGreaterThan(4_000);
  });

  it('600 KB without a single space', () => {
    const { chunks } = check('abcæøå'.repeat(100_000));
    expect(chunks.slice(1).every((c) => c.joinBefore === '')).toBe(true);
  });

  it('one "word" of 100 KB between ordinary sentences', () => {
    const text = `Det var en god dag. ${'x'.repeat(100_000)}. Så gik vi hjem.`;
    const { chunks } = check(text);
    expect(chunks[0]!.text).toBe('Det var en god dag.');
    expect(chunks.at(-1)!.text).toBe('Så gik vi hjem.');
  });

  it('sentences of a 1 MB line are those of the line cut into short pieces (windowed ICU)', () => {
    const sentence = 'Regeringen vil bruge flere penge på sygehusene, sagde ministeren i går. ';
    const line = sentence.repeat(Math.ceil(1_000_000 / sentence.length)).trimEnd();
    const sentences = splitSentences(line);
    expect(sentences.join('')).toBe(line);
    expect(sentences.length).toBe(Math.ceil(1_000_000 / sentence.length));
    expect(new Set(sentences.map((s) => s.trim()))).toEqual(new Set([sentence.trim()]));
  });
});
