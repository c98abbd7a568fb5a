import { describe, expect, it } from 'vitest';
import { MAX_REPLICAS, busyCoresBetween, parsePidStat, parseProcStat, planThreads, readCpuTimes } from '../../src/engine/generation/thread-plan.js';

describe('thread plan: how many model processes and ONNX Runtime threads, spinning or not', () => {
  it('a quiet machine: every core, spinning; two cores or more are shared by two model processes', () => {
    expect(planThreads(2, 0)).toEqual({ replicas: 2, threads: 1, spinning: true, busyCores: 0 });
    expect(planThreads(8, 0.3)).toEqual({ replicas: 2, threads: 4, spinning: true, busyCores: 0.3 });
    expect(planThreads(3, 0)).toEqual({ replicas: 2, threads: 1, spinning: true, busyCores: 0 });
    expect(planThreads(1, 0)).toEqual({ replicas: 1, threads: 1, spinning: true, busyCores: 0 });
    expect(MAX_REPLICAS).toBe(2);
  });

  it('cores kept busy by others: the whole free ones, at least one, not spinning without half a core to spare', () => {
    expect(planThreads(2, 0.7)).toEqual({ replicas: 1, threads: 1, spinning: false, busyCores: 0.7 });
    expect(planThreads(2, 3.5)).toEqual({ replicas: 1, threads: 1, spinning: false, busyCores: 3.5 });
    // 5.8 free: 5 whole cores → two processes of 2 threads, 1.8 cores to spare.
    expect(planThreads(8, 2.2)).toEqual({ replicas: 2, threads: 2, spinning: true, busyCores: 2.2 });
    // README's example: in one model process (a short job, --model-processes 1), 5 threads, spinning.
    expect(planThreads(8, 2.2, undefined, 1)).toEqual({ replicas: 1, threads: 5, spinning: true, busyCores: 2.2 });
    // 4.3 free: 4 → 2 × 2, 0.3 to spare.
    expect(planThreads(8, 3.7)).toEqual({ replicas: 2, threads: 2, spinning: false, busyCores: 3.7 });
  });

  it('--threads fixes the threads in all (two or more: two processes); spinning still follows the machine', () => {
    expect(planThreads(2, 1.5, 2)).toEqual({ replicas: 2, threads: 1, spinning: false, busyCores: 1.5 });
    expect(planThreads(16, 1.5, 4)).toEqual({ replicas: 2, threads: 2, spinning: true, busyCores: 1.5 });
    expect(planThreads(2, 0, 1)).toEqual({ replicas: 1, threads: 1, spinning: true, busyCores: 0 });
  });

  it('--model-processes caps the processes; the threads stay in one (1: as before there were two)', () => {
    expect(planThreads(2, 0, undefined, 1)).toEqual({ replicas: 1, threads: 2, spinning: true, busyCores: 0 });
    expect(planThreads(8, 0, 6, 1)).toEqual({ replicas: 1, threads: 6, spinning: true, busyCores: 0 });
    expect(planThreads(2, 0.7, undefined, 2)).toEqual({ replicas: 1, threads: 1, spinning: false, busyCores: 0.7 });
    expect(planThreads(4, 0, undefined, 2)).toEqual({ replicas: 2, threads: 2, spinning: true, busyCores: 0 });
  });

  it('not measured (no /proc): every core, spinning, as before', () => {
    expect(planThreads(4, null)).toEqual({ replicas: 2, threads: 2, spinning: true, busyCores: null });
  });

  it('reads /proc/stat: busy includes steal (a neighbour on our cores), iowait counts as idle', () => {
    const stat = 'cpu  100 5 50 1000 20 3 2 40 0 0\ncpu0 50 2 25 500 10 1 1 20 0 0\nintr 1 2 3\n';
    expect(parseProcStat(stat)).toEqual({ busy: 100 + 5 + 50 + 3 + 2 + 40, total: 100 + 5 + 50 + 3 + 2 + 40 + 1000 + 20 });
    expect(parseProcStat('intr 1 2 3\n')).toBeNull();
  });

  it('reads /proc/<pid>/stat after the name, which may hold spaces and parentheses', () => {
    const fields = ['S', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '123', '45', '0', '0'];
    expect(parsePidStat(`4242 (node) ${fields.join(' ')}`)).toBe(168);
    expect(parsePidStat(`4242 (da2en (model) x) ${fields.join(' ')}`)).toBe(168);
  });

  it('others’ use: the machine’s busy ticks less our own, per core', () => {
    const before = { busy: 1000, total: 4000, own: 300 };
    // 200 ticks of 2 cores: 150 busy, 50 of them ours → 100 others' ticks = 1 core.
    expect(busyCoresBetween(before, { busy: 1150, total: 4200, own: 350 }, 2)).toBeCloseTo(1);
    // Ours can exceed what /proc/stat saw (tick rounding): never below zero.
    expect(busyCoresBetween(before, { busy: 1010, total: 4200, own: 330 }, 2)).toBe(0);
    expect(busyCoresBetween(before, before, 2)).toBeNull();
  });

  it('measures this machine (Linux): a busy loop in this process is ours, not others’', () => {
    const before = readCpuTimes([process.pid]);
    if (process.platform !== 'linux') return expect(before).toBeNull();
    // 0.2 s of this process's CPU time, however long a busy machine takes to give it.
    const start = process.cpuUsage();
    const deadline = performance.now() + 10_000;
    while (process.cpuUsage(start).user < 200_000 && performance.now() < deadline) Math.sqrt(Math.random());
    const after = readCpuTimes([process.pid])!;
    expect(after.own - before!.own).toBeGreaterThanOrEqual(15); // 20 ticks at 100 per second, less rounding
    expect(after.busy).toBeGreaterThan(before!.busy);
  });
});
