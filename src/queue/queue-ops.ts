/** What `queue add`, `queue status` and `queue results` do, over a BullMQ queue. */
import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Da2enError } from '../errors.js';
import { nameBeside } from '../io/name-beside.js';
import { writeFileAtomically, type FileSinkOptions } from '../io/sinks.js';
import { ARTICLE_JOB, articleJobId, latestField, latestJobsKey, type ArticleJobData, type ArticleJobResult, type JobEngine, type JobInputFormat, type JobOutput, type JobPipeline } from './job.js';
import { safeJoin } from './process-article.js';

export type ArticleQueue = Queue<ArticleJobData, ArticleJobResult>;

export interface ArticleToAdd {
  name: string;
  bytes: Uint8Array;
  /** How the worker reads it (detectInputFormat, as the translate command decides). */
  inputFormat: JobInputFormat;
  outputs: JobOutput[];
  /** Which article this is across adds (see ArticleJobData.source): its latest add writes its outputs. */
  source?: string;
}

export interface AddSettings {
  engine: JobEngine;
  pipeline: JobPipeline;
  /** Absolute output folder for the workers, or null to keep outputs in Redis. */
  outDir: string | null;
  /** The output folder's real path (see ArticleJobData.outKey), when it differs from outDir. */
  outKey?: string;
  /** Tries per job before it fails for good (default 3). */
  attempts?: number;
}

export interface AddReport {
  /** New jobs, and failed or overwritten ones queued again. */
  added: number;
  /** Of `added`: jobs that had failed for good, queued again with this call's settings. */
  requeued: number;
  /** Of `added`: finished jobs whose files a later version of the article had overwritten, queued again to write them back. */
  rewritten: number;
  /** Already in the queue (waiting, running or done): same content, model and options. */
  existing: number;
  ids: string[];
}

export const DEFAULT_ATTEMPTS = 3;
const HASH_SLICE = 1000;

/**
 * Adds one job per article. An article already queued with the same id (waiting, running or done)
 * is left as it is; one whose job failed for good is queued again, since whatever made it fail (an
 * unwritable folder, a worker with another model) may have been fixed: adding it is asking for it.
 *
 * Each job is recorded, before it is queued, as the latest for its outputs (latestField): a worker
 * writes an `--out-dir` file only for the latest job (an older version finishing last would put the
 * old text back), and `queue results` writes the latest version's. A finished `--out-dir` job whose
 * files a later job has since written (an edit undone) is queued again, to write them back.
 */
