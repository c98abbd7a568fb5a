/**
 * The queue's edges, each once: an article read as the translate command reads it (Markdown), job
 * ids that follow the outputs, a failed article queued again, `queue results` with outputs that share
 * a name, readers that leave early, and a worker whose Redis is not there (at start, or gone).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useQueueBed } from '../helpers/queue-bed.js';
import { startTestRedis } from '../../tools/redis-server.js';
import { openQueue } from '../../src/queue/index.js';
import { spawnWorker, stopWorkers, waitForQueue, workerReady, workerSummary } from '../../tools/queue-run.js';
import { FAST_STALL } from '../helpers/queue-scenarios.js';
import { spawnCli } from '../helpers/spawn-cli.js';

const bed = useQueueBed('da2en-queue-out-');
const { cli, engine } = bed;

/** The CLI with its standard input given `text`. */
function cliWithStdin(args: string[], text: string) {
  const run = spawnCli(args, {}, { stdin: 'pipe' });
  run.child.stdin!.end(text);
  return run.done;
}

/** The CLI with the reading end of `stream` closed before it writes a byte (`… | head` that has already left). */
function cliReaderGone(args: string[], stream: 'stdout' | 'stderr') {
  const run = spawnCli(args);
  run.child[stream]!.destroy();
  return run.done;
}

/** Failure reasons of the failed jobs, by article name. */
async function failedReasons(url: string): Promise<Map<string, string[]>> {
  const { queue, close } = openQueue(url);
  try {
    const reasons = new Map<string, string[]>();
    for (const job of await queue.getJobs(['failed'])) reasons.set(job.data.name, [...(reasons.get(job.data.name) ?? []), job.failedReason]);
    return reasons;
  } finally {
    await close();
  }
}

const MARKDOWN = ['---', 'title: Ikke oversat', '---', '', '# Vejret i dag', '', 'Det regner i hele landet i dag.', '', '```', 'kode(her)', '```', '', '| By | Vejr |', '| --- | --- |', '| Aarhus | regn |', ''].join('\n');

