import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BilingualDocument, BilingualParagraph } from '../../src/document/types.js';
import { Da2enError, isDa2enError } from '../../src/errors.js';
import { paragraphsFromBytes } from '../../src/io/paragraph-stream.js';
import { ChunkBudgetError } from '../../src/segmentation/chunk.js';
import { segmentForTranslator } from '../../src/segmentation/for-translator.js';
import { splitParagraphStream } from '../../src/segmentation/paragraphs.js';
import { translateParagraphStream, type StreamProgress } from '../../src/pipeline/translate-stream.js';
import { OUTPUT_FORMATS, render } from '../../src/rendering/index.js';
import { translateArticle, translateArticleWithStats } from '../../src/translate-article.js';
import { FakeTranslator } from '../helpers/fake-translator.js';
import { pick, prng } from '../helpers/prng.js';

const WORDS = ['kommunen', 'bygger', 'en', 'ny', 'skole', 'til', 'børn', 'og', 'i', 'byen', 'siger', 'at', 'det', 'går', 'godt', 'med', 'havnen', '2021', '14,5', 'kr.', 'mio.'];

function sentence(rand: () => number): string {
  const words = Array.from({ length: 2 + Math.floor(rand() * 12) }, () => pick(rand, WORDS)).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1) + pick(rand, ['.', '.', '!', '?', '']);
}

/** An article with headings, quotes, soft wraps, hard breaks, odd blank lines and date markers in odd places. */
function article(seed: number): string {
  const rand = prng(seed);
  const paras: string[] = [];
  const n = Math.floor(rand() * 30);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.15) paras.push(pick(rand, ['Økonomi', 'Byen vokser', '## Baggrund', 'Kort nyt']));
    else if (r < 0.25) paras.push(`- ${sentence(rand)} siger borgmesteren.`);
    else if (r < 0.32) paras.push(`date 2022-0${1 + Math.floor(rand() * 9)} ${sentence(rand)}`);
    else if (r < 0.4) paras.push(`${sentence(rand)}\nog ${sentence(rand).toLowerCase()}\nOg så.`);
    else paras.push(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => sentence(rand)).join(' '));
  }
  // The marker glued to the first paragraph, or a paragraph of its own (then the title, if any, is the next one).
  const lead = pick(rand, ['', '', ' date 2021-03 ', 'date 2021-04\n\n', ' date 2021-05\n\nKort nyt\n\n']);
  return lead + paras.join(pick(rand, ['\n\n', '\r\n\r\n', '\n \n\n'])) + '\n';
}

async function streamed(text: string, window: { windowParagraphs?: number; windowChars?: number }) {
  const translator = new FakeTranslator();
  const t = translateParagraphStream(splitParagraphStream(Readable.from([text])), translator, { ...window, source: 'a.txt' });
  const paragraphs: BilingualParagraph[] = [];
  for await (const p of t) paragraphs.push(p);
  return { ...t.result(), paragraphs };
}

