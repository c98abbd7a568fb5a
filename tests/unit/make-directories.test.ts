import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDirectories } from '../../src/io/make-directories.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code;
  }
};

describe('making folders (mkdir -p)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'da2en-mkdir-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes every missing folder and returns the topmost one it made, as Node does; nothing when the folder exists', async () => {
    const deep = path.join(dir, 'a', 'b', 'c');
    expect(makeDirectories(deep)).toBe(path.join(dir, 'a'));
    expect((await stat(deep)).isDirectory()).toBe(true);
    expect(makeDirectories(deep)).toBeUndefined();
    expect(makeDirectories(path.join(dir, 'a', 'b', 'd'))).toBe(path.join(dir, 'a', 'b', 'd'));
  });

  it('fails with the system code where a file is in the way', async () => {
    await writeFile(path.join(dir, 'file'), 'x');
    expect(codeOf(() => makeDirectories(path.join(dir, 'file')))).toBe('EEXIST');
    expect(codeOf(() => makeDirectories(path.join(dir, 'file', 'below')))).toBe('ENOTDIR');
  });

  // Node's own recursive mkdir never returns here (a busy loop), so the call runs in a child with a time limit.
  it.runIf(process.platform === 'linux')('ends with an error where the system cannot make a folder and says ENOENT (/proc)', () => {
    const script = `import { makeDirectories } from ${JSON.stringify(path.join(root, 'src/io/make-directories.ts'))};
      try { makeDirectories('/proc/self/da2en-cannot-be/here'); console.log('made'); } catch (e) { console.log(e.code); }`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(child.signal, 'the child was stopped by the time limit: it did not end').toBeNull();
    expect(child.stdout.trim()).toBe('ENOENT');
  });
});