describe('queue add: reading, job ids and failed jobs', () => {
  it('reads Markdown as the translate command does, gives each output its own job, and queues a failed article again', async () => {
    const url = `${bed.redis.url}/1`;
    const dir = path.join(bed.work, 'add');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    const md = path.join(dir, 'vejr.md');
    writeFileSync(md, MARKDOWN);
    const x = path.join(dir, 'x.txt');
    const copy = path.join(dir, 'sub', 'copy.txt');
    writeFileSync(x, 'Det er en god dag i København.\n');
    writeFileSync(copy, 'Det er en god dag i København.\n');
    const plainFile = path.join(dir, 'plain');
    writeFileSync(plainFile, 'a file where the output folder should be\n');
    const out = (name: string) => path.join(dir, name);
    const add = (args: string[]) => cli(['queue', 'add', ...args, '--redis', url, ...engine()]);

    // Front matter and nothing else: no text to translate, as `da2en translate` says.
    const bare = path.join(dir, 'bare.md');
    writeFileSync(bare, '---\ntitle: Kun forside\n---\n');
    expect((await add([md, bare, '--out-dir', out('md'), '--format', 'md,en'])).stderr).toMatch(/^queued 2 articles /);
    expect((await add([x, '--out-store', 'redis', '--format', 'html,json'])).stderr).toMatch(/^queued 1 article /);
    // Other formats or another destination: another job, or that output would never be written.
    expect((await add([x, '--out-dir', out('D'), '--format', 'md'])).stderr).toMatch(/^queued 1 article on "da2en" at \S+\n$/);
    // Two files with the same bytes are two articles with two outputs.
    expect((await add([x, copy, '--out-dir', out('E')])).stderr).toMatch(/^queued 2 articles on "da2en" at \S+\n$/);
    // The very same command again: nothing new.
    expect((await add([x, copy, '--out-dir', out('E')])).stderr).toMatch(/^queued 0 articles .*\(2 already queued with the same content, model and options\)\n$/);
    // Fails for good: its output folder is inside a plain file.
    expect((await add([x, '--out-dir', path.join(plainFile, 'out'), '--attempts', '1'])).stderr).toMatch(/^queued 1 article /);

    const worker = spawnWorker({ redis: url, queue: 'da2en', model: bed.model, extra: [...FAST_STALL, '--memory', 'none'] });
    await workerReady(worker);
    const first = await waitForQueue(url, 'da2en', (s) => s.completed + s.failed === 7 && s.active === 0, 600_000, [worker]);
    expect(first).toMatchObject({ completed: 5, failed: 2 });

    // `queue status | head`, the reader gone: the failed list is dropped quietly, no EPIPE trace.
    const piped = await cliReaderGone(['queue', 'status', '--redis', url], 'stdout');
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);

    // The Markdown article as `da2en translate` reads it: no front matter, the code block kept, table cells.
    const ref = path.join(bed.work, 'ref-md');
    const direct = await cli([md, ...engine(), '--offline', '--no-cache', '--format', 'en', '--out-dir', ref]);
    expect(direct.code, direct.stderr).toBe(0);
    const queuedEn = readFileSync(path.join(out('md'), 'vejr.en.txt'), 'utf8');
    expect(queuedEn).toBe(readFileSync(path.join(ref, 'vejr.en.txt'), 'utf8'));
    const queuedMd = readFileSync(path.join(out('md'), 'vejr.da-en.md'), 'utf8');
    expect(queuedMd).not.toContain('Ikke oversat');
    expect(queuedMd).not.toContain('| By | Vejr |');
    expect(queuedMd).toContain('kode(her)');
    // A bad Markdown article fails with the line `da2en translate` prints for it.
    const bareDirect = await cli([bare, ...engine(), '--offline', '--no-cache', '--format', 'en', '--out-dir', ref]);
    expect(bareDirect.code).toBe(3);
    const failed = await failedReasons(url);
    expect(failed.get(bare)?.map((r) => `da2en: ${r}\n`)).toEqual([bareDirect.stderr]);
    // Every output of every job written.
    expect(readdirSync(out('D'))).toEqual(['x.da-en.md']);
    expect(readdirSync(out('E')).sort()).toEqual(['copy.da-en.html', 'x.da-en.html']);

    // The cause fixed, the same command queues the failed article again.
    rmSync(plainFile);
    const again = await add([x, '--out-dir', path.join(plainFile, 'out'), '--attempts', '1']);
    expect(again.stderr).toMatch(/^queued 1 article on "da2en" at \S+ \(re-queued 1 failed\)\n$/);
    const second = await waitForQueue(url, 'da2en', (s) => s.completed === 6 && s.active === 0 && s.waiting === 0, 600_000, [worker]);
    expect(second).toMatchObject({ completed: 6, failed: 1 });
    expect(existsSync(path.join(plainFile, 'out', 'x.da-en.html'))).toBe(true);
    const [end] = await stopWorkers([worker]);
    expect(end!.code).toBe(0);
  }, 900_000);
});

