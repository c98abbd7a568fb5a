// Loaded with `node --import` (the benchmark, the load test) or imported: reports the process's
// peak resident set size on exit as `peak-rss-kb=N`.
//
// On Linux this is VmHWM, the high-water mark of this process's own memory. Not getrusage's
// ru_maxrss: that survives execve and starts from the RSS of the forked parent, so a CLI spawned
// by a benchmark that holds 700 MB "peaks" at 700 MB whatever it does (measured: 669 MB reported,
// 487 MB actually resident at the worst sample, the same CLI run alone 499 MB).
import { readFileSync } from 'node:fs';

export function peakRssKb() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS;
}

let reported = false;
function report() {
  if (reported) return;
  reported = true;
  process.stderr.write(`peak-rss-kb=${peakRssKb()}\n`);
}
process.on('exit', report);
// A model process ends itself with SIGKILL when asked to dispose (no 'exit' event): it reports then.
// This listener was added first, so it runs before the model process's own.
process.on('message', (message) => {
  if (message && message.type === 'dispose') report();
});
