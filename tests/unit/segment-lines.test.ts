import { describe, expect, it } from 'vitest';
import { segmentLines } from '../../src/segmentation/for-translator.js';
import { joinChunks } from '../../src/segmentation/segment.js';

const words = { countTokens: (s: string) => s.split(/\s+/).filter(Boolean).length + 1, maxInputTokens: 512 };

describe('segmentLines (an evaluation set: one segment per line)', () => {
  it('a line-break character inside a line is a space, never a line break between its chunks', () => {
    const lines = ['Det er godt.\rOg skidt.', 'En\vto\f tre.', 'Fire\u0085fem\u2028seks\u2029syv\u2029otte.', '', 'Hej.'];
    const { document, lineOf } = segmentLines(lines, words);
    expect(lineOf).toEqual([0, 1, 2, 4]);
    expect(document.paragraphs.map((p) => joinChunks(p.chunks))).toEqual(['Det er godt. Og skidt.', 'En to tre.', 'Fire fem seks syv otte.', 'Hej.']);
    for (const p of document.paragraphs) for (const c of p.chunks) expect(c.joinBefore).not.toContain('\n');
  });
});