describe('queue add: output names across calls', () => {
  it('refuses an article whose --out-dir file another article added earlier writes, and lets the same article be added again', async () => {
    const url = `${bed.redis.url}/5`;
    const dir = path.join(bed.work, 'claims');
    mkdirSync(path.join(dir, 'a'), { recursive: true });
    mkdirSync(path.join(dir, 'b'), { recursive: true });
    const ax = path.join(dir, 'a', 'x.txt');
    const bx = path.join(dir, 'b', 'x.txt');
    writeFileSync(ax, 'Det regner i Aarhus.\n');
    writeFileSync(bx, 'Solen skinner i Odense.\n');
    const out = path.join(dir, 'out');
    const add = (args: string[], stdin?: string) => {
      const all = ['queue', 'add', ...args, '--redis', url, ...engine()];
      return stdin === undefined ? cli(all) : cliWithStdin(all, stdin);
    };
    const jobs = async () => (await waitForQueue(url, 'da2en', () => true)).total;

    expect((await add([ax, '--out-dir', out, '--format', 'html,md'])).code).toBe(0);
    const clash = await add([bx, '--out-dir', out, '--format', 'md']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toBe(`da2en: ${bx} would write ${path.join(out, 'x.da-en.md')}, which ${ax} queued earlier writes; give it another --out-dir, or rename it. Nothing was queued\n`);
    expect(await jobs()).toBe(1);
    // Nothing of a refused call is queued, not even its other articles.
    const other = path.join(dir, 'b', 'y.txt');
    writeFileSync(other, 'Det blæser i Esbjerg.\n');
    expect((await add([other, bx, '--out-dir', out])).code).toBe(2);
    expect(await jobs()).toBe(1);
    // The same article again, edited: an update of its own files.
    writeFileSync(ax, 'Det regner stadig i Aarhus.\n');
    expect((await add([ax, '--out-dir', out])).stderr).toMatch(/^queued 1 article /);
    // Elsewhere, or under its own name, there is no clash.
    expect((await add([bx, '--out-dir', path.join(dir, 'out-b')])).stderr).toMatch(/^queued 1 article /);
    expect((await add([other, '--out-dir', out])).stderr).toMatch(/^queued 1 article /);

    // Standard input: the same text again is the same article; other text needs its own --name.
    expect((await add(['-', '--out-dir', out], 'Det er en god dag.\n')).code).toBe(0);
    expect((await add(['-', '--out-dir', out], 'Det er en god dag.\n')).stderr).toMatch(/\(1 already queued with the same content, model and options\)/);
    const unnamed = await add(['-', '--out-dir', out], 'Det er en dårlig dag.\n');
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toContain(`stdin would write ${path.join(out, 'stdin.da-en.html')}, which another article from standard input queued earlier writes; give it another --name or --out-dir`);
    expect((await add(['-', '--name', 'dag', '--out-dir', out], 'Det er en dårlig dag.\n')).code).toBe(0);
    expect(await jobs()).toBe(6);
  }, 300_000);
});

describe('queue add: an output folder through a link', () => {
  it('is the folder it links to: another article\'s files are refused, and the queue\'s own outputs left out', async () => {
    const url = `${bed.redis.url}/7`;
    const dir = path.join(bed.work, 'linked');
    for (const sub of ['a', 'b', 'out', 'in']) mkdirSync(path.join(dir, sub), { recursive: true });
    writeFileSync(path.join(dir, 'a', 'x.txt'), 'Det regner i Aarhus.\n');
    writeFileSync(path.join(dir, 'b', 'x.txt'), 'Solen skinner i Odense.\n');
    writeFileSync(path.join(dir, 'in', 'a.txt'), 'Det blæser i Esbjerg.\n');
    symlinkSync('out', path.join(dir, 'outlink'));
    symlinkSync('in', path.join(dir, 'inlink'));
    const add = (args: string[]) => cli(['queue', 'add', ...args, '--format', 'txt', '--redis', url, ...engine()]);

    expect((await add([path.join(dir, 'a', 'x.txt'), '--out-dir', path.join(dir, 'out')])).code).toBe(0);
    const clash = await add([path.join(dir, 'b', 'x.txt'), '--out-dir', path.join(dir, 'outlink')]);
    expect(clash.stderr).toContain(`would write ${path.join(dir, 'outlink', 'x.da-en.txt')}, which ${path.join(dir, 'a', 'x.txt')} queued earlier writes`);
    expect(clash.code).toBe(2);

    const folder = path.join(dir, 'in');
    expect((await add([folder, '--out-dir', path.join(dir, 'inlink')])).stderr).toMatch(/^queued 1 article /);
    // As a worker leaves it.
    writeFileSync(path.join(folder, 'a.da-en.txt'), 'Det blæser i Esbjerg.\nIt is windy in Esbjerg.\n');
    const again = await add([folder, '--out-dir', path.join(dir, 'inlink')]);
    expect(again.stderr).toMatch(/^queued 0 articles .*\(1 already queued with the same content, model and options; 1 file in the folders left out: this queue's own outputs\)\n$/);
    expect(again.code).toBe(0);
  }, 300_000);

  it('`link/..` is the folder holding where the link leads, as the system (and translate) reads it', async () => {
    const url = `${bed.redis.url}/8`;
    const dir = path.join(bed.work, 'dotdot');
    mkdirSync(path.join(dir, 'real', 'sub'), { recursive: true });
    mkdirSync(path.join(dir, 'w'));
    symlinkSync(path.join('..', 'real', 'sub'), path.join(dir, 'w', 'L'));
    const input = path.join(dir, 'w', 'a.txt');
    writeFileSync(input, 'Det regner i Aarhus.\n');
    const added = await cli(['queue', 'add', input, '--out-dir', `${dir}/w/L/../q`, '--redis', url, ...engine()]);
    expect(added.code, added.stderr).toBe(0);
    const { queue, close } = openQueue(url);
    try {
      const [job] = await queue.getJobs(['waiting']);
      expect(job!.data.outDir).toBe(path.join(realpathSync(dir), 'real', 'q'));
    } finally {
      await close();
    }
  }, 300_000);
});

describe('queue add: outputs over files that are not the queue\'s', () => {
  it('refuses an output that is an input or a file it did not write, and leaves its own outputs in an added folder out', async () => {
    const url = `${bed.redis.url}/6`;
    const arch = path.join(bed.work, 'arch');
    mkdirSync(arch);
    const file = (name: string) => path.join(arch, name);
    writeFileSync(file('b.txt'), 'Første artikel.\n');
    writeFileSync(file('b.en.txt'), 'Anden artikel, originalen.\n');
    const add = (args: string[]) => cli(['queue', 'add', ...args, '--redis', url, ...engine()]);
    const jobs = async () => (await waitForQueue(url, 'da2en', () => true)).total;

    // b.txt's English would replace the article b.en.txt.
    const input = await add([arch, '--out-dir', arch, '--format', 'en,txt']);
    expect(input.stderr).toBe(`da2en: output ${file('b.en.txt')} is an input file; refusing to overwrite it. Nothing was queued\n`);
    expect(input.code).toBe(2);
    // A file of someone else's where an output would go (not an article: not found in the folder).
    writeFileSync(file('b.da-en.html'), '<p>mine</p>\n');
    const foreign = await add([file('b.txt'), '--out-dir', arch, '--format', 'html']);
    expect(foreign.stderr).toBe(`da2en: ${file('b.txt')} would write ${file('b.da-en.html')}, which exists and is no output of this queue; refusing to overwrite it: move it away, or give another --out-dir. Nothing was queued\n`);
    expect(foreign.code).toBe(2);
    expect(await jobs()).toBe(0);
    expect(readFileSync(file('b.en.txt'), 'utf8')).toBe('Anden artikel, originalen.\n');

    // Its own outputs are no obstacle, and no articles: the same command again queues nothing new.
    rmSync(file('b.en.txt'));
    rmSync(file('b.da-en.html'));
    expect((await add([arch, '--out-dir', arch, '--format', 'en,txt'])).stderr).toMatch(/^queued 1 article /);
    // As a worker leaves them.
    writeFileSync(file('b.en.txt'), 'First article.\n');
    writeFileSync(file('b.da-en.txt'), 'Første artikel.\nFirst article.\n');
    const again = await add([arch, '--out-dir', arch, '--format', 'en,txt']);
    expect(again.stderr).toMatch(/^queued 0 articles .*\(1 already queued with the same content, model and options; 2 files in the folders left out: this queue's own outputs\)\n$/);
    expect(await jobs()).toBe(1);
  }, 300_000);
});

describe('queue results and the worker', () => {
  it('writes outputs that share a name under names tagged with their job, and a worker stops on SIGTERM with its Redis gone', async () => {
    // Its own Redis: stopped at the end, under the worker.
    const own = await startTestRedis();
    try {
      const url = `${own.url}/2`;
      const dir = path.join(bed.work, 'results');
      mkdirSync(path.join(dir, 'a'), { recursive: true });
      mkdirSync(path.join(dir, 'b'), { recursive: true });
      writeFileSync(path.join(dir, 'a', 'x.txt'), 'Det regner i Aarhus.\n');
      writeFileSync(path.join(dir, 'b', 'x.txt'), 'Solen skinner i Odense.\n');
      const store = ['--redis', url, ...engine(), '--out-store', 'redis'];
      for (const text of ['Det er en god dag.\n', 'Det er en dårlig dag.\n']) expect((await cliWithStdin(['queue', 'add', '-', ...store], text)).code).toBe(0);
      for (const sub of ['a', 'b']) expect((await cli(['queue', 'add', path.join(dir, sub, 'x.txt'), ...store])).code).toBe(0);

      const worker = spawnWorker({ redis: url, queue: 'da2en', model: bed.model, extra: [...FAST_STALL, '--memory', 'none'] });
      await workerReady(worker);
      await waitForQueue(url, 'da2en', (s) => s.completed === 4 && s.active === 0, 600_000, [worker]);

      const outDir = path.join(dir, 'out');
      const results = await cli(['queue', 'results', '--redis', url, '--out-dir', outDir]);
      expect(results.code, results.stderr).toBe(0);
      const names = readdirSync(outDir).sort();
      expect(names).toHaveLength(4);
      expect(names.filter((n) => n === 'stdin.da-en.html' || /^stdin\.[0-9a-f]{8}\.da-en\.html$/.test(n))).toHaveLength(2);
      expect(names.filter((n) => n === 'x.da-en.html' || /^x\.[0-9a-f]{8}\.da-en\.html$/.test(n))).toHaveLength(2);
      expect(new Set(names.map((n) => readFileSync(path.join(outDir, n), 'utf8'))).size).toBe(4);
      expect(results.stderr).toMatch(/stdin\.da-en\.html is an earlier-finished article's name; written as stdin\.[0-9a-f]{8}\.da-en\.html/);
      expect(results.stderr).toContain('wrote 4 files into');
      // Written again, with nobody reading its messages: the same names, no trace, exit 0.
      const again = path.join(dir, 'again');
      const quiet = await cliReaderGone(['queue', 'results', '--redis', url, '--out-dir', again, '--verbose'], 'stderr');
      expect(quiet.code).toBe(0);
      expect(readdirSync(again).sort()).toEqual(names);

      // Redis gone under an idle worker (it keeps reconnecting): SIGTERM still stops it, exit 0.
      await own.stop();
      worker.child.kill('SIGTERM');
      const end = await worker.done;
      expect(end.code, end.stderr.slice(-600)).toBe(0);
      // Idle: nothing to finish, and it says so.
      expect(end.stderr).toContain('stopping: no article in progress\n');
      expect(end.stderr).not.toContain('finishing');
      expect(workerSummary(end.stderr)).toMatchObject({ done: 4, failed: 0 });
    } finally {
      await own.dispose();
    }
  }, 900_000);

  it('a worker whose Redis cannot be reached says so in one line and exits 6, as queue add does', async () => {
    const down = await cli(['worker', '--redis', 'redis://127.0.0.1:1', ...engine(), '--offline']);
    expect(down.stderr).toMatch(/^da2en: cannot reach the queue's Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.* \(is redis-server running there\? see --redis\)\n$/);
    expect(down.code).toBe(6);
  }, 120_000);

  it('so does a worker whose --memory-redis cannot be reached, or refuses its password (it took a job and waited on it for ever)', async () => {
    const down = await cli(['worker', '--redis', bed.redis.url, '--memory-redis', 'redis://127.0.0.1:1', ...engine(), '--offline']);
    expect(down.stderr).toMatch(/^da2en: cannot use the translation memory in Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.* \(is redis-server running there\?\)\n$/);
    expect(down.code).toBe(6);
    const denied = await cli(['worker', '--redis', bed.redis.url, '--memory-redis', `redis://nosuch:wrong@${new URL(bed.redis.url).host}`, ...engine(), '--offline']);
    expect(denied.stderr).toMatch(/^da2en: cannot use the translation memory in Redis at redis:\/\/nosuch:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS .*\n$/);
    expect(denied.stderr).not.toContain('wrong');
    expect(denied.code).toBe(6);
  }, 120_000);
});
