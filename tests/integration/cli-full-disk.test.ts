/**
 * Standard output on a full disk (`> /dev/full`): one line, exit 8, as for any output that cannot be
 * written (README "Bad input"), never Node's stack trace.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'src', 'cli', 'bin.ts');
const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-full-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function toFullDisk(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // A device where every write fails with ENOSPC, as on a disk that is full.
    const full = openSync('/dev/full', 'w');
    const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args, '--quiet'], { cwd: root, stdio: ['ignore', full, 'pipe'] });
    closeSync(full);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

let model: string;
beforeAll(async () => {
  model = await builtModel('tiny');
});

describe('standard output that cannot be written', () => {
  it.each([['txt'], ['en']])('a translation in --format %s: one line, exit 8', async (format) => {
    const input = path.join(dir, 'a.da.txt');
    writeFileSync(input, 'Kommunen bygger en ny skole.\n\nDen åbner i 2027.\n');
    const run = await toFullDisk([input, '--model', model, '--offline', '--no-cache', '--format', format]);
    expect(run.stderr).toBe('da2en: cannot write standard output: no space left on the device\n');
    expect(run.code).toBe(8);
  });

  it('a report written in one go (model path): one line, exit 8', async () => {
    const run = await toFullDisk(['model', 'path', '--model', model]);
    expect(run.stderr).toBe('da2en: cannot write standard output: no space left on the device\n');
    expect(run.code).toBe(8);
  });
});
