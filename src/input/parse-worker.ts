/** Worker-thread side of the parse thread (./parse-thread.ts). */
import { answerJobs } from './answer-jobs.js';
import { parseArticle } from './parse-article.js';

answerJobs(parseArticle);
