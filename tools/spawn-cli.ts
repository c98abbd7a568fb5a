import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface SpawnedCli {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>;
}

/**
 * The CLI in its own process (from source, through tsx), for signals and whole-process behaviour.
 * `entry` runs another script in its place (src/cli/bin.ts, tests/helpers/cli-with-fake-engine.ts).
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}, options: { entry?: string; stdin?: 'ignore' | 'pipe'; detached?: boolean; cwd?: string } = {}): SpawnedCli {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, options.entry ?? 'src/cli/main.ts'), ...args], {
    // Another working folder must lie inside the package: tsx (here and in the model process) is found from it.
    cwd: options.cwd ?? root,
    env: { ...process.env, ...env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    // Its own process group, so a test can signal the group as a terminal does.
    detached: options.detached ?? false,
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr, stdout })),
  );
  return { child, stderr: () => stderr, done };
}

/** Numbers from the --verbose summary line of each article ("1 model call" or "2 model calls": src/cli/commands/article-counts.ts). */
export function verboseCounts(stderr: string): { translated: number; cached: number }[] {
  return [...stderr.matchAll(/(\d+) translated in \d+ model calls?, (\d+) from the cache/g)].map((m) => ({ translated: Number(m[1]), cached: Number(m[2]) }));
}
