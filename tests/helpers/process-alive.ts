/** Whether a process is still there (signal 0 only checks). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until none of these processes is left, at most `ms`; whether they all went. */
export async function processesGone(pids: readonly number[], ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (pids.some(processAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return !pids.some(processAlive);
}
