/**
 * Every process da2en starts ends with the run that started it. A parent that is killed (SIGKILL,
 * a crash, or a SIGTERM a shell in between swallowed) cannot pass anything on, so each child
 * learns of it itself:
 * - `spawnTied` opens an IPC channel to the child; the operating system closes it when the parent
 *   is gone, however it went, and the child's `stopWithParent` hears 'disconnect' at once.
 * - `stopWithParentProcess` polls the parent's pid for a process started by a program that is not
 *   da2en (npm/npx runs the `da2en` bin under `sh -c`; npm passes SIGTERM to that shell, which
 *   dies without passing it on, so the bin would run on as an orphan).
 * What a child does then is its own business: the CLI treats it as SIGTERM (clean stop, temp files
 * removed, exit 143).
 */
import { spawn, type ChildProcess, type SpawnOptions, type StdioOptions } from 'node:child_process';

/** `spawn` with an IPC channel added after the given stdio, so the child can `stopWithParent`. */
export function spawnTied(command: string, args: readonly string[], options: SpawnOptions & { stdio?: 'inherit' | 'pipe' | 'ignore' | StdioOptions } = {}): ChildProcess {
  const stdio = options.stdio ?? 'pipe';
  const base = typeof stdio === 'string' ? [stdio, stdio, stdio] : [...stdio];
  while (base.length < 3) base.push('pipe');
  return spawn(command, args, { ...options, stdio: [...base, 'ipc'] });
}

/**
 * In a child started by `spawnTied`: calls `onGone` once when the parent is gone. Returns whether
 * there was a parent channel to watch. The channel is unreferenced, so it never keeps the child alive.
 */
export function stopWithParent(onGone: () => void): boolean {
  const channel = process.channel;
  if (!channel) return false;
  channel.unref();
  process.once('disconnect', onGone);
  return true;
}

/**
 * For a process whose parent did not start it with `spawnTied`: calls `onGone` once when the parent
 * process exits (this process is re-parented, so its parent pid changes), checked every
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
