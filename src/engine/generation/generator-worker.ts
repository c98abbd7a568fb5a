/**
 * The model process behind WorkerGenerator: opens the generator and answers generate requests
 * over IPC. It ends with its parent (a closed channel) and is killed to stop a run; signals meant for
 * the parent's process group leave it to the parent.
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { HEAP_WARM_BYTES, warmHeap } from './heap-warmer.js';
import { busyCoresBetween, planThreads, readCpuTimes, type ThreadPlan } from './thread-plan.js';
import { toWorkerError, type WorkerInit, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

// Started with its work (argv) or ahead of it (prestartModelProcess): then the first message says it.
const given = process.argv[2] ? (JSON.parse(process.argv[2]) as WorkerInit) : undefined;
// Others' CPU use is measured from this process's start: a process started ahead has its window
// behind it by the time its work comes.
const bootedAt = performance.now();
const cpuAtBoot = readCpuTimes([process.pid, process.ppid]);
// ONNX Runtime and the generator load from here on, while the window runs and the work is awaited.
const generatorModule = import('./open-generator.js');
// Its failure is reported where it is awaited (the try below), not as an unhandled rejection meanwhile.
generatorModule.catch(() => {});
// A parent that is gone (killed, exited) needs no answer: the callback takes the EPIPE, and this process ends.
const reply = (message: WorkerReply) => {
  if (!process.connected) process.exit(0);
  process.send!(message, undefined, {}, (err) => {
    if (err) process.exit(0);
  });
};

process.on('disconnect', () => process.exit(0));
// While ONNX Runtime builds a session or runs a batch it holds this thread for seconds (minutes for
// a large fp32 model on a busy machine), so 'disconnect' is heard only afterwards: a parent killed
// outright would leave this process running on as an orphan until then. A watcher thread, which
// never touches ONNX Runtime, ends the process as soon as it is re-parented.
const watcher = new Worker(
  `const { workerData: w } = require('node:worker_threads');
   setInterval(() => { if (process.ppid !== w.parent) process.kill(w.self, 'SIGKILL'); }, 200);`,
  { eval: true, workerData: { parent: process.ppid, self: process.pid } },
);
watcher.unref();
// A signal to the whole process group (Ctrl-C in a terminal, systemd's SIGTERM to every process of a
// service, `kill -- -PGID`) must not take the model away while the parent drains its requests: the
// parent ends this process (dispose, or SIGKILL to stop a run). Should the parent already be gone,
// the signal ends it as usual.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (!process.connected) process.exit(0);
  });
}

/**
 * How busy the cores are, measured from this process's start while it imports ONNX Runtime (and,
 * started ahead, waits for its work), so it costs no time: the machine's CPU use over at least
 * PLAN_WINDOW_MS, less this process's and its parent's (which is loading the tokenizer meanwhile).
 */
const PLAN_WINDOW_MS = 150;

/** The first replica measures (its imports hide the window); a further one takes the first's plan. */
async function plan(init: WorkerInit): Promise<ThreadPlan> {
  if (init.plan) return init.plan;
  await generatorModule;
  await sleep(Math.max(0, PLAN_WINDOW_MS - (performance.now() - bootedAt)));
  const after = readCpuTimes([process.pid, process.ppid]);
  const cores = os.availableParallelism();
  return planThreads(cores, cpuAtBoot && after ? busyCoresBetween(cpuAtBoot, after, cores) : null, init.intraOpThreads, init.replicas);
}

/** The work: given at start, or (started ahead) in the first message; ONNX Runtime loads meanwhile. */
function work(): Promise<WorkerInit> {
  if (given) return Promise.resolve(given);
  return new Promise((resolve) => {
    const onInit = (message: WorkerRequest) => {
      if (message.type !== 'init') return;
      process.off('message', onInit);
      resolve(message.init);
    };
    process.on('message', onInit);
  });
}

try {
  const init = await work();
  const threads = await plan(init);
  const { openGenerator, opensWithoutMaking } = await generatorModule;
  reply({ type: 'plan', threads, opensWithoutMaking: await opensWithoutMaking(init.dir, init.dtype, init.engine) });
  const generator = await openGenerator(init.dir, init.dtype, { engine: init.engine, intraOpThreads: threads.threads, spinning: threads.spinning });
  // Until the first batch comes, its fresh memory is paid for here, off its critical path (its
  // first slice runs after 'ready' has gone out).
  const warming = warmHeap(HEAP_WARM_BYTES);
  process.on('message', (request: WorkerRequest) => {
    if (request.type === 'dispose') {
      // Nothing is left to answer: end at once. Releasing the sessions, then Node's and ONNX Runtime's
      // teardown, took ~0.1 s the caller waited for at the end of every run; the kernel frees the
      // memory either way. A kill, unlike an exit, cannot abort the process mid-run either.
      process.kill(process.pid, 'SIGKILL');
      return;
    }
    if (request.type !== 'generate') return;
    // The first batch finds what was warmed by now (heap-warmer.ts); the rest it faults in itself.
    warming.stop();
    generator.generate(request.request).then(
      (sequences) => reply({ type: 'result', id: request.id, sequences }),
      (err: unknown) => reply({ type: 'error', id: request.id, error: toWorkerError(err) }),
    );
  });
  reply({ type: 'ready', kind: generator.kind, ...(generator.notice ? { notice: generator.notice } : {}), threads });
} catch (err) {
  reply({ type: 'failed', error: toWorkerError(err) });
}
