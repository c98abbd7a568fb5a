/** The `queue` commands' work (loaded only when one runs: it pulls in BullMQ). */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import { Da2enError } from '../../errors.js';
import { redactRedisUrl } from '../../cache/redis-memory.js';
import type { JobEngine, JobOutput, JobPipeline } from '../../queue/job.js';
import { addArticles, claimOutputs, failedJobs, openQueue, outputHolders, queueStatus, queueUnreachable, safeJoin, writeResults, type ArticleToAdd, type ClaimConflict, type OutputClaim, type QueueStatus } from '../../queue/index.js';
import { detectInputFormat, isUrl, shownInput } from '../../input/input-format.js';
import { fileIdentity, pathKey, physicalPath, realPathKey } from '../../io/same-file.js';
import { checkNameLength } from '../../io/sinks.js';
import { ExitCode } from '../exit-codes.js';
import { stemOf, suffixFor, type Format } from '../output-plan.js';
import type { CliContext } from '../context.js';
import { modelFrom } from '../shared-options.js';
import { inCommandWords } from '../setting-words.js';
import { jobEngine } from './job-engine.js';
import type { QueueAddArgs, QueueResultsArgs, QueueStatusArgs } from './queue-options.js';

/** Article files in a folder: .txt, .text and .md, in every subfolder, in name order. */
const ARTICLE_FILE = /\.(txt|text|md)$/i;

interface Planned {
  /** Path to read ("-" for standard input). */
  input: string;
  /** Name kept in the job (the path as given, or the --name for standard input). */
  name: string;
  /** Output file name without the format suffix, relative to the output folder. */
  base: string;
  /** Found in a folder named on the command line (not named itself). */
  walked?: true;
  /** The file's real path (links resolved): which article it is, across spellings and adds. */
  real?: string;
}

async function walk(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(full)));
    else if (entry.isFile() && ARTICLE_FILE.test(entry.name)) found.push(full);
  }
  return found;
}

/**
 * Files, folders and "-" into articles with their output names; every path is checked before anything
 * is queued. Files in a folder that `isOutput` says are this queue's own outputs (written there by an
 * earlier `queue add … --out-dir` into that folder) are not articles: they are left out and counted.
 */
async function planInputs(inputs: readonly string[], stdinName: string | undefined, isOutput: (files: string[]) => Promise<boolean[]>): Promise<{ planned: Planned[]; outputsLeftOut: number }> {
  if (inputs.filter((i) => i === '-').length > 1) throw new Da2enError('usage', 'standard input (-) can be read only once');
  const planned: Planned[] = [];
  for (const input of inputs) {
    if (input === '-') {
      const name = stdinName ?? 'stdin';
      planned.push({ input, name, base: stemOf(name === 'stdin' ? '-' : name) });
      continue;
    }
    if (isUrl(input)) throw new Da2enError('usage', `${shownInput(input)}: a URL cannot be queued (its bytes travel in the job); save the page and queue the file`);
    if (!existsSync(input)) throw new Da2enError('input', `cannot read ${input}: no such file`);
    if (statSync(input).isDirectory()) {
      const files = await walk(input);
      if (files.length === 0) throw new Da2enError('input', `${input} holds no .txt or .md files`);
      for (const file of files) {
        const rel = path.relative(input, file);
        planned.push({ input: file, name: file, base: path.join(path.dirname(rel), stemOf(rel)), walked: true });
      }
    } else {
      planned.push({ input, name: input, base: stemOf(input) });
    }
  }
  for (const p of planned) if (p.input !== '-') p.real = await realPathKey(p.input);
  const walked = planned.filter((p) => p.walked);
  const outputs = walked.length > 0 ? await isOutput(walked.map((p) => p.real!)) : [];
  const leftOut = new Set(walked.filter((_, i) => outputs[i]));
  // The same file named twice (directly, through its folder, or through a link) is one article.
  const unique = [...new Map(planned.filter((p) => !leftOut.has(p)).map((p) => [p.real ?? '-', p])).values()];
  const seen = new Map<string, string>();
  for (const p of unique) {
    const other = seen.get(p.base);
    if (other !== undefined) throw new Da2enError('usage', `${other} and ${p.name} would both write ${p.base}${suffixFor('html').replace('.html', '.*')}; give them different names`);
    seen.set(p.base, p.name);
  }
  return { planned: unique, outputsLeftOut: leftOut.size };
}

