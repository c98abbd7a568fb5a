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
// The listener goes in only when the process adds its own, in front of it (so it runs first). Added
// here at once it would start the IPC channel's reading before the process listens: a model process
// started ahead lost the work its parent sent meanwhile and waited for it forever (seen 2 times in
// ~40 runs of a long job; a preloaded listener loses every message sent before the main module's).
const onDispose = (message) => {
  if (message && message.type === 'dispose') report();
};
const onNewListener = (event) => {
  if (event !== 'message') return;
  process.off('newListener', onNewListener);
  process.prependListener('message', onDispose);
};
process.on('newListener', onNewListener);
