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

  it('a line that starts like the date marker is text to translate (was: "date 2024-05" left out, a line of only that gave nothing)', () => {
    const { document, lineOf } = segmentLines(['date 2024-05 Det regner i dag.', 'date 2024-05', 'Hej.'], words);
    expect(lineOf).toEqual([0, 1, 2]);
    expect(document.paragraphs.map((p) => joinChunks(p.chunks))).toEqual(['date 2024-05 Det regner i dag.', 'date 2024-05', 'Hej.']);
    expect(document.metadata).toEqual({});
  });
});