/**
 * Which article writes a file, for the claims on --out-dir names: a file by its real path;
 * standard input by its --name, else by its content (two different unnamed articles are two).
 */
function articleSource(p: Planned, stdinName: string | undefined, stdinBytes: Buffer | null): string {
  if (p.real !== undefined) return p.real;
  return stdinName !== undefined ? `-:name:${stdinName}` : `-:sha256:${createHash('sha256').update(stdinBytes ?? '').digest('hex')}`;
}

function describeSource(source: string): string {
  if (source.startsWith('-:name:')) return `standard input named ${source.slice(7)}`;
  if (source.startsWith('-:')) return 'another article from standard input';
  return source;
}

/** The one line for output files that another article, queued earlier, writes. */
function claimError(conflicts: readonly ClaimConflict[], article: Planned): Da2enError {
  const first = conflicts[0]!;
  const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more file${conflicts.length === 2 ? '' : 's'})` : '';
  const fix = article.input === '-' ? 'give it another --name or --out-dir' : 'give it another --out-dir, or rename it';
  return new Da2enError('usage', `${article.name} would write ${first.target}, which ${describeSource(first.holder)} queued earlier writes${more}; ${fix}. Nothing was queued`);
}

async function readStdin(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

export async function runQueueAdd(args: QueueAddArgs, ctx: CliContext): Promise<number> {
  if (args.outDir !== undefined && args.outStore !== undefined) {
    // Both given: "say where the outputs go" read as if neither had been.
    throw new Da2enError('usage', 'give one place for the outputs, not both: --out-dir DIR (written by the workers) or --out-store redis (then "da2en queue results")');
  }
  if (args.outDir === undefined && args.outStore === undefined) {
    throw new Da2enError('usage', 'say where the outputs go: --out-dir DIR (written by the workers) or --out-store redis (then "da2en queue results")');
  }
  const formats: Format[] = args.format ?? ['html'];
  const engine: JobEngine = jobEngine(modelFrom(args), args.dtype, args.beams);
  const pipeline: JobPipeline = {
    encoding: args.encoding,
    maxChunkTokens: args.maxChunkTokens,
    packSentences: args.packSentences,
    batchTokens: args.batchTokens,
    maxBatchSize: args.maxBatchSize,
  };
  // `link/..` is where the link leads' parent, as translate's --out-dir reads it (physicalPath).
  const outDir = args.outDir !== undefined ? path.resolve(await physicalPath(args.outDir)) : null;
  // Its files are recorded by their real paths, so that a link to the folder is the same folder; the
  // workers write into outDir as given (their mounts of a share may differ from this machine's).
  const outKey = outDir !== null ? await realPathKey(outDir) : null;
  const { queue, connection, close } = openQueue(args.redis, args.queue);
  const unreachable = (err: unknown) => {
    throw queueUnreachable(args.redis, err);
  };
  let added = 0;
  let requeued = 0;
  let rewritten = 0;
  let existing = 0;
  let outputsLeftOut: number;
  try {
    const plan = await planInputs(args.inputs, args.name, async (files) => (await outputHolders(queue, connection, files).catch(unreachable)).map((h) => h !== null));
    const planned = plan.planned;
    outputsLeftOut = plan.outputsLeftOut;
    // As the translate command refuses it, before anything is queued: a worker would fail on it at every try.
    // Kept in Redis, a name's folder is `queue results`' to choose: only the name is measured.
    for (const p of planned) {
      for (const format of formats) {
        const name = p.base + suffixFor(format);
        if (outDir !== null) checkNameLength(safeJoin(outDir, name));
        else checkNameLength(name, name);
      }
    }
    const stdinBytes = planned.some((p) => p.input === '-') ? await readStdin(ctx.stdin) : null;
    const sourceOf = (p: Planned) => articleSource(p, args.name, stdinBytes);
    if (outDir !== null) {
      const sources = new Map(planned.map((p) => [sourceOf(p), p]));
      const claims: OutputClaim[] = [...sources].flatMap(([source, p]) => formats.map((format) => ({ target: safeJoin(outDir, p.base + suffixFor(format)), key: safeJoin(outKey!, p.base + suffixFor(format)), source })));
      await refuseOverwrites(planned, claims, await outputHolders(queue, connection, claims.map((c) => c.key)).catch(unreachable), sources);
      const conflicts = await claimOutputs(queue, connection, claims).catch(unreachable);
      if (conflicts.length > 0) throw claimError(conflicts, sources.get(conflicts[0]!.source)!);
    }
    // A slice at a time: an archive of 100,000 files is never all in memory.
    const SLICE = 200;
    for (let i = 0; i < planned.length; i += SLICE) {
      const articles: ArticleToAdd[] = [];
      for (const p of planned.slice(i, i + SLICE)) {
        const bytes = p.input === '-' ? stdinBytes! : await readFile(p.input).catch((err: NodeJS.ErrnoException) => {
          throw new Da2enError('input', `cannot read ${p.input}: ${err.code === 'EACCES' ? 'permission denied' : err.message}`);
        });
        const outputs: JobOutput[] = formats.map((format) => ({ format, file: p.base + suffixFor(format) }));
        // As the translate command decides (standard input is text unless --input-format says otherwise).
        const inputFormat = detectInputFormat(p.input, { format: args.inputFormat, head: bytes.subarray(0, 1024) });
        // Only a URL is read as one, and planInputs refused those.
        if (inputFormat === 'url') throw new Error(`${p.input} was planned as a URL`);
        articles.push({ name: p.name, bytes, inputFormat, outputs, source: sourceOf(p) });
      }
      // Ctrl-C stops between slices: what is queued stays queued, and the same command adds the rest.
      if (ctx.signal.aborted) {
        ctx.stopNote = `${added} article${added === 1 ? ' was' : 's were'} queued before the stop; the same command queues the rest`;
        ctx.signal.throwIfAborted();
      }
      const report = await addArticles(queue, connection, articles, { engine, pipeline, outDir, ...(outKey !== null && outKey !== outDir ? { outKey } : {}), attempts: args.attempts }).catch(unreachable);
      added += report.added;
      requeued += report.requeued;
      rewritten += report.rewritten;
      existing += report.existing;
    }
  } finally {
    await close();
  }
  const notes = [
    ...(requeued ? [`re-queued ${requeued} failed`] : []),
    ...(rewritten ? [`re-queued ${rewritten} whose files a later version had overwritten`] : []),
    ...(existing ? [`${existing} already queued with the same content, model and options`] : []),
    ...(outputsLeftOut ? [`${outputsLeftOut} file${outputsLeftOut === 1 ? '' : 's'} in the folders left out: this queue's own outputs`] : []),
  ];
  ctx.log(`queued ${added} article${added === 1 ? '' : 's'} on "${args.queue}" at ${redactRedisUrl(args.redis)}${notes.length ? ` (${notes.join('; ')})` : ''}`);
  return 0;
}

