/**
 * The peak RSS that the benchmark, the load test and the large-input test report for a process
 * they spawn must be that process's own, not its parent's (see tools/report-rss.mjs).
 */
import { fork, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const reporter = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../tools/report-rss.mjs');
const lateListener = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../helpers/late-listener-child.mjs');

describe.runIf(process.platform === 'linux')('peak RSS of a spawned process', () => {
  it('is its own, while getrusage would report the memory its parent held when it was forked', () => {
    const ballast = Buffer.alloc(400 * 1024 * 1024, 1); // resident in this (the parent) process
    const { stderr } = spawnSync(process.execPath, ['--import', reporter, '-e', 'process.stderr.write(`maxrss=${process.resourceUsage().maxRSS}\\n`)'], { encoding: 'utf8' });
    const ownPeakMb = Number(/peak-rss-kb=(\d+)/.exec(stderr)![1]) / 1024;
    const inheritedMb = Number(/maxrss=(\d+)/.exec(stderr)![1]) / 1024;
    expect(ballast[ballast.length - 1]).toBe(1);
    expect(ownPeakMb).toBeLessThan(200); // an empty node process: ~40–60 MB
    expect(inheritedMb).toBeGreaterThan(400); // the quirk the reporter avoids
  });

  it('loses no message sent before the process listens, and still reports before a model process kills itself on "dispose"', async () => {
    const child = fork(lateListener, [], { execArgv: ['--import', reporter], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    // Sent at once, before the child listens (a preloaded listener used to start the channel's reading and the message was lost).
    child.send({ type: 'init' });
    const answer = await new Promise<string>((resolve) => {
      child.once('message', (m: { type: string }) => resolve(m.type));
      setTimeout(() => resolve('no answer in 10 s'), 10_000).unref();
    });
    expect(answer).toBe('ready');
    child.send({ type: 'dispose' });
    expect(await exited).toBe('SIGKILL');
    expect(stderr).toMatch(/peak-rss-kb=\d+/);
  }, 20_000);
});
