/**
 * The `da2en` command ends with the program that started it. A model process ends with its parent by
 * itself (src/engine/generation/generator-worker.ts: its IPC channel closes, and a watcher thread
 * sees it re-parented while ONNX Runtime holds its main thread); what is left is the CLI's own
 * parent: npm/npx runs the `da2en` bin under `sh -c`, npm passes SIGTERM to that shell, and the
 * shell dies without passing it on, so the CLI would run on as an orphan. The CLI treats its parent
 * gone as SIGTERM (clean stop, temp files removed, exit 143).
 */

/**
 * Calls `onGone` once when the parent process exits (this process is re-parented, so its parent pid changes), checked every
 * `intervalMs`. Nothing is watched when the parent is already init (pid 1). Returns a stop function.
 */
export function stopWithParentProcess(onGone: () => void, intervalMs = 200): () => void {
  const parent = process.ppid;
  if (parent <= 1) return () => {};
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Whether this process was started by a package manager's exec or run (npx, npm exec/run, pnpm, yarn). */
export function startedByPackageManager(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env['npm_lifecycle_event'] || env['npm_execpath']);
}
