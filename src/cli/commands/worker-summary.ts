/** The line a worker prints when it stops (tools/queue-run.ts reads it back for the tests and `npm run bench:queue`). */
import { count } from './article-counts.js';

export interface WorkerTotals {
  done: number;
  failed: number;
  translated: number;
  calls: number;
  cached: number;
}


export function workerSummaryLine(worker: string, t: WorkerTotals): string {
  return `worker ${worker}: ${count(t.done, 'article')} done, ${t.failed} failed; ${count(t.translated, 'segment')} translated in ${count(t.calls, 'model call')}, ${t.cached} from the cache`;
}
