/**
 * How many threads ONNX Runtime gets, and whether they spin between operators.
 *
 * ONNX Runtime's intra-op threads spin while they wait for the next operator (its default). That is
 * right when each thread has a core to itself, and ruinous when the cores are shared: a spinning
 * thread burns the time slice its partner needs, and every operator waits for the slowest thread.
 * Measured on the 2-core machine (echo-opus-da-en q8, greedy, batch 8, medians of 3 interleaved
 * rounds): quiet, 2 spinning threads 688–704 tokens/s against 550–564 without spinning and 562–602
 * with 1 thread; with other processes keeping the cores busy (load 3–3.8), 238–284 against 444–482
 * without spinning and 524–584 with 1 thread. So the model process looks before it opens the model:
 * a quiet machine → every core, spinning; cores busy → the whole cores that are free (at least 1),
 * spinning only if that leaves half a core to spare (many cores, a little background work).
 */
import { readFileSync } from 'node:fs';

export interface ThreadPlan {
  threads: number;
  spinning: boolean;
  /** Cores other processes kept busy while the model process started (null: not measured). */
  busyCores: number | null;
}

/** Other processes' use below this many cores counts as a quiet machine. */
export const QUIET_BELOW_CORES = 0.5;

/** The plan for `cores` cores of which others used `busyCores`; `requested` (--threads) fixes the count. */
export function planThreads(cores: number, busyCores: number | null, requested?: number): ThreadPlan {
  if (busyCores === null || busyCores < QUIET_BELOW_CORES) return { threads: requested ?? cores, spinning: true, busyCores };
  const free = cores - busyCores;
  const threads = requested ?? Math.min(cores, Math.max(1, Math.floor(free)));
  return { threads, spinning: free - threads >= QUIET_BELOW_CORES, busyCores };
}

/** CPU time in clock ticks: the machine's (all CPUs, from /proc/stat) and the given processes'. */
export interface CpuTimes {
  /** Ticks spent busy, all CPUs together (steal included: a neighbour's use of our cores). */
  busy: number;
  /** All ticks, all CPUs together. */
  total: number;
  /** Ticks the given processes used (user + system). */
  own: number;
}

/** The aggregate `cpu` line of /proc/stat → busy and total ticks. */
export function parseProcStat(text: string): { busy: number; total: number } | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if ([user, nice, system, idle, iowait, irq, softirq, steal].some((v) => v === undefined || !Number.isFinite(v))) return null;
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, total: busy + idle! + iowait! };
}

/** /proc/<pid>/stat → utime + stime (the name in parentheses may hold spaces and parentheses). */
export function parsePidStat(text: string): number | null {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, utime and stime are fields 14 and 15 (man 5 proc).
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
}

/** Now, for these processes; null where /proc cannot be read (not Linux). */
export function readCpuTimes(pids: readonly number[]): CpuTimes | null {
  try {
    const machine = parseProcStat(readFileSync('/proc/stat', 'utf8'));
    if (!machine) return null;
    let own = 0;
    for (const pid of pids) {
      try {
        own += parsePidStat(readFileSync(`/proc/${pid}/stat`, 'utf8')) ?? 0;
      } catch {
        // A process that is gone used nothing since.
      }
    }
    return { ...machine, own };
  } catch {
    return null;
  }
}

/** Cores others kept busy between two readings (our own processes' use taken out). */
export function busyCoresBetween(before: CpuTimes, after: CpuTimes, cores: number): number | null {
  const total = after.total - before.total;
  if (total <= 0) return null;
  const others = Math.max(0, after.busy - before.busy - (after.own - before.own));
  return (others / total) * cores;
}
