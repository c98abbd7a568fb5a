import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BilingualDocument, BilingualParagraph } from '../../src/document/types.js';
import { writeBilingualStream, type FramedParagraphs } from '../../src/io/bilingual-writer.js';
import { createAtomicFileSink, writeStreamAtomically, writeStreamTo } from '../../src/io/sinks.js';
import { Da2enError } from '../../src/errors.js';
import { removeTempFilesNow, trackedTempCount } from '../../src/io/temp-registry.js';
import { createStreamRenderer, frameOf, OUTPUT_FORMATS, render, renderJson, toJsonObject, type DocumentFrame } from '../../src/rendering/index.js';
import { fixtureDocument } from '../helpers/bilingual-fixture.js';
import { randomDocument } from '../helpers/random-bilingual.js';

/**
 * A document as a translation stream gives it: paragraphs one by one, the frame known early
 * without timings, QA or detected language (they come at the end, as in translateParagraphStream).
 */
function framed(doc: BilingualDocument, failAfter?: number): FramedParagraphs {
  const final = frameOf(doc);
  let started = false;
  let done = false;
  return {
    frame(): DocumentFrame | undefined {
      if (!started) return undefined;
      if (done) return final;
      const { detectedLanguage: _d, ...metadata } = final.metadata;
      return { title: final.title, metadata, model: final.model, timings: { loadMs: 0, translateMs: 0, totalMs: 0 } };
    },
    result() {
      if (!done) throw new Error('not done');
      return { frame: final };
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<BilingualParagraph> {
      let i = 0;
      for (const p of doc.paragraphs) {
        if (i++ === failAfter) throw new Error('translation failed');
        started = true;
        await new Promise((r) => setImmediate(r));
        yield p;
      }
      done = true;
    },
  };
}

function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('streaming renderers', () => {
  it('head + paragraphs + tail is the whole-document render, for every format (random documents)', () => {
    for (let seed = 0; seed < 400; seed++) {
      const doc = seed === 0 ? fixtureDocument() : randomDocument(seed);
      for (const format of OUTPUT_FORMATS) {
        const w = createStreamRenderer(format);
        const frame = frameOf(doc);
        const body = doc.paragraphs.map((p) => w.paragraph(p)).join('');
        expect(w.head(frame, doc.paragraphs.length) + body + w.tail(frame, doc.paragraphs.length), `${format} seed ${seed}`).toBe(render(format, doc));
      }
      // the JSON pieces rebuild exactly what JSON.stringify writes
      expect(renderJson(doc)).toBe(`${JSON.stringify(toJsonObject(doc), null, 2)}\n`);
    }
  });

  it('only the English-only format can write its head before the end', () => {
    expect(OUTPUT_FORMATS.filter((f) => !createStreamRenderer(f).headNeedsFinal)).toEqual(['en']);
  });
});

describe('writeBilingualStream', () => {
  it('writes files and stdout byte-identical to render(format, finalDocument) (random documents)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-ws-'));
    for (let seed = 0; seed < 60; seed++) {
      const doc = seed === 0 ? fixtureDocument() : randomDocument(1000 + seed);
      const outDir = path.join(dir, `s${seed}`, 'nested');
      const targets = OUTPUT_FORMATS.map((format) => ({ format, path: path.join(outDir, `doc.${format}`) }));
      const out = collector();
      const stdoutFormat = OUTPUT_FORMATS[seed % OUTPUT_FORMATS.length]!;
      const count = await writeBilingualStream(framed(doc), [...targets, { format: stdoutFormat, path: null }], { stdout: out.stream, tmpDir: dir });
      expect(count).toBe(doc.paragraphs.length);
      for (const t of targets) expect(readFileSync(t.path, 'utf8'), `${t.format} seed ${seed}`).toBe(render(t.format, doc));
      expect(out.text(), `stdout ${stdoutFormat} seed ${seed}`).toBe(render(stdoutFormat, doc));
      expect(readdirSync(outDir).sort()).toEqual(targets.map((t) => path.basename(t.path)).sort()); // no temp files left
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('da2en-spool-'))).toEqual([]);
  });

  it('streams English-only output to stdout before the end', async () => {
    const doc = fixtureDocument();
    const out = collector();
    const seen: number[] = [];
    const source = framed(doc);
    const watched: FramedParagraphs = {
      frame: () => source.frame(),
      result: () => source.result(),
      async *[Symbol.asyncIterator]() {
        for await (const p of source) {
          seen.push(out.text().length);
          yield p;
        }
      },
    };
    await writeBilingualStream(watched, [{ format: 'en', path: null }], { stdout: out.stream });
    expect(seen.at(-1)).toBeGreaterThan(0);
    expect(out.text()).toBe(render('en', doc));
  });

  it('on failure leaves no output, no temp file, no new folder, and an existing file untouched', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-wf-'));
    const existing = path.join(dir, 'old.html');
    writeFileSync(existing, 'previous contents');
    const newDir = path.join(dir, 'made', 'for', 'this');
    const targets = [
      { format: 'html' as const, path: existing },
      { format: 'en' as const, path: path.join(dir, 'old.en.txt') },
      { format: 'json' as const, path: path.join(newDir, 'x.json') },
      { format: 'md' as const, path: path.join(newDir, 'x.md') },
    ];
    await expect(writeBilingualStream(framed(fixtureDocument(), 3), targets)).rejects.toThrow('translation failed');
    expect(readFileSync(existing, 'utf8')).toBe('previous contents');
    expect(readdirSync(dir)).toEqual(['old.html']);
    expect(existsSync(path.join(dir, 'made'))).toBe(false);
  });

  it('a stop before the outputs are put in place leaves none of them, even those already finished', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-wstop-'));
    const existing = path.join(dir, 'old.html');
    writeFileSync(existing, 'previous contents');
    const newDir = path.join(dir, 'made', 'for', 'this');
    const stop = new AbortController();
    // Standard output is finished last: the stop comes as its head is written, after both files were.
    const stdout = new Writable({
      write(_chunk, _encoding, callback) {
        stop.abort(new Error('interrupted'));
        callback();
      },
    });
    const targets = [
      { format: 'html' as const, path: existing },
      { format: 'json' as const, path: path.join(newDir, 'x.json') },
      { format: 'json' as const, path: null },
    ];
    await expect(writeBilingualStream(framed(fixtureDocument()), targets, { stdout, tmpDir: dir, signal: stop.signal })).rejects.toThrow('interrupted');
    expect(readFileSync(existing, 'utf8')).toBe('previous contents');
    expect(readdirSync(dir)).toEqual(['old.html']);
    expect(trackedTempCount()).toBe(0);
  });

  it('removeTempFilesNow (an exit that cannot wait) removes every temp file and folder of the outputs being written', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-wnow-'));
    const existing = path.join(dir, 'old.html');
    writeFileSync(existing, 'previous contents');
    const newDir = path.join(dir, 'made', 'for', 'this');
    const targets = [
      { format: 'html' as const, path: existing },
      { format: 'md' as const, path: path.join(newDir, 'x.md') },
      { format: 'json' as const, path: null },
    ];
    const source = framed(fixtureDocument());
    let during: string[] = [];
    let after: string[] = [];
    const interrupted: FramedParagraphs = {
      frame: () => source.frame(),
      result: () => source.result(),
      async *[Symbol.asyncIterator]() {
        let n = 0;
        for await (const p of source) {
          if (n++ === 2) {
            during = readdirSync(dir, { recursive: true }) as string[];
            removeTempFilesNow();
            after = readdirSync(dir, { recursive: true }) as string[];
            throw new Error('exited');
          }
          yield p;
        }
      },
    };
    await expect(writeBilingualStream(interrupted, targets, { stdout: collector().stream, tmpDir: dir })).rejects.toThrow('exited');
    // Temp files beside both files, the spool of standard output's in tmpDir, the folders made.
    expect(during.filter((f) => f.endsWith('.tmp') || f.startsWith('da2en-spool-')).length).toBeGreaterThanOrEqual(5);
    expect(during).toContain('made');
    expect(after).toEqual(['old.html']);
    expect(readFileSync(existing, 'utf8')).toBe('previous contents');
  });

  it('a rename that fails (a folder put in the way at the last moment) takes the earlier ones back: no output changed, nothing left', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-wundo-'));
    const existing = path.join(dir, 'old.html');
    writeFileSync(existing, 'previous contents');
    const fresh = path.join(dir, 'new', 'x.md');
    const blocked = path.join(dir, 'x.json');
    const source = framed(fixtureDocument());
    // result() is asked for once every paragraph was written, before the outputs are finished and renamed.
    const blocking: FramedParagraphs = {
      frame: () => source.frame(),
      result: () => {
        mkdirSync(blocked);
        return source.result();
      },
      [Symbol.asyncIterator]: () => source[Symbol.asyncIterator](),
    };
    const targets = [
      { format: 'html' as const, path: existing },
      { format: 'md' as const, path: fresh },
      { format: 'json' as const, path: blocked },
    ];
    const error = await writeBilingualStream(blocking, targets).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Da2enError);
    expect((error as Da2enError).message).toBe(`cannot write ${blocked}: it is a folder`);
    expect(readFileSync(existing, 'utf8')).toBe('previous contents');
    expect(readdirSync(dir).sort()).toEqual(['old.html', 'x.json']);
    expect(readdirSync(blocked)).toEqual([]);
    expect(trackedTempCount()).toBe(0);
  });

  it('an exit at once while the outputs are being renamed puts back what they replaced', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-wundo-now-'));
    const file = path.join(dir, 'a.txt');
    writeFileSync(file, 'old');
    const sink = await createAtomicFileSink(file);
    await sink.write('new');
    await sink.place();
    expect(readFileSync(file, 'utf8')).toBe('new');
    removeTempFilesNow();
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['a.txt']);
    const created = path.join(dir, 'made', 'b.txt');
    const other = await createAtomicFileSink(created);
    await other.write('new');
    (await other.place()).keep();
    expect(readFileSync(created, 'utf8')).toBe('new');
    expect(readdirSync(path.join(dir, 'made'))).toEqual(['b.txt']);
    const third = await createAtomicFileSink(path.join(dir, 'more', 'c.txt'));
    await third.write('new');
    (await third.place()).undo();
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'made']);
    expect(trackedTempCount()).toBe(0);
  });

  it('a written output leaves nothing tracked for removal', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-wdone-'));
    await writeBilingualStream(framed(fixtureDocument()), [{ format: 'html', path: path.join(dir, 'new', 'x.html') }, { format: 'json', path: null }], { stdout: collector().stream, tmpDir: dir });
    expect(trackedTempCount()).toBe(0);
    removeTempFilesNow();
    expect(readdirSync(path.join(dir, 'new'))).toEqual(['x.html']);
  });

  it('writeStreamAtomically renames into place only when complete; writeStreamTo writes as it goes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-wa-'));
    const file = path.join(dir, 'a.txt');
    writeFileSync(file, 'old');
    async function* failing() {
      yield 'new ';
      expect(readFileSync(file, 'utf8')).toBe('old');
      throw new Error('stop');
    }
    await expect(writeStreamAtomically(file, failing())).rejects.toThrow('stop');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['a.txt']);
    await writeStreamAtomically(file, ['æ', 'ø'.repeat(100_000), '\n']);
    expect(readFileSync(file, 'utf8')).toBe(`æ${'ø'.repeat(100_000)}\n`);
    expect(readdirSync(dir)).toEqual(['a.txt']);
    const out = collector();
    await writeStreamTo(out.stream, ['a', 'b']);
    expect(out.text()).toBe('ab');
  });
});
