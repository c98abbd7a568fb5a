/** The worker command's work (loaded only when it runs: it pulls in the engine and BullMQ). */
import { ExitCode } from '../exit-codes.js';
import { checkRedisMemory, openRedisTranslationMemory, redactRedisUrl } from '../../cache/index.js';
import { openMemoryOrSay } from '../open-memory.js';
import { cliMessage } from '../setting-words.js';
import type { TranslationMemory } from '../../pipeline/memory.js';
import { checkQueueRedis, queueUnreachable, startArticleWorker, WORKER_ID } from '../../queue/index.js';
import { engineOptionsFrom, modelFrom } from '../shared-options.js';
import type { CliContext } from '../context.js';
import { jobEngine } from './job-engine.js';
import type { WorkerArgs } from './worker-options.js';
import { workerSummaryLine } from './worker-summary.js';
import { articleCountsLine } from './article-counts.js';

export async function runWorker(args: WorkerArgs, ctx: CliContext): Promise<number> {
  // As the other queue commands do, and before the model loads: a wrong --redis is one line, not a silent wait.
  await checkQueueRedis(args.redis);
  // Its own Redis (--memory-redis) too: the memory waits through outages, so a wrong one held the first article for ever.
  if (args.memory === 'redis' && args.memoryRedis !== undefined) await checkRedisMemory(args.memoryRedis);
  let memory: (TranslationMemory & { close(): Promise<void> }) | null = null;
  if (args.memory === 'redis') memory = openRedisTranslationMemory(args.memoryRedis ?? args.redis, { waitForReconnect: true });
  // One that cannot be opened (a read-only folder, a damaged data file) is said once: jobs are done without it.
  else if (args.memory === 'local') memory = await openMemoryOrSay(args.cacheDir, ctx, '', '--memory none');

  const translator = await ctx.loadTranslator({ ...engineOptionsFrom(args), signal: ctx.signal });
  let totals = { translated: 0, cached: 0, calls: 0 };
  try {
    ctx.signal.throwIfAborted();
    const started = startArticleWorker({
      redisUrl: args.redis,
      queueName: args.queue,
      translator,
      engine: jobEngine(modelFrom(args), args.dtype, args.beams),
      ...(memory ? { memory } : {}),
      concurrency: args.concurrency,
      lockDuration: args.lockDuration,
      stalledInterval: args.stalledInterval,
      maxStalledCount: args.maxStalled,
      onJobDone: (job, r) => {
        totals = { translated: totals.translated + r.stats.modelChunks, cached: totals.cached + r.stats.cachedChunks, calls: totals.calls + r.stats.modelCalls };
        const left = r.superseded ?? [];
        if (left.length > 0) ctx.log(`${job.data.name}: ${left.join(', ')} left to a later-added version of the same article (not written)`);
        ctx.verbose(`${job.data.name}: ${articleCountsLine(r.paragraphs, r.stats, r.ms)}`);
      },
      // Reasons are kept with the jobs, which `queue status` shows: in the CLI's words, as its own errors.
      // A full disk: the folder is the one `queue add --out-dir` gave.
      errorWords: (error) => cliMessage(error, { outputFolder: 'add the article again with another --out-dir' }),
      onJobFailed: (job, reason, final) => ctx.log(`${job.data?.name ?? job.id}: ${reason}${final ? '' : ' (will be retried)'}`),
      onError: (error) => ctx.verbose(`queue connection: ${error.message.split('\n')[0]}`),
      // Redis gone since the check: the worker waits for it, and a SIGTERM meanwhile still stops it.
      signal: ctx.signal,
    });
    const worker = await started.catch((error: unknown) => {
      if (ctx.signal.aborted) return null;
      throw queueUnreachable(args.redis, error);
    });
    if (worker === null) {
      ctx.log(`worker ${WORKER_ID}: stopped before Redis answered; no article taken`);
      return ExitCode.Ok;
    }
    ctx.log(`worker ${WORKER_ID} taking jobs from "${args.queue}" at ${redactRedisUrl(args.redis)} (model ${translator.modelId}, ${translator.dtype}; memory: ${memory ? args.memory : 'none'})`);

    // Runs until SIGTERM / Ctrl-C (the CLI turns them into this abort).
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    const inProgress = worker.jobsInProgress;
    if (inProgress === 0) ctx.log('stopping: no article in progress');
    else ctx.log(`stopping: finishing the ${inProgress > 1 ? `${inProgress} articles` : 'article'} in progress (up to ${args.grace} s, then ${inProgress > 1 ? 'they go' : 'it goes'} back to the queue)`);
    const finished = await Promise.race([worker.close().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), args.grace * 1000).unref())]);
    if (!finished) await worker.returnJobs();
    ctx.log(workerSummaryLine(WORKER_ID, { done: worker.jobsDone, failed: worker.jobsFailed, ...totals }));
  } finally {
    await translator.dispose();
    await memory?.close();
  }
  // A close that Redis left hanging keeps BullMQ's timers alive: the process ends without them.
  ctx.finished();
  // Stopped as asked: not an error.
  return ExitCode.Ok;
}
