/**
 * The model process behind WorkerGenerator: opens the generator and answers generate requests
 * over IPC. It ends with its parent (a closed channel) and is killed to stop a run; signals meant for
 * the parent's process group leave it to the parent.
 */
import { Worker } from 'node:worker_threads';
import { openGenerator } from './open-generator.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol.js';

const init = JSON.parse(process.argv[2] ?? '{}') as WorkerInit;
// A parent that is gone (killed, exited) needs no answer: the callback takes the EPIPE, and this process ends.
const reply = (message: WorkerReply) => {
  if (!process.connected) process.exit(0);
  process.send!(message, undefined, {}, (err) => {
    if (err) process.exit(0);
  });
};
const describe = (err: unknown) => ({ message: (err as Error)?.message ?? String(err), name: (err as Error)?.name ?? 'Error' });

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

try {
  const generator = await openGenerator(init.dir, init.dtype, { engine: init.engine, ...(init.intraOpThreads ? { intraOpThreads: init.intraOpThreads } : {}) });
  process.on('message', (request: WorkerRequest) => {
    if (request.type === 'dispose') {
      void generator.dispose().finally(() => process.exit(0));
      return;
    }
    generator.generate(request.request).then(
      (sequences) => reply({ type: 'result', id: request.id, sequences }),
      (err: unknown) => reply({ type: 'error', id: request.id, error: describe(err) }),
    );
  });
  reply({ type: 'ready', kind: generator.kind, ...(generator.notice ? { notice: generator.notice } : {}) });
} catch (err) {
  reply({ type: 'failed', error: describe(err) });
}