/**
 * As the translate command refuses (src/cli/output-plan.ts), before anything is queued: an output
 * that is one of this call's inputs (by its path, or on disk through a link), and an output that
 * exists already but is not this queue's output of that article (`holders`, from the claims): a
 * file a worker would otherwise replace, the article it was kept for lost.
 */
async function refuseOverwrites(planned: readonly Planned[], claims: readonly OutputClaim[], holders: readonly (string | null)[], sources: ReadonlyMap<string, Planned>): Promise<void> {
  const files = planned.filter((p) => p.input !== '-');
  const inputs = new Set(files.map((p) => pathKey(p.input)));
  for (const c of claims) {
    if (inputs.has(pathKey(c.target))) throw new Da2enError('usage', `output ${c.target} is an input file; refusing to overwrite it. Nothing was queued`);
  }
  const present = (await Promise.all(claims.map(async (c) => ((await fileIdentity(c.target)) !== undefined || (await isLink(c.target)) ? c : null)))).filter((c) => c !== null);
  if (present.length === 0) return;
  const identities = new Map<string, string>();
  for (const p of files) {
    const id = await fileIdentity(p.input);
    if (id !== undefined) identities.set(id, p.input);
  }
  for (const c of present) {
    const id = await fileIdentity(c.target);
    const input = id === undefined ? undefined : identities.get(id);
    if (input !== undefined) throw new Da2enError('usage', `output ${c.target} is the input file ${input} (the same file under another name); refusing to overwrite it. Nothing was queued`);
  }
  const holderOf = new Map(claims.map((c, i) => [c.target, holders[i] ?? null]));
  const foreign = present.filter((c) => holderOf.get(c.target) === null);
  if (foreign.length > 0) {
    const first = foreign[0]!;
    const more = foreign.length > 1 ? ` (and ${foreign.length - 1} more)` : '';
    throw new Da2enError('usage', `${sources.get(first.source)!.name} would write ${first.target}, which exists and is no output of this queue${more}; refusing to overwrite it: move it away, or give another --out-dir. Nothing was queued`);
  }
}

