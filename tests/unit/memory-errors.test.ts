import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { memoryFailure } from '../../src/cache/memory-errors.js';

/** What lmdb 3.5.6 throws when a page write fails (mdb.c): the C library's text, then its detail; no code. */
const LMDB_FULL_DISK = 'No space left on device: Attempting to write page at position 20480, size 20480, blocks 3, buffer sizes 4096 4096 12288';
const ADVICE = '(run without the translation memory, or set DA2EN_CACHE_DIR to a writable folder)';

describe('the translation memory failures in one line', () => {
  it("a full disk, as lmdb says it (no code) or as Node does (ENOSPC): the same words, without lmdb's page detail", () => {
    const lmdbError = new Error(LMDB_FULL_DISK);
    const fromLmdb = memoryFailure('/c', lmdbError);
    expect(fromLmdb.message).toBe(`cannot use the translation memory in /c: no space left on the device ${ADVICE}`);
    expect(fromLmdb.kind).toBe('storage');
    expect(fromLmdb.cause).toBe(lmdbError); // the detail, for --verbose
    const fromNode = memoryFailure('/c', Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    expect(fromNode.message).toBe(fromLmdb.message);
  });

  it("another failed page write keeps the C library's words, without lmdb's detail", () => {
    expect(memoryFailure('/c', new Error('Input/output error: Attempting to write page at position 0, size 4096, blocks 1, buffer sizes 4096 0 0')).message).toBe(
      `cannot use the translation memory in /c: Input/output error ${ADVICE}`,
    );
  });

  it("ends the line lmdb's own print left open on standard error, after a failed page write only", () => {
    const stderrAfter = (message: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { endLmdbWriteErrorLine } from './src/cache/memory-errors.ts'; endLmdbWriteErrorLine(new Error(${JSON.stringify(message)}));`], {
        encoding: 'utf8',
      });
    const after = stderrAfter(LMDB_FULL_DISK);
    expect({ status: after.status, stderr: after.stderr }).toEqual({ status: 0, stderr: '\n' });
    expect(stderrAfter('MDB_CORRUPTED: Located page was wrong type').stderr).toBe('');
  });
});
