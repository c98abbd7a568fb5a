/** Worker-thread side of the parse thread (./parse-thread.ts). */
import { workerData } from 'node:worker_threads';
import { answerJobs } from './answer-jobs.js';
import { loadParser, parseArticle, type ParseJob } from '../input/parse-article.js';

// The parser the first job will need, imported while the caller is still reading the input; a
// failure here is the job's to report.
const preload = (workerData as { preload?: ParseJob['job'] } | null)?.preload;
if (preload) loadParser(preload).catch(() => undefined);

answerJobs(parseArticle);
