/**
 * A note, not a test: why the model runs in a child process and not a worker thread.
 *
 *   ROWS=8 npx tsx tools/notes/worker-terminate.ts [ort|js]
 *
 * Opens the tiny builder model in a worker thread, starts a long generation there (ROWS rows, 4 beams,
 * up to 500 tokens) and terminates the worker 300 ms later — what Ctrl-C/SIGTERM would have to do to
 * stop a run within 2 s. Observed with onnxruntime-node 1.30 on the 2-core dev VM (29 Nov 2026):
 * - ort (the BeamSearch op, one session.run for the batch), ROWS=8: `worker.terminate()` does not
 *   return until the run has finished (the whole script took 64 s), and then the whole process aborts:
 *   "terminate called after throwing an instance of 'Napi::Error'", exit 134. With ROWS=64 it had
 *   neither stopped nor aborted after 120 s.
 * - js (the step-by-step loop, many short runs): terminated at once (worker exit code 1), survived —
 *   but only because no run happened to be in flight at that instant.
 * The same run in a child process (src/engine/generation/worker-generator.ts) is killed with SIGKILL
 * and the caller carries on (tests/integration/engine-worker.test.ts: rejected within 2 s).
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { builtModel } from '../builder-models.js';

if (isMainThread) {
  const engine = process.argv[2] === 'js' ? 'js' : 'ort';
  const dir = await builtModel('tiny');
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { dir, engine } });
  worker.on('message', (m: string) => {
    console.log(`worker: ${m}`);
    if (m !== 'running') return;
    setTimeout(() => {
      console.log('terminating the worker during session.run');
      void worker.terminate().then((code) => {
        console.log(`worker terminated (code ${code}); survived`);
      });
    }, 300);
  });
} else {
  const { openGenerator } = await import('../../src/engine/generation/open-generator.js');
  const { dir, engine } = workerData as { dir: string; engine: 'ort' | 'js' };
  const generator = await openGenerator(dir, 'fp32', { engine, intraOpThreads: 1 });
  const rows = Array.from({ length: Number(process.env.ROWS ?? 64) }, (_, i) => [10 + (i % 7), 20 + (i % 5), 30, 40 + (i % 3), 0]);
  parentPort!.postMessage('running');
  await generator.generate({ inputs: rows, beams: 4, maxNewTokens: rows.map(() => 500), flagLengthCap: true, repetitionGuard: false, lengthPenalty: 1, earlyStopping: false, bannedIds: [] });
  parentPort!.postMessage('finished before the terminate');
}
