/**
 * The temporary files and folders this process is writing right now, each with a synchronous way
 * to remove it. A clean stop removes them through the writers' own `abort`; an exit that cannot
 * wait for that (a second Ctrl-C, "stop now": src/cli/main.ts) calls `removeTempFilesNow` first,
 * so that only SIGKILL can leave a `.name.PID.….tmp` behind.
 */
const removals = new Set<() => void>();

/** Registers `remove` until the returned function is called (the file was renamed into place or removed). */
export function trackTemp(remove: () => void): () => void {
  removals.add(remove);
  return () => {
    removals.delete(remove);
  };
}

/**
 * Removes every tracked temporary file and folder, synchronously (nothing asynchronous runs once
 * the process exits): last registered first, so that a file goes before the folder created for it.
 */
export function removeTempFilesNow(): void {
  const pending = [...removals].reverse();
  removals.clear();
  for (const remove of pending) {
    try {
      remove();
    } catch {
      // Already gone, or not ours to remove any more: the rest still go.
    }
  }
}

/** How many are tracked (for tests: every writer that finished or gave up has let go of its own). */
export function trackedTempCount(): number {
  return removals.size;
}
