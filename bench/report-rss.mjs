// Loaded with `node --import` by the benchmark: reports the process's peak resident set size on exit.
process.on('exit', () => {
  process.stderr.write(`peak-rss-kb=${process.resourceUsage().maxRSS}\n`);
});
