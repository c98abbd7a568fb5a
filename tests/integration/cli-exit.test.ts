/**
 * The `da2en` process ends as soon as its translation has finished (src/cli/early-exit.ts), but never
 * before what it writes has left it: a long translation written to a pipe read slowly arrives whole,
 * byte for byte what the same run writes to a file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'src', 'cli', 'bin.ts');

function sh(command: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

let model: string;
beforeAll(async () => {
  model = await builtModel('tiny');
});

describe('the da2en process at the end of a translation', () => {
  it('writes all of a long output to a pipe read slowly before it ends', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-exit-'));
    const input = path.join(dir, 'long.da.txt');
    writeFileSync(input, Array.from({ length: 200 }, (_, i) => `Kommunen bygger en ny skole til børn og voksne i byen nummer ${i + 1}. Regeringen siger at det går godt.`).join('\n\n'));
    const cli = `"${process.execPath}" --import tsx "${bin}" "${input}" --model "${model}" --offline --no-cache --quiet --format txt`;
    const toFile = await sh(`${cli} -o "${path.join(dir, 'direct.txt')}"`);
    expect(toFile.code, toFile.stderr).toBe(0);
    // A reader slower than the CLI writes: more than the pipe holds (64 KiB) waits in the CLI until read.
    const toPipe = await sh(`${cli} | "${process.execPath}" "${path.join(root, 'tests', 'helpers', 'slow-reader.mjs')}" "${path.join(dir, 'piped.txt')}"`);
    expect(toPipe.code, toPipe.stderr).toBe(0);
    // The same but for the time the run took, in the header.
    const read = (name: string) => readFileSync(path.join(dir, name), 'utf8').replace(/\| Time: [\d.]+ s/, '');
    const direct = read('direct.txt');
    expect(direct.length).toBeGreaterThan(70_000);
    expect(read('piped.txt')).toBe(direct);
  }, 120_000);
});
