export { ARTICLE_JOB, DEFAULT_QUEUE_NAME, articleJobId, type ArticleJobData, type ArticleJobResult, type JobEngine, type JobOutput, type JobPipeline } from './job.js';
export { processArticle, safeJoin, WORKER_ID, type ProcessArticleOptions } from './process-article.js';
export { startArticleWorker, openQueue, failureReason, type ArticleWorker, type ArticleWorkerOptions } from './worker.js';
export { addArticles, claimOutputs, outputHolders, isLatestJob, queueStatus, failedJobs, writeResults, taggedName, DEFAULT_ATTEMPTS, type AddReport, type AddSettings, type ArticleQueue, type ClaimConflict, type OutputClaim, type ArticleToAdd, type QueueCounts, type QueueStatus, type ResultsReport } from './queue-ops.js';
export { checkQueueRedis, queueConnection, queueUnreachable } from './connection.js';
