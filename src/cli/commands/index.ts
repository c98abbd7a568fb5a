/**
 * Every command of the CLI, in the order of `da2en --help`. main.ts registers exactly these, and
 * the option-walking test reads the same list, so a new command is covered by it automatically.
 */
import { translateCommand } from './translate.js';
import { modelCommand } from './model.js';
import { evalCommand } from './eval.js';
import { cacheCommand } from './cache.js';
import { serveCommand } from './serve.js';
import { queueCommand } from './queue.js';
import { workerCommand } from './worker.js';

export const COMMANDS = [translateCommand, modelCommand, evalCommand, cacheCommand, serveCommand, queueCommand, workerCommand] as const;