async function isLink(file: string): Promise<boolean> {
  return lstat(file).then((s) => s.isSymbolicLink(), () => false);
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
}

function statusLines(status: QueueStatus): string[] {
  const rate = status.perMinute;
  const lines = [
    `waiting ${status.waiting}, active ${status.active}, completed ${status.completed}, failed ${status.failed}${status.delayed ? `, retrying ${status.delayed}` : ''} (total ${status.total})`,
    rate === null ? 'throughput: not enough finished articles yet' : `throughput ${rate.toFixed(1)} articles/min (latest completions)${status.etaSeconds ? `, ETA ${duration(status.etaSeconds)}` : ''}`,
  ];
  return lines;
}

// The text is for a person (a screenful); a script may want to act on many more.
const FAILED_SHOWN = 10;
// Each job read carries its article's bytes: a bounded number, the count says how many there are.
const FAILED_IN_JSON = 100;

export async function runQueueStatus(args: QueueStatusArgs, ctx: CliContext): Promise<number> {
  const { queue, connection, close } = openQueue(args.redis, args.queue);
  try {
    const read = () => queueStatus(queue, connection).catch((err: unknown) => {
      throw queueUnreachable(args.redis, err);
    });
    // One line for scripts: the counts, and the failed articles they may act on.
    const jsonLine = async (status: QueueStatus) => JSON.stringify({ ...status, failedArticles: status.failed > 0 ? await failedJobs(queue, FAILED_IN_JSON) : [] }) + '\n';
    if (!args.watch) {
      const status = await read();
      if (args.json) {
        ctx.stdout.write(await jsonLine(status));
        return 0;
      }
      ctx.stdout.write(`queue "${args.queue}" at ${redactRedisUrl(args.redis)}\n`);
      for (const line of statusLines(status)) ctx.stdout.write(`${line}\n`);
      if (status.failed > 0) {
        const failed = await failedJobs(queue, FAILED_SHOWN);
        ctx.stdout.write(`failed${status.failed > failed.length ? ` (first ${failed.length})` : ''}:\n`);
        for (const f of failed) ctx.stdout.write(`  ${f.name}: ${f.reason}\n`);
      }
      return 0;
    }
    return await (args.json ? watchJson(args, ctx, read, jsonLine) : watch(args, ctx, read));
  } finally {
    await close();
  }
}

