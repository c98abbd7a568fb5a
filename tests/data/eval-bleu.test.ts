/**
 * Reproduces the published BLEU of every staged system output on FLORES-200 dev and devtest.
 *
 * The expected figures are read at test time from shared/data/eval/SCORES.md (§1 "FLORES-200
 * devtest" — the Mozilla rows, found by the `flores-test.SYSTEM.en` file named in their Source
 * column; §2 "FLORES-200 dev" — found by row label). Our corpusBleu must match each to 0.1,
 * i.e. print the same one-decimal figure as sacreBLEU. chrF has no published figure for these
 * outputs, so it is printed, not asserted (OPUS-MT's leaderboard 0.69227 on devtest is a
 * different run of opus-mt-da-en).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusBleu } from '../../src/eval/bleu.js';
import { corpusChrf } from '../../src/eval/chrf.js';
import { splitLines } from '../../src/eval/lines.js';
import { pyFormatFixed } from '../../src/eval/pycompat.js';
import { BLEU_SIGNATURE, CHRF_SIGNATURE } from '../../src/eval/signature.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = process.env.DA2EN_SHARED ?? path.resolve(repoRoot, '../shared');
const evalDir = path.join(shared, 'data/eval');

const SYSTEMS = ['opusmt', 'google', 'microsoft', 'bergamot-tiny', 'argos', 'nllb'] as const;
type System = (typeof SYSTEMS)[number];
type SetName = 'dev' | 'devtest';

function requireShared(): void {
  if (!existsSync(path.join(evalDir, 'SCORES.md'))) {
    throw new Error(
      `Shared evaluation data not found at ${evalDir} (expected SCORES.md, flores200-*.en and ` +
        `reference-outputs/). Put the shared folder beside the repo (../shared) or set DA2EN_SHARED.`,
    );
  }
}

function tableRows(section: string): string[][] {
  return section
    .split('\n')
    .filter((l) => l.trim().startsWith('|') && !/^\|\s*-/.test(l.trim()))
    .map((l) => l.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim()))
    .slice(1); // header
}

function bleuCell(cell: string | undefined): number {
  const m = /^\**\s*(\d+(?:\.\d+)?)\s*\**$/.exec(cell ?? '');
  if (!m) throw new Error(`SCORES.md: not a BLEU figure: ${JSON.stringify(cell)}`);
  return Number(m[1]);
}

/** Published BLEU per set and system, parsed from SCORES.md. */
function publishedScores(): Record<SetName, Record<System, number>> {
  const md = readFileSync(path.join(evalDir, 'SCORES.md'), 'utf8');
  const sections = md.split(/^## /m);
  const devtest = sections.find((s) => /^1\. FLORES-200 devtest/.test(s));
  const dev = sections.find((s) => /^2\. FLORES-200 dev\b/.test(s));
  if (!devtest || !dev) throw new Error('SCORES.md: FLORES sections §1/§2 not found');

  const out: Record<SetName, Partial<Record<System, number>>> = { dev: {}, devtest: {} };
  // §1: Mozilla rows name their file, e.g. "mozilla `evaluation/da-en/flores-test.google.en.*`".
  for (const row of tableRows(devtest)) {
    const src = row[row.length - 1] ?? '';
    const m = /flores-test\.([a-z-]+)\.en/.exec(src);
    if (m && (SYSTEMS as readonly string[]).includes(m[1]!)) out.devtest[m[1] as System] = bleuCell(row[1]);
  }
  // §2: rows by label.
  const labels: Array<[RegExp, System]> = [
    [/^opus-mt-da-en/, 'opusmt'],
    [/^Google/, 'google'],
    [/^Microsoft/, 'microsoft'],
    [/^Firefox tiny/, 'bergamot-tiny'],
    [/^Argos/, 'argos'],
    [/^NLLB/, 'nllb'],
  ];
  for (const row of tableRows(dev)) {
    const hit = labels.find(([re]) => re.test(row[0] ?? ''));
    if (hit) out.dev[hit[1]] = bleuCell(row[1]);
  }
  for (const set of ['dev', 'devtest'] as const) {
    for (const sys of SYSTEMS) {
      if (out[set][sys] === undefined) throw new Error(`SCORES.md: no published BLEU for ${sys} on ${set}`);
    }
  }
  return out as Record<SetName, Record<System, number>>;
}

function readLines(file: string): string[] {
  return splitLines(readFileSync(file, 'utf8'));
}

const report: string[] = [];

describe('BLEU reproduces the published FLORES-200 figures (sacreBLEU 13a, exp smoothing)', () => {
  requireShared();
  const published = publishedScores();

  it('SCORES.md gives the figures this test was written against', () => {
    // Sanity anchor (copied from SCORES.md §1/§2): guards against a mis-parse.
    expect(published.devtest).toEqual({
      opusmt: 45.1, google: 50.2, microsoft: 50.9, 'bergamot-tiny': 45.6, argos: 37.8, nllb: 31.9,
    });
    expect(published.dev).toEqual({
      opusmt: 45.1, google: 50.6, microsoft: 51.2, 'bergamot-tiny': 46.0, argos: 38.6, nllb: 32.5,
    });
  });

  for (const set of ['devtest', 'dev'] as const) {
    for (const sys of SYSTEMS) {
      it(`${set} ${sys}: BLEU ${published[set][sys].toFixed(1)}`, () => {
        const refs = readLines(path.join(evalDir, `flores200-${set}.en`));
        const hyps = readLines(path.join(evalDir, 'reference-outputs', `flores200-${set}.${sys}.en`));
        expect(hyps.length).toBe(refs.length);
        const bleu = corpusBleu(hyps, refs);
        const chrf = corpusChrf(hyps, refs);
        report.push(
          `${set.padEnd(8)} ${sys.padEnd(14)} BLEU ${pyFormatFixed(bleu.score, 1).padStart(5)} ` +
            `(published ${published[set][sys].toFixed(1)}, exact ${bleu.score.toFixed(4)})  ` +
            `chrF2 ${pyFormatFixed(chrf.score, 1).padStart(5)} (exact ${chrf.score.toFixed(4)})`,
        );
        expect(bleu.signature).toBe(BLEU_SIGNATURE);
        expect(chrf.signature).toBe(CHRF_SIGNATURE);
        // Same one-decimal figure as published, i.e. within 0.05 of it.
        expect(pyFormatFixed(bleu.score, 1)).toBe(published[set][sys].toFixed(1));
        expect(Math.abs(bleu.score - published[set][sys])).toBeLessThanOrEqual(0.05 + 1e-9);
      });
    }
  }

  afterAll(() => {
    console.log(
      ['Reproduced scores (chrF reported only; OPUS-MT leaderboard opus-mt-da-en devtest chrF2 = 69.2 (0.69227), a different run):', ...report].join('\n'),
    );
  });
});