export async function addArticles(queue: ArticleQueue, client: Redis, articles: readonly ArticleToAdd[], settings: AddSettings): Promise<AddReport> {
  const jobs = articles.map((a) => ({
    id: articleJobId(a.bytes, { ...settings, inputFormat: a.inputFormat, outputs: a.outputs }),
    data: {
      name: a.name,
      bytes: Buffer.from(a.bytes).toString('base64'),
      inputFormat: a.inputFormat,
      engine: settings.engine,
      pipeline: settings.pipeline,
      outputs: a.outputs,
      outDir: settings.outDir,
      ...(settings.outKey !== undefined ? { outKey: settings.outKey } : {}),
      ...(a.source !== undefined ? { source: a.source } : {}),
    } satisfies ArticleJobData,
  }));
  // The same article twice in one call is one job: the first named keeps it.
  const seen = new Set<string>();
  const unique = jobs.filter((j) => !seen.has(j.id) && Boolean(seen.add(j.id)));
  const latest = unique.flatMap((j) => j.data.outputs.map((o) => ({ id: j.id, field: latestField(j.data, o.file) })).filter((l): l is { id: string; field: string } => l.field !== null));
  const before = await hashValues(client, latestJobsKey(queue), latest.map((l) => l.field));
  const overwritten = new Set(latest.filter((l, i) => settings.outDir !== null && before[i] != null && before[i] !== l.id).map((l) => l.id));
  // Recorded first: a job taken before its record would find an older job's id there and write
  // nothing. And before the states are read: a running job that held its files back checks the
  // record again once completed, so it writes them or is seen completed here (see the worker).
  for (let i = 0; i < latest.length; i += HASH_SLICE) {
    const slice = latest.slice(i, i + HASH_SLICE);
    await client.hset(latestJobsKey(queue), Object.fromEntries(slice.map((l) => [l.field, l.id])));
  }
  const states = await Promise.all(unique.map((j) => queue.getJobState(j.id)));
  // Removed and added afresh (not retried in place): this call's name and --attempts apply. One
  // that another `queue add` took first (removed: 0) is that call's to add.
  const again = unique.filter((j, i) => states[i] === 'failed' || (states[i] === 'completed' && overwritten.has(j.id)));
  const removed = await Promise.all(again.map((j) => queue.remove(j.id)));
  const readded = new Set(again.filter((_, i) => removed[i] === 1).map((j) => j.id));
  const fresh = unique.filter((j, i) => states[i] === 'unknown' || readded.has(j.id));
  const requeued = unique.filter((j, i) => states[i] === 'failed' && readded.has(j.id)).length;
  if (fresh.length > 0) {
    await queue.addBulk(
      fresh.map((j) => ({
        name: ARTICLE_JOB,
        data: j.data,
        opts: {
          jobId: j.id,
          attempts: settings.attempts ?? DEFAULT_ATTEMPTS,
          backoff: { type: 'exponential', delay: 2000 },
          // Kept: a finished job is what makes adding the article again a no-op, and holds the
          // output for `queue results` when it is kept in Redis.
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
  }
  return { added: fresh.length, requeued, rewritten: readded.size - requeued, existing: jobs.length - fresh.length, ids: jobs.map((j) => j.id) };
}

/** The values of `fields` in the hash at `key`, a slice of fields per command. */
async function hashValues(client: Redis, key: string, fields: readonly string[]): Promise<(string | null)[]> {
  const values: (string | null)[] = [];
  for (let i = 0; i < fields.length; i += HASH_SLICE) values.push(...(await client.hmget(key, ...fields.slice(i, i + HASH_SLICE))));
  return values;
}

/**
 * Whether `jobId` is still the latest job for the output `file` of `job` (or no job is recorded for
 * it: a job of an older da2en): a worker checks just before it writes the file.
 */
export async function isLatestJob(queue: { toKey(type: string): string }, client: Redis, job: ArticleJobData, jobId: string | undefined, file: string): Promise<boolean> {
  const field = latestField(job, file);
  if (field === null) return true;
  const latest = await client.hget(latestJobsKey(queue), field);
  return latest === null || latest === jobId;
}

/** One output file of an `--out-dir` job and the article that writes it. */
export interface OutputClaim {
  /** Absolute path of the file, as the output folder was given (for messages). */
  target: string;
  /** What the claim is recorded under: the file's real path (see realPathKey). */
  key: string;
  /** The article: its file's absolute path, or `-:` and a name for standard input. */
  source: string;
}

export interface ClaimConflict extends OutputClaim {
  /** The article that claimed the file first. */
  holder: string;
}

/** Where a queue keeps which article writes each --out-dir file (removed with the queue's keys). */
const claimsKey = (queue: ArticleQueue) => queue.toKey('da2en-outputs');
const CLAIM_SLICE = HASH_SLICE;

/**
 * Records, queue-wide, which article writes each output file of `--out-dir` jobs, so that articles
 * added by separate `queue add` calls cannot overwrite each other's outputs (`a/x.txt` then
 * `b/x.txt`, both writing x.da-en.html). The same article added again (edited, or with another
 * model) keeps its files: that is an update. Nothing is claimed when any file is another's: the
 * caller refuses the call before it queues anything.
 */
export async function claimOutputs(queue: ArticleQueue, client: Redis, claims: readonly OutputClaim[]): Promise<ClaimConflict[]> {
  const key = claimsKey(queue);
  const conflicts = async (batch: readonly OutputClaim[]): Promise<ClaimConflict[]> => {
    const holders = await outputHolders(queue, client, batch.map((c) => c.key));
    return batch.flatMap((c, i) => {
      const holder = holders[i];
      return holder != null && holder !== c.source ? [{ ...c, holder }] : [];
    });
  };
  const before = await conflicts(claims);
  if (before.length > 0) return before;
  const taken: string[] = [];
  for (let i = 0; i < claims.length; i += CLAIM_SLICE) {
    const slice = claims.slice(i, i + CLAIM_SLICE);
    const set = (await client.multi(slice.map((c) => ['hsetnx', key, c.key, c.source])).exec()) ?? [];
    slice.forEach((c, j) => {
      if (set[j]?.[1] === 1) taken.push(c.key);
    });
  }
  // Another `queue add` may have claimed a file between the look and the claim.
  const raced = await conflicts(claims);
  if (raced.length > 0) {
    for (let i = 0; i < taken.length; i += CLAIM_SLICE) await client.hdel(key, ...taken.slice(i, i + CLAIM_SLICE));
  }
  return raced;
}

/** For each file (its real path, see realPathKey), the article whose `--out-dir` output it is, or null: not one of this queue's outputs. */
export function outputHolders(queue: ArticleQueue, client: Redis, files: readonly string[]): Promise<(string | null)[]> {
  return hashValues(client, claimsKey(queue), files);
}

export interface QueueCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  /** Waiting to be retried after a failed attempt. */
  delayed: number;
}

export interface QueueStatus extends QueueCounts {
  total: number;
  /** Articles per minute over the latest completions (up to 200) since the queue last stood idle, or null with fewer than 2. */
  perMinute: number | null;
  /** Completions in each of the last minutes, newest first (BullMQ's metrics, kept by the workers). */
  lastMinutes: number[];
  /** Seconds until nothing is waiting, running or retrying, at `perMinute`: 0 with nothing left, null while the rate is unknown. */
  etaSeconds: number | null;
}

export async function queueStatus(queue: ArticleQueue, client: Redis): Promise<QueueStatus> {
  const raw = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children');
  const counts: QueueCounts = {
    waiting: (raw['waiting'] ?? 0) + (raw['prioritized'] ?? 0) + (raw['waiting-children'] ?? 0),
    active: raw['active'] ?? 0,
    completed: raw['completed'] ?? 0,
    failed: raw['failed'] ?? 0,
    delayed: raw['delayed'] ?? 0,
  };
  const perMinute = await latestRate(queue, client);
  const metrics = await queue.getMetrics('completed', 0, 9).catch(() => ({ data: [] as number[] }));
  const left = counts.waiting + counts.active + counts.delayed;
  return {
    ...counts,
    total: counts.waiting + counts.active + counts.completed + counts.failed + counts.delayed,
    perMinute,
    lastMinutes: metrics.data.map(Number),
    etaSeconds: etaSeconds(left, perMinute),
  };
}

/**
 * A gap between one completion and the next article's start longer than this is the queue standing
 * idle (drained, then added to again), not work: worker pickup and clocks stay well under it.
 */
const IDLE_GAP_MS = 5_000;

/**
 * Articles per minute over the latest completions (up to 200) that were one stretch of work, or null
 * with fewer than 2. The completed set is scored by finish time; each job keeps when its last try
 * started. Counting back from the newest, the stretch ends at a completion that came before the
 * stretch's earliest start by more than IDLE_GAP_MS: the rate of a batch added to a queue drained
 * yesterday is this batch's, not spread over the night (which put "ETA 50m" on seconds of work).
 */
async function latestRate(queue: ArticleQueue, client: Redis): Promise<number | null> {
  const recent = await client.zrevrange(queue.toKey('completed'), 0, 199, 'WITHSCORES');
  const ids = recent.filter((_, i) => i % 2 === 0);
  const finishes = recent.filter((_, i) => i % 2 === 1).map(Number);
  if (ids.length < 2) return null;
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.hget(queue.toKey(id), 'processedOn');
  const starts = ((await pipeline.exec()) ?? []).map(([, value], i) => {
    const start = Number(value);
    return Number.isFinite(start) && value !== null && start <= finishes[i]! ? start : finishes[i]!;
  });
  let count = 1;
  let earliestStart = starts[0]!;
  while (count < ids.length && finishes[count]! >= earliestStart - IDLE_GAP_MS) {
    earliestStart = Math.min(earliestStart, starts[count]!);
    count += 1;
  }
  if (count < 2) return null;
  const span = finishes[0]! - earliestStart;
  return span > 0 ? (count / span) * 60_000 : null;
}

export function etaSeconds(left: number, perMinute: number | null): number | null {
  if (left === 0) return 0;
  return perMinute ? Math.ceil((left / perMinute) * 60) : null;
}

export interface FailedJob {
  id: string;
  name: string;
  reason: string;
  attempts: number;
}

/** The failed jobs with their one-line reasons (first `limit`). */
export async function failedJobs(queue: ArticleQueue, limit = 20): Promise<FailedJob[]> {
  const jobs = await queue.getJobs(['failed'], 0, limit - 1, true);
  return jobs.filter(Boolean).map((j) => ({ id: String(j.id), name: j.data?.name ?? '?', reason: j.failedReason ?? '', attempts: j.attemptsMade }));
}

export interface ResultsReport {
  written: string[];
  /** Completed jobs whose outputs went to a folder by the worker (nothing kept in Redis). */
  onDisk: number;
  /** Files whose name an earlier-finished article had taken: written under their article's tag instead. */
  renamed: { name: string; file: string; as: string }[];
  /** Files of earlier versions of articles added again, another version's text written instead. */
  superseded: number;
  /** Files that could not be written for their own sake (see writeResults); the others were written. */
  failed: { name: string; file: string; reason: string }[];
}

/**
 * "x.da-en.html" → "x.<tag>.da-en.html", "x.en.txt" → "x.<tag>.en.txt": before the output suffix,
 * which is always two dotted parts. The stem is cut short where the name would pass 255 bytes: the
 * tag and the suffix, which tell the files apart, are kept whole.
 */
export function taggedName(file: string, tag: string): string {
  const suffix = /(\.[^./\\]+\.[^./\\]+)$/.exec(file)?.[1];
  if (suffix === undefined) return file;
  return nameBeside(file.slice(0, -suffix.length), `.${tag}${suffix}`);
}

/**
 * Failures of one file that leave the others writable: its name, or what is at its path (a folder,
 * a socket, a loop of links). Any other (the folder, the disk) would fail every file: it stops the rest.
 */
const ONE_FILE_FAILURES = new Set(['ENAMETOOLONG', 'EISDIR', 'ENXIO', 'ELOOP']);

function failsOneFile(err: unknown): err is Da2enError {
  return err instanceof Da2enError && err.kind === 'output' && ONE_FILE_FAILURES.has((err.cause as NodeJS.ErrnoException | undefined)?.code ?? '');
}

/** What `queue results` needs of a finished job with its outputs in Redis, less the outputs themselves. */
interface FinishedVersion {
  id: string;
  name: string;
  source: string | undefined;
  /** When it was added (BullMQ's job timestamp). */
  added: number;
  files: string[];
}

/** The versions of one article, first finished first, and what names its files are tagged with when taken. */
interface FinishedArticle {
  source: string | undefined;
  versions: FinishedVersion[];
  tags: string[];
}

/**
 * Finished versions by article, in the order each article first finished. A job of an older da2en
 * (no source) is the article of the one source added under its name, if there is one (the same file
 * added again since); otherwise an article of its own.
 */
function finishedArticles(versions: readonly FinishedVersion[]): FinishedArticle[] {
  const sourcesByName = new Map<string, Set<string>>();
  for (const v of versions) if (v.source !== undefined) sourcesByName.set(v.name, (sourcesByName.get(v.name) ?? new Set()).add(v.source));
  const articles = new Map<string, FinishedArticle>();
  for (const v of versions) {
    const named = sourcesByName.get(v.name);
    const source = v.source ?? (named?.size === 1 ? [...named][0]! : undefined);
    const key = source === undefined ? `job\n${v.id}` : `source\n${source}`;
    let article = articles.get(key);
    if (!article) {
      // Tagged by what the article is, not by a version's content: an edit keeps its names.
      const hash = source === undefined ? v.id.slice(1) : createHash('sha256').update(source).digest('hex');
      article = { source, versions: [], tags: [hash.slice(0, 8), hash.slice(0, 40)] };
      articles.set(key, article);
    }
    article.versions.push(v);
  }
  return [...articles.values()];
}

/**
 * Writes the outputs kept in Redis into `outDir`, each file atomically. Articles added apart may
 * share an output name (two `queue add -`, `a/x.txt` and `b/x.txt`); none is lost: in the order the
 * articles first finished, the first keeps the name and each later one is written, all its files
 * alike, under a name tagged with the first 8 hex digits of its source's hash (see taggedName): the
 * same names every time the results are written, whatever finishes later. An article added again
 * (edited, or with another model) is one article: it keeps its names, and each file holds its latest
 * version's text (see addArticles), or, while that is unfinished, the latest-added finished one's;
 * earlier versions are left out. A file that cannot be written for its own sake (see failsOneFile)
 * is reported in `failed`, and the rest are written; any other write failure is thrown at once.
 * `signal` ends a wait for a FIFO's reader.
 */
export async function writeResults(queue: ArticleQueue, client: Redis, outDir: string, onFile?: (path: string) => void, options: FileSinkOptions = {}): Promise<ResultsReport> {
  const report: ResultsReport = { written: [], onDisk: 0, renamed: [], superseded: 0, failed: [] };
  // First what finished, without the outputs (an archive's worth would not fit in memory), oldest
  // finished first (BullMQ's completed set is ordered by finish time).
  const versions: FinishedVersion[] = [];
  const page = 100;
  for (let start = 0; ; start += page) {
    const jobs = await queue.getJobs(['completed'], start, start + page - 1, true);
    if (jobs.length === 0) break;
    for (const job of jobs) {
      if (!job) continue;
      const files = job.returnvalue?.files;
      if (!files) report.onDisk++;
      else versions.push({ id: String(job.id), name: job.data.name, source: job.data.source, added: job.timestamp, files: files.map((f) => f.file) });
    }
    if (jobs.length < page) break;
  }
  const finished = new Set(versions.map((v) => v.id));
  const taken = new Set<string>();
  for (const article of finishedArticles(versions)) {
    const names = [...new Set(article.versions.flatMap((v) => v.files))];
    const fields = article.source === undefined ? [] : names.map((f) => latestField({ outDir: null, source: article.source }, f)!);
    const recorded = fields.length > 0 ? await hashValues(client, latestJobsKey(queue), fields) : [];
    // Each file from its latest version: the one added last, once finished; else the latest-added finished one.
    const chosen = names.map((file, i) => {
      const holders = article.versions.filter((v) => v.files.includes(file));
      const latest = recorded[i];
      return (latest != null && finished.has(latest) ? holders.find((v) => v.id === latest) : undefined) ?? holders.reduce((a, b) => (b.added >= a.added ? b : a));
    });
    report.superseded += article.versions.reduce((n, v) => n + v.files.length, 0) - names.length;
    const tags = [null, ...article.tags];
    const as = tags.map((tag) => names.map((f) => (tag === null ? f : taggedName(f, tag)))).find((set) => set.every((n) => !taken.has(safeJoin(outDir, n))));
    if (!as) throw new Error(`cannot find a free name in ${outDir} for ${chosen[0]!.name}'s outputs (${names.join(', ')})`);
    const contents = new Map<string, { file: string; content: string }[]>();
    for (const [i, file] of names.entries()) {
      const version = chosen[i]!;
      if (!contents.has(version.id)) contents.set(version.id, (await queue.getJob(version.id))?.returnvalue?.files ?? []);
      const output = contents.get(version.id)!.find((f) => f.file === file);
      // Removed since it was listed: nothing to write.
      if (!output) continue;
      const target = safeJoin(outDir, as[i]!);
      taken.add(target);
      try {
        await writeFileAtomically(target, output.content, options);
      } catch (err) {
        if (!failsOneFile(err)) throw err;
        report.failed.push({ name: version.name, file: target, reason: err.message });
        continue;
      }
      if (as[i] !== file) report.renamed.push({ name: version.name, file, as: as[i]! });
      report.written.push(target);
      onFile?.(target);
    }
  }
  return report;
}
