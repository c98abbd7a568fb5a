/**
 * A 20 MB article through the streaming path: paragraphs read from the file a window at a time,
 * translated (FakeTranslator), rendered and written as they come. Checks that every paragraph
 * comes out once and in order, and that memory stays far below what holding the document would
 * take (the numbers are printed for the record).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { openParagraphStream } from '../../src/io/paragraph-stream.js';
import { writeBilingualStream, type FramedParagraphs } from '../../src/io/bilingual-writer.js';
import { translateParagraphStream, type StreamProgress } from '../../src/pipeline/translate-stream.js';
import { LongRunFakeTranslator, TARGET_BYTES, writeArticle } from '../helpers/large-article.js';
import { expectEnglishInOrder, expectHtmlInOrder, linesOf } from '../helpers/large-article-checks.js';

/** `gc()`, made available at run time (vitest's workers are not started with --expose-gc). */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a 20 MB article, streamed', () => {
  it('comes out complete and in order with memory bounded by a window, not the file', async () => {
    const input = path.join(dir, 'large.da.txt');
    const expectedParagraphs = await writeArticle(input);
    const size = statSync(input).size;
    expect(size).toBeGreaterThanOrEqual(TARGET_BYTES);

    // Live memory is what the streaming path bounds; garbage awaiting collection is up to V8. A
    // forced collection every few thousand paragraphs measures the first; a 10 ms sampler the
    // peaks as they are (garbage included).
    const gc = exposeGc();
    gc();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakHeap = base.heapUsed;
    let peakLive = base.heapUsed;
    const sample = () => {
      const m = process.memoryUsage();
      if (m.rss > peakRss) peakRss = m.rss;
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    };
    const timer = setInterval(sample, 10);

    const started = performance.now();
    const source = await openParagraphStream(input);
    let lastProgress: StreamProgress | undefined;
    const translation = translateParagraphStream(source, new LongRunFakeTranslator(), {
      input: source,
      source: input,
      windowParagraphs: 200,
      onProgress: (p) => {
        lastProgress = p;
        sample();
      },
    });
    const measured: FramedParagraphs = {
      frame: () => translation.frame(),
      result: () => translation.result(),
      async *[Symbol.asyncIterator]() {
        for await (const p of translation) {
          if (p.index % 5000 === 4999) {
            gc();
            peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
          }
          yield p;
        }
      },
    };
    const outHtml = path.join(dir, 'out', 'large.da-en.html');
    const outEn = path.join(dir, 'out', 'large.da-en.en.txt');
    const count = await writeBilingualStream(measured, [
      { format: 'html', path: outHtml },
      { format: 'en', path: outEn },
    ]);
    clearInterval(timer);
    sample();
    const seconds = (performance.now() - started) / 1000;

    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      `large input: ${mb(size)}, ${count} paragraphs in ${seconds.toFixed(1)} s; ` +
        `RSS ${mb(base.rss)} → peak ${mb(peakRss)} (+${mb(peakRss - base.rss)}); ` +
        `heapUsed ${mb(base.heapUsed)} → peak ${mb(peakHeap)} (+${mb(peakHeap - base.heapUsed)}), ` +
        `live after GC peak ${mb(peakLive)} (+${mb(peakLive - base.heapUsed)}); ` +
        `outputs html ${mb(statSync(outHtml).size)}, en ${mb(statSync(outEn).size)}`,
    );

    expect(count).toBe(expectedParagraphs);
    expect(lastProgress).toMatchObject({ paragraphsDone: expectedParagraphs, bytesDone: size, bytesTotal: size });
    const { frame } = translation.result();
    expect(frame.metadata.date).toBe('2021-07');
    expect(frame.title.source).toBe(''); // "Afsnit 0: …" is a paragraph of sentences, not a heading
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['large.da-en.en.txt', 'large.da-en.html']);

    await expectHtmlInOrder(outHtml, expectedParagraphs);
    await expectEnglishInOrder(linesOf(outEn), expectedParagraphs);

    // The whole-document path on this input (whole file read + translateArticle + render) measured
    // +297 MB of live heap for the document and +906 MB peak RSS. Streaming keeps a window live
    // (measured +3.5 MB); RSS grows by what V8 leaves uncollected (measured +74 MB).
    expect(peakLive - base.heapUsed).toBeLessThan(size / 2);
    expect(peakRss - base.rss).toBeLessThan(size * 6);
  }, 120_000);
});