describe('translateParagraphStream', () => {
  it('gives the same document as translateArticle on the whole text, for any window size (random articles)', async () => {
    const windows: { windowParagraphs?: number; windowChars?: number }[] = [
      ...[1, 2, 3, 7, 200].map((windowParagraphs) => ({ windowParagraphs })),
      ...[1, 10, 40].map((windowChars) => ({ windowChars })),
    ];
    const titled = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const text = article(seed);
      const whole = await translateArticleWithStats(text, { translator: new FakeTranslator(), source: 'a.txt' });
      if (whole.document.metadata.date !== undefined && whole.document.title.source !== '') titled.add(/^ ?date \S+\n/.test(text) ? 'marker alone' : 'marker glued');
      for (const window of windows) {
        const s = await streamed(text, window);
        const label = `seed ${seed} window ${JSON.stringify(window)}`;
        expect(s.paragraphs, label).toEqual(whole.document.paragraphs);
        const { paragraphs: _p, timings: _t, ...wholeFrame } = whole.document;
        const { timings, ...frame } = s.frame;
        expect(frame, label).toEqual(wholeFrame);
        expect({ ...s.stats, modelCalls: 0 }, label).toEqual({ ...whole.stats, modelCalls: 0 }); // smaller windows, more calls
        expect(s.paragraphs.map((p) => p.index)).toEqual(s.paragraphs.map((_, i) => i));
        expect(timings.totalMs).toBeGreaterThanOrEqual(timings.translateMs);
        // and therefore every format renders the same bytes (timings aside)
        const doc: BilingualDocument = { ...s.frame, paragraphs: s.paragraphs };
        for (const f of OUTPUT_FORMATS) expect(render(f, doc)).toBe(render(f, { ...whole.document, timings }));
      }
    }
    // The seeds include a title behind a marker of its own (was: lost with a first window of one paragraph).
    expect([...titled].sort()).toEqual(['marker alone', 'marker glued']);
  });

  it('the title behind a date marker of its own is kept with a first window of one paragraph or a few characters', async () => {
    for (const window of [{ windowParagraphs: 1 }, { windowChars: 10 }, { windowChars: 1 }]) {
      const t = translateParagraphStream(['date 2024-05', 'Titel', 'Brødtekst her.'], new FakeTranslator(), window);
      const got: BilingualParagraph[] = [];
      for await (const p of t) got.push(p);
      const { frame } = t.result();
      expect(frame.title, JSON.stringify(window)).toEqual({ source: 'Titel', target: 'EN(TITEL)' });
      expect(frame.metadata.date).toBe('2024-05');
      expect(got.map((p) => [p.index, p.kind, p.source])).toEqual([[0, 'heading', 'Titel'], [1, 'text', 'Brødtekst her.']]);
    }
  });

  it('strings that are blank or hold several paragraphs: the same document as the whole text, for any window (was: a real paragraph lost or translated twice)', async () => {
    const inputs = [
      ['Et.', 'To.', '', 'Tre.'],
      ['Et.', '  \n ', 'To.', 'Tre.'],
      ['Et.', 'To.', 'Tre.', ''],
      ['Et.', '\u0000', 'To.'],
      ['A.', 'Et.\n\nTo.', 'B.'],
      ['A.', 'Et.\n \nTo.', '', '', 'B.\n\n\nC.'],
    ];
    for (const strings of inputs) {
      const whole = await translateArticle(strings.join('\n\n'), { translator: new FakeTranslator() });
      expect(whole.paragraphs.length).toBeGreaterThan(0);
      for (const windowParagraphs of [1, 2, 3, 4]) {
        // An array (a plain iterable) is taken as well as an async one.
        const t = translateParagraphStream(strings, new FakeTranslator(), { windowParagraphs });
        const got: BilingualParagraph[] = [];
        for await (const p of t) got.push(p);
        expect(got, `${JSON.stringify(strings)} window ${windowParagraphs}`).toEqual(whole.paragraphs);
      }
    }
  });

  it('dateMarker false: a leading marker is text to translate, as segmentForTranslator keeps it, at any window size (was: removed all the same)', async () => {
    const text = 'date 2024-05 Det regner.\n\nDet blæser.';
    const kept = segmentForTranslator(text, new FakeTranslator(), { dateMarker: false });
    expect(kept.metadata).toEqual({});
    const whole = await translateArticle(text, { translator: new FakeTranslator(), dateMarker: false });
    expect(whole.metadata.date).toBeUndefined();
    expect(whole.paragraphs.map((p) => p.source)).toEqual(kept.paragraphs.map((p) => p.text));
    expect(whole.paragraphs[0]!.target).toBe('EN(DATE 2024-05 DET REGNER.)');
    for (const windowParagraphs of [1, 2]) {
      const t = translateParagraphStream(['date 2024-05 Det regner.', 'Det blæser.'], new FakeTranslator(), { windowParagraphs, dateMarker: false });
      const got: BilingualParagraph[] = [];
      for await (const p of t) got.push(p);
      expect(got).toEqual(whole.paragraphs);
      expect(t.result().frame.metadata).toEqual(whole.metadata);
    }
  });

  it('yields each window before reading far beyond it', async () => {
    let read = 0;
    async function* source() {
      for (let i = 0; i < 50; i++) {
        read++;
        yield `Afsnit ${i} er her.`;
      }
    }
    const t = translateParagraphStream(source(), new FakeTranslator(), { windowParagraphs: 10 });
    const readWhenYielded: number[] = [];
    for await (const p of t) readWhenYielded[p.index] = read;
    // window k (10 paragraphs) is yielded after reading it plus one paragraph of look-ahead
    expect(readWhenYielded[0]).toBe(11);
    expect(readWhenYielded[19]).toBe(21);
    expect(readWhenYielded[49]).toBe(50);
    expect(t.result().paragraphs).toBe(50);
  });

  it('reports progress in paragraphs and input bytes', async () => {
    const text = Array.from({ length: 45 }, (_, i) => `Afsnit ${i}. ${'Ord og ord. '.repeat(1 + (i % 5))}`).join('\n\n');
    const bytes = Buffer.from(text);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 64) yield bytes.subarray(i, i + 64);
    }
    const input = paragraphsFromBytes(chunks(), { totalBytes: bytes.length });
    const seen: StreamProgress[] = [];
    const t = translateParagraphStream(input, new FakeTranslator(), { windowParagraphs: 10, input, maxBatchSize: 4, onProgress: (p) => seen.push(p) });
    for await (const _ of t);
    expect(seen.length).toBeGreaterThan(5);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.paragraphsDone).toBeGreaterThanOrEqual(seen[i - 1]!.paragraphsDone);
      expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
    }
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ paragraphsDone: 45, bytesDone: bytes.length, bytesTotal: bytes.length });
    expect(seen.some((p) => p.bytesDone > 0 && p.bytesDone < bytes.length)).toBe(true);
  });

  it('stops reading the input when the consumer stops, and honours an abort signal', async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield `Afsnit ${i}.`;
      } finally {
        closed = true;
      }
    }
    const t = translateParagraphStream(source(), new FakeTranslator(), { windowParagraphs: 5 });
    for await (const p of t) if (p.index === 7) break;
    expect(closed).toBe(true);
    expect(() => t.result()).toThrow(/not been read to the end/);

    const controller = new AbortController();
    const aborted = translateParagraphStream(source(), new FakeTranslator(), { windowParagraphs: 5, signal: controller.signal });
    await expect(
      (async () => {
        for await (const p of aborted) if (p.index === 3) controller.abort(new Error('interrupted'));
      })(),
    ).rejects.toThrow('interrupted');
  });

  it('an abort while the last window is being read stops the stream there, as kind interrupted (it finished normally)', async () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `Afsnit ${i}.`);
    for (const abortAt of [3, 11]) {
      const controller = new AbortController();
      const reason = new Error('stopped by the user');
      const t = translateParagraphStream(paragraphs, new FakeTranslator(), { signal: controller.signal });
      const seen: number[] = [];
      const err = await (async () => {
        for await (const p of t) {
          seen.push(p.index);
          if (p.index === abortAt) controller.abort(reason);
        }
      })().catch((e: unknown) => e);
      expect(isDa2enError(err, 'interrupted')).toBe(true);
      expect((err as Error).cause).toBe(reason);
      expect(seen.at(-1)).toBe(abortAt);
      expect(t.done).toBe(false);
    }
  });
});

