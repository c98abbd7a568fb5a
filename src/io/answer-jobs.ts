/**
 * The worker-thread side of a ThreadPool (./thread-pool.ts): answers each job posted to this thread
 * with `handle`'s result, or with its error in a form the pool rebuilds.
 */
import { parentPort } from 'node:worker_threads';
import { inputUserError, isDa2enError } from '../errors.js';
import { NoArticleError } from '../input/errors.js';
import type { ThreadReply } from './thread-pool.js';

export function answerJobs<Request>(handle: (request: Request) => unknown): void {
  const port = parentPort!;
  port.on('message', (request: Request) => {
    void (async () => {
      let reply: ThreadReply;
      try {
        reply = { ok: true, result: await handle(request) };
      } catch (err) {
        // The input readers' own errors (a page nested too deeply) cross as the da2en errors they stand for.
        const mapped = err instanceof NoArticleError ? err : inputUserError(err);
        const e = mapped instanceof Error ? mapped : new Error(String(mapped));
        reply = {
          ok: false,
          error: { name: e.name, message: e.message, ...(e instanceof NoArticleError ? { input: e.input } : {}), ...(isDa2enError(e) ? { kind: e.kind, settings: [...e.settings] } : {}) },
        };
      }
      port.postMessage(reply);
    })();
  });
}
