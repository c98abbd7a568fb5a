/**
 * How many model processes (replicas) run, how many threads ONNX Runtime gets in each, and whether
 * they spin between operators.
 *
 * ONNX Runtime's intra-op threads spin while they wait for the next operator (its default). That is
 * right when each thread has a core to itself, and ruinous when the cores are shared: a spinning
 * thread burns the time slice its partner needs, and every operator waits for the slowest thread.
 * Measured on the 2-core machine (echo-opus-da-en q8, greedy, batch 8, medians of 3 interleaved
 * rounds): quiet, 2 spinning threads 688–704 tokens/s against 550–564 without spinning and 562–602
 * with 1 thread; with other processes keeping the cores busy (load 3–3.8), 238–284 against 444–482
 * without spinning and 524–584 with 1 thread.
 *
 * A decoder step at these batch sizes is ~600 small operators: a second thread mostly waits. Two
 * model processes of one thread each, each running its own batch, keep both cores working
 * (CTranslate2's inter_threads): 1,003 and 1,053 tokens/s together against 698–709 for one process
 * with 2 spinning threads (same sentences, load 1.2–1.8). In one process two runs do not overlap
 * (onnxruntime-node runs a session on the JavaScript thread), hence processes. Each holds its own
 * copy of the weights, so there are at most MAX_REPLICAS.
 *
 * So the first model process looks before it opens the model: a quiet machine → every core,
 * spinning; cores busy → the whole cores that are free (at least 1), spinning only if that leaves
 * half a core to spare (many cores, a little background work). Two or more cores → two replicas,
 * sharing them.
 */
import { readFileSync } from 'node:fs';

export interface ThreadPlan {
  /** Model processes, each running its own batch (1 or 2). */
  replicas: number;
  /** ONNX Runtime threads in each. */
  threads: number;
  spinning: boolean;
  /** Cores other processes kept busy while the model process started (null: not measured). */
  busyCores: number | null;
}

/** Other processes' use below this many cores counts as a quiet machine. */
export const QUIET_BELOW_CORES = 0.5;

/** Model processes at most: each holds its own copy of the weights (~300 MB for opus-mt q8). */
export const MAX_REPLICAS = 2;

/**
 * Below this much text (characters, ≈ 5 articles like the seed article) one model process with every
 * thread finishes first: two processes load the model at the same time and slow each other's start
 * (seed article, 2,117 characters, quiet machine, interleaved: model ready after 1.8–2.2 s against
 * 1.23–1.26 s, generation 0.94–1.20 s against 0.76 s, 3.85–3.94 s in all against 2.77–2.83 s); the
 * second process's +45 % throughput pays for that only over a few seconds of generation.
 */
export const TWO_PROCESSES_FROM_CHARACTERS = 10_000;

/** The processes to cap at for a known amount of work (undefined: no cap, the plan decides). */
export function processesForWork(characters: number): number | undefined {
  return characters < TWO_PROCESSES_FROM_CHARACTERS ? 1 : undefined;
}

/** `total` threads as replicas of equal size (`replicas` asked for: at most that many). */
function split(total: number, replicas = MAX_REPLICAS): { replicas: number; threads: number } {
  const count = Math.min(replicas, MAX_REPLICAS, Math.max(1, total));
  return { replicas: count, threads: Math.max(1, Math.floor(total / count)) };
}

/**
 * The plan for `cores` cores of which others used `busyCores`. `requested` (--threads) fixes the
 * threads in all (2 or more: two replicas sharing them); `replicas` (--model-processes) caps the
 * model processes (1: one process with every thread, as before there were two).
 */
export function planThreads(cores: number, busyCores: number | null, requested?: number, replicas?: number): ThreadPlan {
  if (busyCores === null || busyCores < QUIET_BELOW_CORES) return { ...split(requested ?? cores, replicas), spinning: true, busyCores };
  const free = cores - busyCores;
  const plan = split(requested ?? Math.min(cores, Math.max(1, Math.floor(free))), replicas);
  return { ...plan, spinning: free - plan.replicas * plan.threads >= QUIET_BELOW_CORES, busyCores };
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
