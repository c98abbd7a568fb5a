/**
 * The model process, started by library code (WorkerGenerator, behind loadTranslator, the CLI and
 * `da2en serve`), runs with glibc's huge-pages tunable on Linux, and it takes effect: ONNX Runtime's
 * session memory is backed by transparent huge pages (the model's start spends most of its time in
 * page faults without them).
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HUGE_PAGES_TUNABLE } from '../../src/engine/generation/model-process-env.js';
import { WorkerGenerator } from '../../src/engine/generation/worker-generator.js';
import { builtModel } from '../../tools/builder-models.js';

/**
 * The model process's GLIBC_TUNABLES, the memory it asked the kernel to back with huge pages (kB of
 * mappings flagged `hg`, MADV_HUGEPAGE: what the tunable makes glibc do) and what the kernel backed
 * with them so far (AnonHugePages, best effort: none when it has no free 2 MB page at that moment),
 * read from /proc once the model is open.
 */
async function modelProcess(dir: string): Promise<{ tunables: string | undefined; madvisedKb: number; hugePagesKb: number }> {
  const generator = await WorkerGenerator.start({ dir, dtype: 'q8', engine: 'ort', intraOpThreads: 1 });
  try {
    const pid = generator.pid!;
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const tunables = env.find((v) => v.startsWith('GLIBC_TUNABLES='))?.slice('GLIBC_TUNABLES='.length);
    const hugePagesKb = Number(/AnonHugePages:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    // Each mapping: its lines, the Size first, VmFlags last.
    const madvisedKb = readFileSync(`/proc/${pid}/smaps`, 'utf8')
      .split(/\n(?=[0-9a-f]+-[0-9a-f]+ )/)
      .filter((m) => /^VmFlags:.*\bhg\b/m.test(m))
      .reduce((kb, m) => kb + Number(/^Size:\s+(\d+)/m.exec(m)?.[1] ?? 0), 0);
    return { tunables, madvisedKb, hugePagesKb };
  } finally {
    await generator.dispose();
  }
}

// Huge pages can back memory only where the kernel offers them on request ("madvise", or "always",
// where every large block gets them anyway) and glibc has the tunable (2.35 and later).
const thp = (() => {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
})();
const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
const glibcHasTunable = glibc !== undefined && Number(glibc.split('.')[1]) >= 35 && Number(glibc.split('.')[0]) >= 2;

describe.runIf(process.platform === 'linux')('the model process on Linux', () => {
  let dir: string;
  const callerTunables = process.env['GLIBC_TUNABLES'];
  beforeAll(async () => {
    dir = await builtModel('tiny');
  });
  afterEach(() => {
    if (callerTunables === undefined) delete process.env['GLIBC_TUNABLES'];
    else process.env['GLIBC_TUNABLES'] = callerTunables;
  });

  it('starts with the huge-pages tunable, and its memory is backed by huge pages', async () => {
    delete process.env['GLIBC_TUNABLES'];
    const { tunables, madvisedKb, hugePagesKb } = await modelProcess(dir);
    expect(tunables).toBe(HUGE_PAGES_TUNABLE);
    // The caller's own process is left as it was.
    expect(process.env['GLIBC_TUNABLES']).toBeUndefined();
    if ((thp === 'madvise' || thp === 'always') && glibcHasTunable) {
      // What da2en controls: glibc asks for huge pages. Whether the kernel had them free to give at
      // that moment is its own affair (a clean-clone CI run once saw 0 kB on a busy machine).
      expect(madvisedKb).toBeGreaterThan(0);
      process.stderr.write(`[thp] model process: ${madvisedKb} kB asked for huge pages, ${hugePagesKb} kB backed by them\n`);
    }
  }, 60_000);

  it("keeps the caller's other tunables, and a hugetlb setting the caller chose wins (here: off, and then no huge pages)", async () => {
    // glibc cuts the variable's text in place after the first tunable it reads, so /proc shows only
    // that one: that the tunable was added shows in the memory.
    process.env['GLIBC_TUNABLES'] = 'glibc.malloc.arena_max=2';
    const more = await modelProcess(dir);
    expect(more.tunables).toMatch(/^glibc\.malloc\.arena_max=2\b/);
    if ((thp === 'madvise' || thp === 'always') && glibcHasTunable) expect(more.hugePagesKb).toBeGreaterThan(0);
    process.env['GLIBC_TUNABLES'] = 'glibc.malloc.hugetlb=0';
    const off = await modelProcess(dir);
    expect(off.tunables).toBe('glibc.malloc.hugetlb=0');
    // With "madvise" only memory glibc asks for gets huge pages: none once the tunable is off.
    if (thp === 'madvise' && glibcHasTunable) expect(off.hugePagesKb).toBe(0);
  }, 60_000);
});
