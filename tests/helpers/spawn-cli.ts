/** Moved to tools/ (benchmarks use it too). */
export * from '../../tools/spawn-cli.js';