/** A bar over finished/total with rate and ETA, until nothing is waiting, running or retrying. */
async function watch(args: QueueStatusArgs, ctx: CliContext, read: () => Promise<QueueStatus>): Promise<number> {
  const stream = ctx.stderr;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: Math.max(1000, args.interval * 1000),
      format: '{bar} {value}/{total} done | {failed} failed | {active} active | {rate} | ETA {timeLeft}',
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  try {
    for (;;) {
      const s = await read();
      const finished = s.completed + s.failed;
      const payload = {
        failed: s.failed,
        active: s.active,
        rate: s.perMinute === null ? '– /min' : `${s.perMinute.toFixed(1)}/min`,
        // Not "eta": cli-progress puts its own value (NULL, INF at the start and end) under that name.
        timeLeft: s.etaSeconds === null ? '?' : duration(s.etaSeconds),
      };
      if (!started) {
        bar.start(Math.max(s.total, 1), finished, payload);
        started = true;
      } else {
        bar.setTotal(Math.max(s.total, 1));
        bar.update(finished, payload);
      }
      if (drained(s)) break;
      await pause(args.interval, ctx.signal);
      if (ctx.signal.aborted) break;
    }
  } finally {
    if (started) bar.stop();
  }
  ctx.signal.throwIfAborted();
  const final = await read();
  for (const line of statusLines(final)) ctx.stdout.write(`${line}\n`);
  return 0;
}

/** --watch --json: the object of `queue status --json`, one line each refresh, until the queue is drained. */
async function watchJson(args: QueueStatusArgs, ctx: CliContext, read: () => Promise<QueueStatus>, jsonLine: (s: QueueStatus) => Promise<string>): Promise<number> {
  for (;;) {
    const s = await read();
    ctx.stdout.write(await jsonLine(s));
    if (drained(s)) return 0;
    await pause(args.interval, ctx.signal);
    ctx.signal.throwIfAborted();
  }
}

/** Nothing waiting, running or retrying, and something was queued. */
function drained(s: QueueStatus): boolean {
  return s.waiting + s.active + s.delayed === 0 && s.total > 0;
}

/** `seconds`, or until the signal aborts (the caller looks at it). Its abort listener goes with each pause: a long watch piles up none. */
async function pause(seconds: number, signal: AbortSignal): Promise<void> {
  await sleep(seconds * 1000, undefined, { signal }).catch(() => {});
}

export async function runQueueResults(args: QueueResultsArgs, ctx: CliContext): Promise<number> {
  const { queue, connection, close } = openQueue(args.redis, args.queue);
  try {
    const report = await writeResults(queue, connection, args.outDir, (file) => ctx.verbose(`wrote ${file}`), { signal: ctx.signal }).catch((err: unknown) => {
      // A full disk names this command's only output option.
      throw inCommandWords(queueUnreachable(args.redis, err), { outputFolder: 'choose another --out-dir' });
    });
    for (const r of report.renamed) ctx.log(`${r.name}: ${r.file} is an earlier-finished article's name; written as ${r.as}`);
    // Errors, so said even with --quiet; one failed file does not keep the others from being written.
    for (const f of report.failed) ctx.stderr.write(`da2en: ${f.name}: ${f.reason}\n`);
    // Run before the queue is drained, "wrote 0 files" alone read as if the outputs were lost.
    const counts = await queue.getJobCounts('waiting', 'prioritized', 'waiting-children', 'active', 'delayed', 'failed').catch((err: unknown) => {
      throw queueUnreachable(args.redis, err);
    });
    const unfinished = ['waiting', 'prioritized', 'waiting-children', 'active', 'delayed'].reduce((n, k) => n + (counts[k] ?? 0), 0);
    const failedCount = counts['failed'] ?? 0;
    const articles = (n: number) => `${n} article${n === 1 ? '' : 's'}`;
    const notes = [
      ...(report.onDisk ? [`${articles(report.onDisk)} written by the workers themselves, with --out-dir`] : []),
      ...(unfinished ? [`${articles(unfinished)} not finished yet: run it again once "da2en queue status" shows them done`] : []),
      ...(failedCount ? [`${articles(failedCount)} failed: see "da2en queue status"`] : []),
      ...(report.superseded ? [`${report.superseded} file${report.superseded === 1 ? '' : 's'} of earlier versions of articles added again left out`] : []),
      ...(report.failed.length ? [`${report.failed.length} file${report.failed.length === 1 ? '' : 's'} could not be written, said above`] : []),
    ];
    ctx.log(`wrote ${report.written.length} file${report.written.length === 1 ? '' : 's'} into ${args.outDir}${notes.length ? ` (${notes.join('; ')})` : ''}`);
    return report.failed.length > 0 ? ExitCode.OutputError : ExitCode.Ok;
  } finally {
    await close();
  }
}
