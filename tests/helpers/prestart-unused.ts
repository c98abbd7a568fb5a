/**
 * A caller that starts a model process ahead and never uses it: prints its pid, then ends by itself
 * (no process.exit). It must end: the process started ahead keeps nothing alive.
 */
import { prestartModelProcess } from '../../src/engine/generation/worker-generator.js';

process.stdout.write(`prestarted ${prestartModelProcess()}\n`);
