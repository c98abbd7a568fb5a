#!/usr/bin/env node
/**
 * The `da2en` command: the CLI runs in this process. (The model runs in a process of its own, started
 * with the huge-pages tunable glibc reads only at start-up: src/engine/generation/model-process-env.ts.)
 *
 * Started by npx/npm, this process also stops when its parent exits: npm passes SIGTERM to the
 * `sh -c` it runs the bin under, and that shell dies without passing it on.
 */
import { openAhead, prestartModelProcess } from '../engine/generation/worker-generator.js';
import { startedByPackageManager, stopWithParentProcess } from '../process/child-lifetime.js';
import { endAtOnceOnSignalWhenSettled, mayEndNow, stoppedBySignal } from './early-exit.js';
import { startsModel } from './prestart-plan.js';

// The model process boots (Node ≈ 0.15 s, ONNX Runtime's import, the thread plan's measuring) while
// the CLI's modules load and its inputs are read: the seed article's model was ready ≈ 0.3 s sooner.
// Where the command line settles which model it will open, it opens it meanwhile too (work-ahead.ts).
if (startsModel(process.argv.slice(2))) {
  prestartModelProcess();
  try {
    const work = (await import('./work-ahead.js')).workAhead(process.argv.slice(2));
    if (work) openAhead(work);
  } catch {
    // A guess that cannot be made is no guess: the model opens once the CLI asks for it.
  }
}

// What npm's shell did not pass on: its parent gone, this process stops as on SIGTERM.
if (startedByPackageManager(process.env)) stopWithParentProcess(() => process.kill(process.pid, 'SIGTERM'));
const { main } = await import('./main.js');
let finished = false;
const afterMain = endAtOnceOnSignalWhenSettled();
const code = await main(process.argv.slice(2), { finished: () => (finished = true) });
process.exitCode = code;
afterMain.settle();
if (mayEndNow(finished || stoppedBySignal(code), process)) process.exit();
