/**
 * Run with --expose-gc: warms the heap (when argv[2] is "warm") and then allocates and writes the
 * same amount in ONNX Runtime-sized heap blocks, as a first batch would; prints the page faults
 * that allocation took as JSON.
 */
import { warmHeap } from '../../src/engine/generation/heap-warmer.js';

const bytes = 64 * 1024 * 1024;
const warmed = process.argv[2] === 'warm' ? await warmHeap(bytes).done : 0;
const before = process.resourceUsage().minorPageFault;
const blocks: Buffer[] = [];
for (let n = 0; n < bytes; n += 256 * 1024) {
  const block = Buffer.allocUnsafeSlow(256 * 1024);
  for (let i = 0; i < block.length; i += 4096) block[i] = 1;
  blocks.push(block);
}
process.stdout.write(JSON.stringify({ warmed, faults: process.resourceUsage().minorPageFault - before, blocks: blocks.length }));
