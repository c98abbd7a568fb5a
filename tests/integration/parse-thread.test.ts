/**
 * Markdown and web pages parsed in a worker thread (src/io/parse-thread.ts), as the translate
 * command and a queue worker parse them: the article, or the error, is the one parsed on this
 * thread gives, and a stop ends a parse that would take minutes (micromark on nested emphasis).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Da2enError, inputUserError } from '../../src/errors.js';
import { NoArticleError } from '../../src/input/errors.js';
import { parseHere, type ParseJob } from '../../src/input/parse-article.js';
import { ParseThread } from '../../src/io/parse-thread.js';
import { processArticle } from '../../src/queue/index.js';
import type { ArticleJobData } from '../../src/queue/job.js';
import { FakeTranslator } from '../helpers/fake-translator.js';
import { page } from '../helpers/news-server.js';

const MARKDOWN = '---\ntitle: Havnebad\n---\n# Havnebadet åbner\n\nKommunen **forventer** mange [gæster](https://example.dk).\n\n> Vi glæder os.\n\n- Gratis\n- Åbent\n';

/** Minutes of micromark's time on this machine (240 KB, well under the 8 MiB limit). */
const HOSTILE_MARKDOWN = `${'*_'.repeat(60_000)}\n`;

const outcome = (p: Promise<unknown>) => p.then((value) => ({ value }), (error: unknown) => ({ error }));

describe('parsing in a worker thread', () => {
  const thread = new ParseThread('markdown');
  afterAll(() => thread.close());

  it.each<[string, ParseJob]>([
    ['Markdown', { job: 'markdown', text: MARKDOWN, inputName: 'havnebad.md' }],
    ['a page', { job: 'html', html: page('dr-like.html'), options: { url: 'https://nyheder.example/artikel', inputName: 'dr-like.html' } }],
  ])('%s: the same article as parsed on this thread', async (_, job) => {
    expect(await thread.parse(job)).toStrictEqual(await parseHere.parse(job));
  });

  it('errors cross as the da2en errors the readers map them to: no article, nested too deeply', async () => {
    const front = await outcome(thread.parse({ job: 'html', html: page('front-page.html'), options: { inputName: 'forside' } }));
    expect((front as { error: unknown }).error).toBeInstanceOf(NoArticleError);
    const deep: ParseJob = { job: 'markdown', text: `${'>'.repeat(150)} dybt\n`, inputName: 'dyb.md' };
    const here = await outcome(parseHere.parse(deep));
    const there = await outcome(thread.parse(deep));
    const expected = inputUserError((here as { error: unknown }).error) as Da2enError;
    expect(expected.kind).toBe('input');
    // The cause stays behind in the worker.
    const crossed = (there as { error: unknown }).error as Da2enError;
    expect(crossed).toBeInstanceOf(Da2enError);
    expect({ kind: crossed.kind, message: crossed.message }).toEqual({ kind: expected.kind, message: expected.message });
  });

  it('a queued Markdown job stopped while it is parsed ends with the stop\'s reason within seconds (was: after the whole parse)', async () => {
    const data: ArticleJobData = {
      name: 'fjendtlig.md',
      bytes: Buffer.from(HOSTILE_MARKDOWN).toString('base64'),
      inputFormat: 'md',
      engine: { model: 'fake', dtype: 'none', beams: 1 },
      pipeline: { encoding: 'utf8', maxChunkTokens: 256, packSentences: false, batchTokens: 4096, maxBatchSize: 32 },
      outputs: [{ format: 'html', file: 'fjendtlig.da-en.html' }],
      outDir: null,
    };
    const stop = new AbortController();
    const reason = new Da2enError('interrupted', 'worker stopping');
    const started = Date.now();
    const job = outcome(processArticle(data, { translator: new FakeTranslator(), signal: stop.signal }));
    // Parsed on this thread, the job would hold it (this timer too) until the parse was over.
    setTimeout(() => stop.abort(reason), 1_000);
    expect(await job).toEqual({ error: reason });
    // A bound for a loaded machine: the parse alone takes minutes.
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
