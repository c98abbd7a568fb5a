/**
 * A 20 MB article through the streaming path: paragraphs read from the file a window at a time,
 * translated (FakeTranslator), rendered and written as they come. Checks that every paragraph
 * comes out once and in order, and that memory stays far below what holding the document would
 * take (the numbers are printed for the record).
 */
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { openParagraphStream } from '../../src/io/paragraph-stream.js';
import { writeBilingualStream, type FramedParagraphs } from '../../src/io/stream-output.js';
import { translateParagraphStream, type StreamProgress } from '../../src/pipeline/translate-stream.js';
import type { TranslationResult } from '../../src/engine/translator.js';
import { FakeTranslator } from '../helpers/fake-translator.js';
import { pick, prng } from '../helpers/prng.js';

/** A project-written list of everyday Danish news words. */
const WORDS = [
  'kommunen', 'regeringen', 'borgmesteren', 'byrådet', 'skolen', 'børnene', 'forældrene', 'havnen', 'broen', 'vejen', 'cyklisterne',
  'bilerne', 'trafikken', 'økonomien', 'budgettet', 'millioner', 'kroner', 'året', 'måneden', 'ugen', 'mandag', 'tirsdag', 'onsdag',
  'bygger', 'åbner', 'lukker', 'siger', 'mener', 'vil', 'skal', 'kan', 'har', 'fik', 'går', 'kommer', 'venter', 'betaler', 'sparer',
  'ny', 'nye', 'gamle', 'store', 'små', 'lokale', 'danske', 'flere', 'færre', 'mange', 'hurtigt', 'langsomt', 'i', 'på', 'til', 'fra',
  'med', 'uden', 'efter', 'før', 'og', 'men', 'at', 'det', 'der', 'som', 'en', 'et', 'den', 'de', 'vi', 'ikke', 'også', 'nu', 'her',
  'Aarhus', 'Odense', 'Aalborg', 'Esbjerg', 'Jylland', 'Sjælland', 'Fyn', 'København', 'Danmark', 'Europa', 'Folketinget',
];

const TARGET_BYTES = 20 * 1024 * 1024;

/**
 * The FakeTranslator, with two changes for a run this long: its call log (every source text,
 * i.e. the whole file) is emptied after each call, and each output is given twice. An echo
 * translation is nearly identical to its source, so QA's "untranslated" check would compute an
 * edit distance for every paragraph (about two thirds of the run time at 20 MB); twice the
 * length, the length filter in front of it skips that.
 */
class LongRunFakeTranslator extends FakeTranslator {
  override async translateBatch(texts: string[], options: { signal?: AbortSignal } = {}): Promise<TranslationResult[]> {
    const out = await super.translateBatch(texts, options);
    this.calls.length = 0;
    return out.map((r) => ({ ...r, text: `${r.text} ${r.text}` }));
  }
}

/** Writes ~20 MB of Danish-looking paragraphs, each starting "Afsnit <n>."; returns the paragraph count. */
async function writeArticle(file: string): Promise<number> {
  const rand = prng(2024);
  const sentence = () => {
    const words = Array.from({ length: 5 + Math.floor(rand() * 14) }, () => pick(rand, WORDS)).join(' ');
    return `${words.charAt(0).toUpperCase()}${words.slice(1)}${pick(rand, ['.', '.', '.', '!', '?'])}`;
  };
  const out = createWriteStream(file);
  let bytes = 0;
  let n = 0;
  while (bytes < TARGET_BYTES) {
    let batch = n === 0 ? ' date 2021-07 ' : '';
    for (let i = 0; i < 500; i++, n++) {
      const sentences = Array.from({ length: 1 + Math.floor(rand() * 8) }, sentence).join(' ');
      batch += `Afsnit ${n}: ${sentences}${pick(rand, ['\n\n', '\r\n\r\n', '\n\n\n'])}`;
    }
    bytes += Buffer.byteLength(batch);
    if (!out.write(batch)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return n;
}

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
    expect(frame.title.source).toMatch(/^Afsnit 0: /);
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['large.da-en.en.txt', 'large.da-en.html']);

    // Every paragraph once, in order: in the HTML one row per line, id and translated marker agree.
    let next = 0;
    for await (const line of createInterface({ input: createReadStream(outHtml) })) {
      if (!line.startsWith('<section class="pair')) continue;
      const m = /^<section class="pair [^"]*" id="p(\d+)">.*<div class="cell en" lang="en"><p class="text">EN\(AFSNIT (\d+):/.exec(line);
      expect(m, line.slice(0, 200)).not.toBeNull();
      expect(Number(m![1])).toBe(next + 1);
      expect(Number(m![2])).toBe(next);
      next++;
    }
    expect(next).toBe(expectedParagraphs);
    let nextEn = 0;
    for await (const line of createInterface({ input: createReadStream(outEn) })) {
      if (line === '') continue;
      expect(line.startsWith(`EN(AFSNIT ${nextEn}:`), line.slice(0, 80)).toBe(true);
      nextEn++;
    }
    expect(nextEn).toBe(expectedParagraphs);

    // The whole-document path on this input (readInput + translateArticle + render) measured
    // +297 MB of live heap for the document and +906 MB peak RSS. Streaming keeps a window live
    // (measured +3.5 MB); RSS grows by what V8 leaves uncollected (measured +74 MB).
    expect(peakLive - base.heapUsed).toBeLessThan(size / 2);
    expect(peakRss - base.rss).toBeLessThan(size * 6);
  }, 120_000);
});