describe('the whole-article API is the streaming one, collected', () => {
  it('reports progress up to the document totals, as one window', async () => {
    const text = 'Byen vokser.\n\nKommunen bygger en ny skole. Det går godt.\n\n- Vi er glade, siger borgmesteren.\n\nHavnen åbner i 2021.\n';
    const seen: { paragraphsDone: number; paragraphsTotal: number; chunksDone: number; chunksTotal: number }[] = [];
    const { document, stats } = await translateArticleWithStats(text, { translator: new FakeTranslator(), maxBatchSize: 2, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(1);
    const last = seen.at(-1)!;
    expect(last).toEqual({ paragraphsDone: document.paragraphs.length, paragraphsTotal: document.paragraphs.length, chunksDone: stats.chunks, chunksTotal: stats.chunks });
    // One window: every report already knows the totals.
    for (const p of seen) expect([p.paragraphsTotal, p.chunksTotal]).toEqual([last.paragraphsTotal, last.chunksTotal]);
  });

  it('an empty text gives an empty document with its frame and a zero QA summary', async () => {
    const doc = await translateArticle('  \n\n ', { translator: new FakeTranslator(), source: 'empty.txt' });
    expect(doc.paragraphs).toEqual([]);
    expect(doc.title).toEqual({ source: '', target: '' });
    expect(doc.metadata).toEqual({ source: 'empty.txt' });
    expect(doc.qa).toEqual({ paragraphs: 0, paragraphsFlagged: 0, findings: 0, byKind: { 'missing-number': 0, 'number-format': 0, 'length-ratio': 0, guard: 0, untranslated: 0, empty: 0, unrestored: 0 } });
  });

  it('removes NULs as a file read by the CLI loses them, with the same note: the same document, no NUL in any output', async () => {
    // A line of NULs is a blank line once they are gone, as in the file.
    const text = 'Et a\u0000b afsnit.\n\u0000\nTo.\n\n\u0000\u0000\n\nTre.';
    const notices: string[] = [];
    const doc = await translateArticle(text, { translator: new FakeTranslator(), source: 'a.txt', onNotice: (n) => notices.push(n) });
    const file = paragraphsFromBytes(Readable.from([Buffer.from(text)]));
    const t = translateParagraphStream(file, new FakeTranslator(), { source: 'a.txt' });
    const fromFile: BilingualParagraph[] = [];
    for await (const p of t) fromFile.push(p);
    expect(doc.paragraphs.map((p) => p.source)).toEqual(['Et ab afsnit.', 'To.', 'Tre.']);
    expect(doc.paragraphs).toEqual(fromFile);
    expect(notices).toEqual(['removed 4 NUL character(s)']);
    expect(file.notes).toEqual(notices);
    for (const format of OUTPUT_FORMATS) expect(render(format, doc)).not.toContain('\u0000');
  });
});

/** An engine that starts its model on the first batch (as MarianTranslator with startModel 'on-first-use'). */
class LazyStartFake extends FakeTranslator {
  deferredLoadMs = 0;

  override async translateBatch(texts: string[], options: { signal?: AbortSignal } = {}) {
    if (this.deferredLoadMs === 0) {
      const began = performance.now();
      await new Promise((r) => setTimeout(r, 40));
      this.deferredLoadMs = performance.now() - began;
    }
    return super.translateBatch(texts, options);
  }
}

describe('the whole-article API throws da2en errors', () => {
  const text = 'Kommunen bygger en ny skole.\n\nDet går godt.';

  it('an aborted signal (before the start, while loading, while translating) as kind interrupted, with its reason as the cause', async () => {
    const before = AbortSignal.abort();
    const early = await translateArticle(text, { translator: new FakeTranslator(), signal: before }).catch((e: unknown) => e);
    expect(isDa2enError(early, 'interrupted')).toBe(true);
    expect((early as Error).cause).toBe(before.reason);

    const loading = await translateArticle(text, { model: '/nonexistent-model-dir', signal: before }).catch((e: unknown) => e);
    expect(isDa2enError(loading, 'interrupted')).toBe(true);
    expect((loading as Error).cause).toBe(before.reason);

    // Aborted from inside the first model call: the run stops there.
    const controller = new AbortController();
    const reason = new Error('stopped by the user');
    const translator = new FakeTranslator(() => {
      controller.abort(reason);
      return 0;
    });
    const midway = await translateArticle(text, { translator, signal: controller.signal }).catch((e: unknown) => e);
    expect(isDa2enError(midway, 'interrupted')).toBe(true);
    expect((midway as Error).cause).toBe(reason);

    // A reason that already is one (the CLI's Ctrl-C) is thrown as it is.
    const interrupted = new Da2enError('interrupted', 'interrupted');
    const cli = await translateArticle(text, { translator: new FakeTranslator(), signal: AbortSignal.abort(interrupted) }).catch((e: unknown) => e);
    expect(cli).toBe(interrupted);
  });

  it('a chunk budget too small for a single character as kind usage', async () => {
    const err = await translateArticle(text, { translator: new FakeTranslator(), maxChunkTokens: 1 }).catch((e: unknown) => e);
    expect(isDa2enError(err, 'usage')).toBe(true);
    expect((err as Error).message).toMatch(/maxChunkTokens 1 is too small/);
    expect((err as Error).cause).toBeInstanceOf(ChunkBudgetError);
  });
});

describe('timings with a model started on first use', () => {
  it('count the start as load time in the run where it happened, not as translation time, and not again later', async () => {
    const translator = new LazyStartFake();
    const run = async (loadMs: number) => {
      const t = translateParagraphStream(splitParagraphStream(Readable.from(['Kommunen bygger en ny skole.\n\nDet regner.\n'])), translator, { source: 'a.txt', loadMs });
      for await (const _ of t);
      return t.result().frame.timings;
    };
    const first = await run(7);
    expect(translator.deferredLoadMs).toBeGreaterThan(30);
    expect(first.loadMs).toBe(Math.round(7 + translator.deferredLoadMs));
    expect(first.translateMs).toBeGreaterThanOrEqual(0);
    expect(first.totalMs).toBe(first.loadMs + first.translateMs);
    const second = await run(0);
    expect(second.loadMs).toBe(0);
    expect(second.totalMs).toBe(second.translateMs);
  });
});
