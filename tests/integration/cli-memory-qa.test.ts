/**
 * A re-run served from the translation memory shows the QA of the run that translated it: the
 * runaway guards that fired are kept with the translation. Through the CLI with the tiny built
 * model, whose translations loop (its repetition guard fires on almost every sentence).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BilingualDocument } from '../../src/document/types.js';
import { builtModel } from '../../tools/builder-models.js';
import { runCli } from '../helpers/run-cli.js';

let model: string;
let dir: string;

beforeAll(async () => {
  model = await builtModel('tiny');
  dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-memory-qa-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('QA of a re-run through the translation memory', () => {
  it('is the first run\'s, guard findings included, in the JSON and the HTML', async () => {
    const input = path.join(dir, 'skole.da.txt');
    writeFileSync(input, 'Kommunen bygger en ny skole ved havnen.\n\nBorgmesteren siger, at byen vokser hurtigt, og at der mangler plads til børnene.\n\nDen nye skole åbner i 2027.\n');
    const cache = path.join(dir, 'cache');
    const run = async () => {
      const out = mkdtempSync(path.join(dir, 'out-'));
      const r = await runCli([input, '--model', model, '--offline', '--cache-dir', cache, '--quiet', '--format', 'json,html', '--out-dir', out]);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(readFileSync(path.join(out, 'skole.da-en.json'), 'utf8')) as BilingualDocument;
      const badges = readFileSync(path.join(out, 'skole.da-en.html'), 'utf8').match(/<details class="qa">.*?<\/details>/gs) ?? [];
      return { json, badges };
    };
    const first = await run();
    const second = await run();
    expect(first.json.qa?.byKind.guard).toBeGreaterThan(0);
    expect(second.json.paragraphs.flatMap((p) => p.chunks.map((c) => c.origin))).toEqual(first.json.paragraphs.flatMap((p) => p.chunks.map(() => 'cache')));
    expect(second.json.qa).toEqual(first.json.qa);
    expect(second.json.paragraphs.map((p) => p.qa)).toEqual(first.json.paragraphs.map((p) => p.qa));
    expect(second.badges).toEqual(first.badges);
    expect(second.badges.join('')).toContain('repetition');
  });
});
