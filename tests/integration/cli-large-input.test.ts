/**
 * The CLI on a 20 MB article: it streams (outputs complete and in order), memory does not grow
 * with the input, and progress is shown. The CLI runs in its own process exactly as shipped, with
 * the FakeTranslator in place of the model (tests/helpers/cli-with-fake-engine.ts): a real model
 * would take hours on 20 MB and its memory does not depend on the input's size.
 */
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/spawn-cli.js';
import { TARGET_BYTES, writeArticle } from '../helpers/large-article.js';
import { expectEnglishInOrder, expectHtmlInOrder, linesOf } from '../helpers/large-article-checks.js';

const ENTRY = 'tests/helpers/cli-with-fake-engine.ts';
const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-cli-large-'));
const large = path.join(dir, 'large.da.txt');
const small = path.join(dir, 'small.da.txt');
let largeParagraphs = 0;
let smallParagraphs = 0;

beforeAll(async () => {
  largeParagraphs = await writeArticle(large);
  smallParagraphs = await writeArticle(small, TARGET_BYTES / 10);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], stdinFile?: string) {
  const cli = spawnCli(args, {}, { entry: ENTRY, stdin: stdinFile ? 'pipe' : 'ignore' });
  if (stdinFile) await pipeline(createReadStream(stdinFile), cli.child.stdin!);
  const result = await cli.done;
  const peak = /peak-rss-kb=(\d+)/.exec(result.stderr);
  return { ...result, peakRssMB: peak ? Number(peak[1]) / 1024 : NaN };
}

describe('the CLI on a 20 MB article', () => {
  it('streams it to complete, ordered outputs, with progress, in memory that does not grow with the input', async () => {
    const outLarge = path.join(dir, 'out-large');
    const outSmall = path.join(dir, 'out-small');
    const args = (out: string) => ['-f', 'html,en', '--out-dir', out, '--no-cache', '--progress', '--verbose'];
    const smallRun = await run([small, ...args(outSmall)]);
    const largeRun = await run([large, ...args(outLarge)]);
    expect(smallRun.code, smallRun.stderr).toBe(0);
    expect(largeRun.code, largeRun.stderr).toBe(0);

    await expectHtmlInOrder(path.join(outLarge, 'large.da-en.html'), largeParagraphs);
    await expectEnglishInOrder(linesOf(path.join(outLarge, 'large.en.txt')), largeParagraphs);
    expect(readdirSync(outLarge).sort()).toEqual(['large.da-en.html', 'large.en.txt']);
    expect(largeRun.stderr).toContain(`large.da.txt: ${largeParagraphs} paragraphs`);

    // Progress (a plain line every 2 s when stderr is not a terminal): the total is known from the
    // first read-through, the count only goes up, and the last line is the whole article.
    const counts = [...largeRun.stderr.matchAll(/translating .*? (\d+)\/(\d+) paragraphs/g)].map((m) => {
      expect(Number(m[2])).toBe(largeParagraphs);
      return Number(m[1]);
    });
    expect(counts.length).toBeGreaterThanOrEqual(3);
    expect(counts.some((c) => c > 0 && c < largeParagraphs)).toBe(true);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    expect(counts.at(-1)).toBe(largeParagraphs);

    // Ten times the input, about the same peak: measured 326 MB (2 MB) vs 389 MB (20 MB), where
    // holding the whole document costs about +906 MB at 20 MB (see large-input.test.ts).
    const size = statSync(large).size;
    console.log(`CLI, fake engine: ${(size / 1048576).toFixed(1)} MB → peak RSS ${largeRun.peakRssMB.toFixed(0)} MB; ${(statSync(small).size / 1048576).toFixed(1)} MB → ${smallRun.peakRssMB.toFixed(0)} MB`);
    expect(largeRun.peakRssMB - smallRun.peakRssMB).toBeLessThan(100);
  }, 180_000);

  it('streams standard input to standard output, counting paragraphs without a total', async () => {
    const result = await run(['-', '-f', 'en', '--no-cache', '--progress'], small);
    expect(result.code, result.stderr).toBe(0);
    await expectEnglishInOrder(result.stdout.split('\n'), smallParagraphs);
    expect(result.stderr).not.toMatch(/\d+\/\d+ paragraphs/);
    expect(result.stderr).toContain(`translating ${smallParagraphs} paragraphs`);
  }, 120_000);

  it('finds a bad byte at the very end of the file before translating anything', async () => {
    const bad = path.join(dir, 'bad-end.da.txt');
    await pipeline(createReadStream(large), (await import('node:fs')).createWriteStream(bad));
    appendFileSync(bad, Buffer.from([0x0a, 0x0a, 0x41, 0xff, 0x42]));
    const out = path.join(dir, 'out-bad');
    const result = await run([small, bad, '-f', 'html', '--out-dir', out, '--no-cache', '--verbose']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`da2en: ${bad} is not valid UTF-8 (first bad byte at offset ${statSync(large).size + 3})`);
    expect(result.stderr).not.toContain('loaded in'); // the model was never loaded
    expect(existsSync(out)).toBe(false); // not even the good first input was written
  }, 120_000);
});
