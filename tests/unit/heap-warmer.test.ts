/**
 * The model process warms its heap while it waits for its first batch (heap-warmer.ts): in slices
 * that let a request in, stopped by the first request, and the memory stays in place for the batch.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { warmHeap } from '../../src/engine/generation/heap-warmer.js';

const child = path.resolve(import.meta.dirname, '../helpers/heap-warm-child.ts');

function faultsOfFirstAllocation(mode: 'warm' | 'cold'): { warmed: number; faults: number; blocks: number } {
  // Without glibc's huge-page tunable (a model process's, model-process-env.ts, which a parent may
  // carry): with 2 MB pages the cold count falls to ~130-270 faults and the warm one varies 0-61,
  // so the comparison below would measure the kernel's huge-page luck rather than the warming.
  const env = { ...process.env };
  delete env['GLIBC_TUNABLES'];
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, mode], { encoding: 'utf8', env });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { warmed: number; faults: number; blocks: number };
}

describe('warmHeap', () => {
  it('warms in slices, each one event-loop turn, and frees with one garbage collection at the end', async () => {
    let collections = 0;
    const warming = warmHeap(8 * 1024 * 1024, () => collections++);
    expect(collections).toBe(0);
    await tick();
    // One turn warms one 2 MB slice (whole 120 KB blocks): a request waits for no more than that.
    const afterOne = await Promise.race([warming.done, tick().then(() => -1)]);
    expect(afterOne).toBe(-1);
    const warmed = await warming.done;
    expect(warmed).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(warmed).toBeLessThan(8 * 1024 * 1024 + 120 * 1024);
    expect(collections).toBe(1);
    expect(warming.stop()).toBe(warmed);
    expect(collections).toBe(1);
  });

  it('stops when asked, with what it warmed by then', async () => {
    let collections = 0;
    const warming = warmHeap(256 * 1024 * 1024, () => collections++);
    expect(warming.stop()).toBe(0); // nothing touched yet: nothing to free
    expect(await warming.done).toBe(0);
    expect(collections).toBe(0);
    const second = warmHeap(256 * 1024 * 1024, () => collections++);
    await tick();
    await tick();
    const part = second.stop();
    expect(part).toBeGreaterThan(0);
    expect(part).toBeLessThan(8 * 1024 * 1024);
    expect(await second.done).toBe(part);
    expect(collections).toBe(1);
  });

  it('warms nothing without a garbage collector to free the blocks with', async () => {
    expect(await warmHeap(8 * 1024 * 1024, undefined).done).toBe(0);
  });

  it.runIf(process.platform === 'linux')('leaves the memory mapped for the next allocations: they fault in a small part of the pages a cold process faults in', () => {
    const cold = faultsOfFirstAllocation('cold');
    const warm = faultsOfFirstAllocation('warm');
    expect(cold.warmed).toBe(0);
    expect(warm.warmed).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    expect(warm.blocks).toBe(cold.blocks);
    // 64 MB of fresh memory: ~16,000 faults of 4 KB, or at least 32 where 2 MB huge pages back it.
    expect(cold.faults).toBeGreaterThanOrEqual(32);
    expect(warm.faults).toBeLessThan(cold.faults / 4);
  }, 60_000);
});
