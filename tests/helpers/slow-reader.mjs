// Copies standard input to the file named by argv[2], 4 KiB every 5 ms: a reader slower than its writer.
import { openSync, readSync, writeSync } from 'node:fs';

const out = openSync(process.argv[2], 'w');
const buf = Buffer.alloc(4096);
const step = () => {
  const n = readSync(0, buf, 0, buf.length, null);
  if (n === 0) return;
  writeSync(out, buf, 0, n);
  setTimeout(step, 5);
};
step();
