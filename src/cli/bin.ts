#!/usr/bin/env node
/**
 * The `da2en` command.
 *
 * Loading the model spends most of its time in page faults: ONNX Runtime fills ~240 MB of freshly
 * mapped memory for the two sessions (about 58,000 faults of 4 KiB, ~19 µs each on a virtual
 * machine). With glibc's malloc asked to back its large blocks with transparent huge pages
 * (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`, glibc ≥ 2.35, honoured where THP is "madvise" or
 * "always") the same work takes a few hundred faults: translating the seed article from the CLI
 * went from 4.01 to 3.23 s (mean of 4 interleaved runs each), peak RSS unchanged (~500–530 MB).
 * glibc reads tunables only when a process starts, so on Linux the CLI runs in a child process
 * that has it set; signals sent to this process are passed on, and its exit status is the child's.
 * Elsewhere, or with DA2EN_NO_REEXEC=1, the CLI runs in this process.
 *
 * The child is tied to this process (src/process/child-lifetime.ts): if this one is killed outright,
 * the child stops as on SIGTERM. Started by npx/npm, this process also stops when its parent exits:
 * npm passes SIGTERM to the `sh -c` it runs the bin under, and that shell dies without passing it on.
 */
import { fileURLToPath } from 'node:url';
import { spawnTied, startedByPackageManager, stopWithParentProcess } from '../process/child-lifetime.js';
import { launchPlan } from './launch-plan.js';

const entry = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './main.ts' : './main.js', import.meta.url));
const plan = launchPlan(process.platform, process.env, process.argv.slice(2));

async function runHere(): Promise<void> {
  const { main } = await import('./main.js');
  process.exitCode = await main(process.argv.slice(2));
}

// What npm's shell did not pass on: its parent gone, this process stops as on SIGTERM.
const watchParent = (onGone: () => void): (() => void) => (startedByPackageManager(process.env) ? stopWithParentProcess(onGone) : () => {});

if (!plan.reexec) {
  const unwatch = watchParent(() => process.kill(process.pid, 'SIGTERM'));
  await runHere();
  unwatch();
} else {
  const child = spawnTied(process.execPath, [...process.execArgv, entry, ...process.argv.slice(2)], { stdio: 'inherit', env: plan.env });
  const unwatch = watchParent(() => child.kill('SIGTERM'));
  // Ctrl-C reaches the child from the terminal as well; the CLI takes a repeat of the same signal
  // within a second as one (see main.ts), so passing every signal on is safe.
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handlers = signals.map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  child.on('error', () => {
    // Could not start a process: run in this one instead (without the huge pages).
    for (const [s, h] of handlers) process.off(s, h);
    unwatch();
    watchParent(() => process.kill(process.pid, 'SIGTERM'));
    void runHere();
  });
  child.on('exit', (code, signal) => {
    for (const [s, h] of handlers) process.off(s, h);
    unwatch();
    if (signal) process.kill(process.pid, signal);
    else process.exitCode = code ?? 1;
  });
}
