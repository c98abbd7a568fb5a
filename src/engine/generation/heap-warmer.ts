/**
 * Pays in advance, while the model process waits for its first batch, the memory cost that batch would
 * otherwise pay on the critical path.
 *
 * Measured (onnxruntime-node 1.30, the echo-opus-da-en q8 preset, the seed article's first batch: 8
 * rows, 362 tokens, on this project's 2-core virtual machine): a model process's first run grows
 * the heap by ~110–130 MB, and filling fresh memory costs the kernel ~2.5–5 ms per MB here (each
 * 2 MB huge-page fault ~5 ms): 200–450 ms of system time, during which the other intra-op thread
 * spins. The same batch again, or batches of other shapes after it, reuse that heap: 0–50 ms of system
 * time. The work itself is the same (user time with spinning off: 940–1,050 ms first, 960–980 ms
 * again): the whole first-call premium is fresh memory.
 *
 * So the model process touches that memory itself while it would otherwise wait: it allocates heap
 * blocks, writes to each page and frees them, keeping the last block. ONNX Runtime's buffers come
 * from the same heap (glibc's main arena: onnxruntime-node runs a session on the JS thread), and the
 * kept block lies above the freed region, so glibc's trim, which gives back only the top of the
 * heap, leaves it mapped: the first run then takes its buffers from memory already in place (system
 * time 0–60 ms instead of 200–450, with 128 MB warmed; peak RSS unchanged, the run uses the memory
 * anyway). Blocks of 120 KB lie under glibc's smallest mmap threshold (128 KB), so they always come
 * from the heap and never from a mapping of their own that freeing would unmap.
 *
 * Warming goes in slices (2 MB) between which a request is heard: the first request stops it and
 * finds what was warmed by then (its run faults in the rest itself, as before). ArrayBuffers give
 * their memory back only when collected, so freeing is a full garbage collection: the model process
 * runs with --expose-gc, and without `gc` nothing is warmed.
 */

/** What the seed article's first batch grows the heap by (see above), rounded up. */
export const HEAP_WARM_BYTES = 128 * 1024 * 1024;

const BLOCK_BYTES = 120 * 1024;
const SLICE_BYTES = 2 * 1024 * 1024;
const PAGE_BYTES = 4096;

/** The last block of each warming, kept for the life of the process (see above). */
const kept: Buffer[] = [];

export interface HeapWarming {
  /** Stops warming (if it still runs) and frees what it touched; returns the bytes warmed. */
  stop(): number;
  /** Resolves with the bytes warmed once warming has finished or was stopped. */
  readonly done: Promise<number>;
}

/**
 * Starts warming `bytes` of heap in slices on the event loop (not at once: the caller's messages
 * are heard between slices). `gc` is the garbage collector exposed by --expose-gc.
 */
export function warmHeap(bytes: number, gc: (() => void) | undefined = globalThis.gc): HeapWarming {
  let blocks: Buffer[] = [];
  let warmed = 0;
  let stopped = false;
  let finish!: (warmed: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const stop = (): number => {
    if (stopped) return warmed;
    stopped = true;
    clearImmediate(next);
    const last = blocks.at(-1);
    if (last) kept.push(last);
    blocks = [];
    if (warmed > 0) gc!();
    finish(warmed);
    return warmed;
  };
  const slice = (): void => {
    for (let n = 0; n < SLICE_BYTES && warmed < bytes; n += BLOCK_BYTES) {
      // Its own allocation (malloc), never a slice of Node's shared pool.
      const block = Buffer.allocUnsafeSlow(BLOCK_BYTES);
      for (let i = 0; i < BLOCK_BYTES; i += PAGE_BYTES) block[i] = 0;
      blocks.push(block);
      warmed += BLOCK_BYTES;
    }
    if (warmed >= bytes) stop();
    else next = setImmediate(slice);
  };
  let next: NodeJS.Immediate | undefined = gc && bytes > 0 ? setImmediate(slice) : undefined;
  if (!next) stop();
  return { stop, done };
}
