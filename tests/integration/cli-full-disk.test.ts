/**
 * Standard output on a full disk (`> /dev/full`): one line, exit 8, as for any output that cannot be
 * written (README "Bad input"), never Node's stack trace. A command that writes nothing there is
 * not failed by it.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { startTestRedis, type TestRedis } from '../../tools/redis-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'src', 'cli', 'bin.ts');
const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-full-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The CLI with its standard output on /dev/full; with `stopAfter`, sent SIGTERM once its standard
 * error matches it (a server or worker ready).
 */
function toFullDisk(args: string[], stopAfter?: RegExp): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // A device where every write fails with ENOSPC, as on a disk that is full.
    const full = openSync('/dev/full', 'w');
    const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args, ...(stopAfter ? [] : ['--quiet'])], { cwd: root, stdio: ['ignore', full, 'pipe'] });
    closeSync(full);
    let stderr = '';
    let stopped = false;
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stopAfter && !stopped && stopAfter.test(stderr)) {
        stopped = true;
        child.kill('SIGTERM');
      }
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

let model: string;
let redis: TestRedis;
beforeAll(async () => {
  [model, redis] = await Promise.all([builtModel('tiny'), startTestRedis()]);
});
afterAll(() => redis.dispose());

describe('standard output that cannot be written', () => {
  it.each([['txt'], ['en']])('a translation in --format %s: one line, exit 8', async (format) => {
    const input = path.join(dir, 'a.da.txt');
    writeFileSync(input, 'Kommunen bygger en ny skole.\n\nDen åbner i 2027.\n');
    const run = await toFullDisk([input, '--model', model, '--offline', '--no-cache', '--format', format]);
    expect(run.stderr).toBe('da2en: cannot write standard output: no space left on the device; free some space, or send it to a file on another disk\n');
    expect(run.code).toBe(8);
  });

  // yargs prints these itself (with console.log, which loses a failed write): main writes them to the
  // same checked standard output as any command's.
  it.each(['--help', '--version', 'model --help', 'eval -h'])('what `da2en %s` prints: one line, exit 8', async (line) => {
    const run = await toFullDisk(line.split(' '));
    expect(run.stderr).toBe('da2en: cannot write standard output: no space left on the device; free some space, or send it to a file on another disk\n');
    expect(run.code).toBe(8);
  });

  it('a report written in one go (model path): one line, exit 8', async () => {
    const run = await toFullDisk(['model', 'path', '--model', model]);
    expect(run.stderr).toBe('da2en: cannot write standard output: no space left on the device; free some space, or send it to a file on another disk\n');
    expect(run.code).toBe(8);
  });
});

describe('standard output that cannot be written, and nothing is written to it', () => {
  it('a translation written to a file: exit 0', async () => {
    const input = path.join(dir, 'b.da.txt');
    writeFileSync(input, 'Kommunen bygger en ny skole.\n');
    const output = path.join(dir, 'b.html');
    const run = await toFullDisk([input, '--model', model, '--offline', '--no-cache', '-o', output]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(existsSync(output)).toBe(true);
  });

  it('queue add (its report goes to standard error): exit 0', async () => {
    const input = path.join(dir, 'c.da.txt');
    writeFileSync(input, 'Den åbner i 2027.\n');
    const run = await toFullDisk(['queue', 'add', input, '--redis', `${redis.url}/2`, '--model', model, '--out-dir', dir]);
    expect([run.code, run.stderr]).toEqual([0, '']);
  });

  it('serve and worker stopped with SIGTERM: exit 0 (their lines go to standard error)', async () => {
    const served = await toFullDisk(['serve', '--model', model, '--offline', '--port', '0'], /listening on/);
    expect(served.code, served.stderr).toBe(0);
    const worked = await toFullDisk(['worker', '--redis', `${redis.url}/3`, '--model', model, '--offline'], /taking jobs from/);
    expect(worked.code, worked.stderr).toBe(0);
  });
});
