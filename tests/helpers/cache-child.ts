import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const worker = fileURLToPath(new URL('./cache-worker.ts', import.meta.url));

/** Starts tests/helpers/cache-worker.ts in its own Node process (through tsx). */
export function spawnCacheWorker(args: string[], asUser?: { uid: number; gid: number }): ChildProcess {
  const node = [process.execPath, '--import', 'tsx', worker, ...args];
  // As another user (tests run as root cannot meet "permission denied" otherwise): through setpriv.
  const [command, ...rest] = asUser ? ['setpriv', `--reuid=${asUser.uid}`, `--regid=${asUser.gid}`, '--clear-groups', ...node] : node;
  return spawn(command!, rest, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Resolves with the exit code/signal and everything the child wrote. */
export function finished(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
