/**
 * What is already at an output path decides how it is written (src/io/sinks.ts): a symbolic link is
 * kept and the file it leads to replaced; a FIFO is written into, never replaced by a regular file;
 * a folder or a socket is an output error. The bilingual writer's scratch file never lands beside a
 * FIFO or device, and a full disk under it is an output error like any other (exit 8).
 */
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, constants, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkWritable, createAtomicFileSink, writeFileAtomically } from '../../src/io/sinks.js';
import { writeBilingualStream, type FramedParagraphs } from '../../src/io/bilingual-writer.js';
import { Da2enError } from '../../src/errors.js';
import type { BilingualParagraph } from '../../src/document/types.js';
import { PLAIN_FRAME } from '../helpers/bilingual-fixture.js';

// A full disk, for temporary files only while `disk.full` is set: their writes fail as the kernel's do.
const disk = vi.hoisted(() => ({ full: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open = async (...args: Parameters<typeof real.open>) => {
    const fh = await real.open(...args);
    if (!disk.full || !String(args[0]).endsWith('.tmp')) return fh;
    return new Proxy(fh, {
      get(target, prop) {
        if (prop === 'write') return () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  return { ...real, open, default: { ...real, open } };
});

const execFileAsync = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-places-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fifo(name: string): string {
  const p = path.join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
}

/**
 * Everything written into the FIFO, read from its other end by another process until the writer
 * closes it (in a process of its own: an open that never finds a writer cannot hang the tests).
 */
async function readAll(file: string): Promise<string> {
  try {
    return (await execFileAsync('cat', [file], { timeout: 15_000 })).stdout;
  } catch {
    return '(nothing came through the FIFO)';
  }
}

const FRAME = PLAIN_FRAME;

/** Two translated paragraphs, as a translation stream hands them to the writer. */
function translation(): FramedParagraphs {
  const para = (index: number, source: string, target: string): BilingualParagraph => ({
    index,
    kind: 'text',
    prefix: '',
    source,
    target,
    chunks: [{ index: 0, text: source, joinBefore: '', tokens: 1, target, origin: 'model' }],
  });
  const paragraphs = [para(0, 'Hej verden.', 'Hello world.'), para(1, 'Mere.', 'More.')];
  return {
    async *[Symbol.asyncIterator]() {
      yield* paragraphs;
    },
    frame: () => FRAME,
    result: () => ({ frame: FRAME }),
  };
}

describe('an output path that is already something', () => {
  it('a FIFO is written into and stays a FIFO (its reader gets the whole file)', async () => {
    const target = fifo('out.txt');
    const [read] = await Promise.all([readAll(target), writeFileAtomically(target, 'hello\nworld\n')]);
    expect(read).toBe('hello\nworld\n');
    expect(lstatSync(target).isFIFO()).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 30_000);

  it('a bilingual file whose head is written last reaches a FIFO whole, its scratch file kept out of the FIFO’s folder', async () => {
    const folder = path.join(dir, 'fifo-folder');
    mkdirSync(folder);
    const target = path.join(folder, 'out.json');
    execFileSync('mkfifo', [target]);
    const [read] = await Promise.all([readAll(target), writeBilingualStream(translation(), [{ format: 'json', path: target }])]);
    expect(JSON.parse(read).paragraphs.map((p: { target: string }) => p.target)).toEqual(['Hello world.', 'More.']);
    expect(lstatSync(target).isFIFO()).toBe(true);
    expect(readdirSync(folder)).toEqual(['out.json']);
  }, 30_000);

  it('a FIFO nobody opens for reading: a stop ends the wait for a reader, with the stop\'s reason', async () => {
    const target = fifo('unread.txt');
    const stop = new AbortController();
    const reason = new Da2enError('interrupted', 'interrupted');
    const opening = createAtomicFileSink(target, { signal: stop.signal });
    stop.abort(reason);
    try {
      await expect(opening).rejects.toBe(reason);
    } finally {
      // Before the fix a blocked open held one of libuv's threads: a reader, come and gone, frees it.
      closeSync(openSync(target, constants.O_RDONLY | constants.O_NONBLOCK));
    }
    expect(lstatSync(target).isFIFO()).toBe(true);
  }, 30_000);

  // What eval --save-hyp, a queue worker's outputs and `queue results --out-dir` are written with.
  it('writeFileAtomically to a FIFO nobody reads: a stop ends the wait, with the stop\'s reason', async () => {
    const target = fifo('unread-whole.txt');
    const stop = new AbortController();
    const reason = new Da2enError('interrupted', 'interrupted');
    const writing = writeFileAtomically(target, 'hello\n', { signal: stop.signal });
    stop.abort(reason);
    await expect(writing).rejects.toBe(reason);
    expect(lstatSync(target).isFIFO()).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 30_000);

  it('a FIFO whose reader reads nothing: a stop ends a write waiting for room in the pipe', async () => {
    const target = fifo('full.txt');
    const reader = openSync(target, constants.O_RDONLY | constants.O_NONBLOCK);
    const stop = new AbortController();
    const reason = new Da2enError('interrupted', 'interrupted');
    try {
      const sink = await createAtomicFileSink(target, { signal: stop.signal });
      // Far more than a pipe holds (64 KiB on Linux, at most 1 MiB by default).
      const writing = sink.write('x'.repeat(4 << 20));
      stop.abort(reason);
      await expect(writing).rejects.toBe(reason);
      await sink.abort();
    } finally {
      closeSync(reader);
    }
  }, 30_000);

  it('a symbolic link is kept, and the file it leads to gets the new content', async () => {
    const real = path.join(dir, 'real.md');
    const link = path.join(dir, 'link.md');
    writeFileSync(real, 'old\n');
    symlinkSync('real.md', link);
    await writeFileAtomically(link, 'new\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real.md');
    expect(readFileSync(real, 'utf8')).toBe('new\n');
  });

  it('a symbolic link to a file not there yet creates that file (and its folder), keeping the link', async () => {
    const link = path.join(dir, 'ahead.md');
    symlinkSync('later/made.md', link);
    await writeBilingualStream(translation(), [{ format: 'md', path: link }]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'later', 'made.md'), 'utf8')).toContain('Hello world.');
    expect(readdirSync(path.join(dir, 'later'))).toEqual(['made.md']);
  });

  it('-o /dev/stdout with standard output sent to a file (`>>`): written into that file, which is not replaced', async () => {
    const file = path.join(dir, 'redirected.txt');
    writeFileSync(file, 'before\n');
    const inode = statSync(file).ino;
    const fd = openSync(file, 'a');
    const sinks = pathToFileURL(path.resolve('src/io/sinks.ts')).href;
    const code = `const { writeFileAtomically } = await import(${JSON.stringify(sinks)}); await writeFileAtomically('/dev/stdout', 'after\\n');`;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', fd, 'pipe'] });
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, 'utf8')).toBe('before\nafter\n');
    expect(statSync(file).ino).toBe(inode);
  }, 30_000);

  it('a folder and a socket are output errors, found by the check before any work', async () => {
    const folder = path.join(dir, 'a-folder.md');
    mkdirSync(folder);
    await expect(checkWritable(folder)).rejects.toThrow(/cannot write .*a-folder\.md: it is a folder/);
    await expect(writeFileAtomically(folder, 'x')).rejects.toThrow(Da2enError);
    const socketPath = path.join(dir, 'sock.md');
    const server = net.createServer().listen(socketPath);
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      await expect(checkWritable(socketPath)).rejects.toThrow(/cannot write .*sock\.md: it is a socket/);
      expect(lstatSync(socketPath).isSocket()).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a full disk while the body waits for its head (html, md, txt, json) is an output error naming the output, and leaves nothing', async () => {
    const folder = path.join(dir, 'full');
    mkdirSync(folder);
    disk.full = true;
    try {
      for (const format of ['html', 'md', 'txt', 'json', 'en'] as const) {
        const target = path.join(folder, `out.${format === 'en' ? 'en.txt' : format}`);
        const err = await writeBilingualStream(translation(), [{ format, path: target }]).catch((e: unknown) => e);
        expect(err, format).toBeInstanceOf(Da2enError);
        expect((err as Da2enError).kind).toBe('output');
        expect((err as Error).message).toBe(`cannot write ${target}: no space left on the device; free some space, or write it into another folder`);
      }
    } finally {
      disk.full = false;
    }
    expect(readdirSync(folder)).toEqual([]);
  });
});
