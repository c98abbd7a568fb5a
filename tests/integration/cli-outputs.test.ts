/**
 * Issue 11, item 8: outputs say what they promise — the title once, no title made from a lede,
 * headings without their Markdown marker in table cells, the QA notes in Markdown and text, and
 * the real model load time in the JSON. Through the CLI with the tiny built model.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { runCli } from '../helpers/run-cli.js';

let model: string;
let dir: string;

beforeAll(async () => {
  model = await builtModel('tiny');
  dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-outputs-'));
});

function input(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function translate(inputs: string[], formats: string): Promise<string> {
  const out = mkdtempSync(path.join(dir, 'out-'));
  const r = await runCli([...inputs, '--model', model, '--offline', '--no-cache', '--quiet', '--format', formats, '--out-dir', out]);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

const read = (out: string, file: string) => readFileSync(path.join(out, file), 'utf8');

describe('outputs say what they promise', () => {
  it('a heading opening the article is the title, shown once in the HTML: as the first pair, the page <h1>', async () => {
    const out = await translate([input('storm.da.txt', 'Storm lukker færger\n\nFærgerne sejler ikke i dag. De sejler igen i morgen.\n')], 'html,json');
    const json = JSON.parse(read(out, 'storm.da-en.json'));
    expect(json.title.source).toBe('Storm lukker færger');
    const html = read(out, 'storm.da-en.html');
    const body = html.slice(html.indexOf('<body>'));
    expect(body.split('Storm lukker færger').length - 1).toBe(1);
    expect(body).toMatch(/<section class="pair kind-heading title" id="p1"><div class="cell da" lang="da"><h1 class="text" dir="auto">(<span[^>]*>)?Storm lukker færger/);
    expect(body.match(/<h1\b/g)).toHaveLength(2); // Danish and English cell of the title pair
    expect(html).toContain(`<title>${json.title.target.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')}</title>`);
  });

  it('a lede or a single paragraph gives no title: its first sentence stays text', async () => {
    const out = await translate(
      [input('lede.da.txt', 'Regeringen vil sænke skatten. Det siger statsministeren.\n\nForslaget kommer i maj.\n'), input('one.da.txt', 'Kommunen bygger en ny skole. Den åbner i 2027.\n')],
      'html,json',
    );
    for (const stem of ['lede', 'one']) {
      expect(JSON.parse(read(out, `${stem}.da-en.json`)).title).toEqual({ source: '', target: '' });
      const html = read(out, `${stem}.da-en.html`);
      expect(html).toContain(`<title>${stem}.da.txt (Danish–English)</title>`);
      expect(html).not.toMatch(/<h1\b/);
      expect(html).toMatch(/<section class="pair kind-text" id="p1">/);
    }
  });

  it('Markdown headings: no "**## Baggrund**" in a table cell; a Markdown input keeps "## Baggrund" a heading', async () => {
    const text = '# Storm lukker færger\n\nFærgerne sejler ikke.\n\n## Baggrund\n\nDet blæser meget.\n';
    const out = await translate([input('plain.txt', text), input('notes.md', text)], 'md');
    const table = read(out, 'plain.da-en.md');
    expect(table).toContain('| **Baggrund** |');
    expect(table).not.toMatch(/\*\*#/);
    const blocks = read(out, 'notes.da-en.md');
    expect(blocks).toMatch(/^## Baggrund$/m);
    expect(blocks).not.toMatch(/\*\*#/);
  });

  it('Markdown and text carry the QA notes the JSON has, one per finding', async () => {
    const out = await translate([input('qa.da.txt', 'Budget 2027\n\nKommunen bruger 412 mio. kr. på 3 nye skoler i 2027.\n\nDe åbner 1. august med 1.200 elever.\n')], 'md,txt,json');
    const json = JSON.parse(read(out, 'qa.da-en.json'));
    const findings = (json.paragraphs as { index: number; qa?: { kind: string }[] }[]).flatMap((p) => (p.qa ?? []).map((f) => `paragraph ${p.index + 1}, ${f.kind}:`));
    expect(findings.length).toBeGreaterThan(0); // the tiny model's output drops the numbers
    const md = read(out, 'qa.da-en.md');
    const txt = read(out, 'qa.da-en.txt');
    expect(md).toContain('**QA notes**');
    expect(txt).toContain('QA notes (check these against the Danish):');
    for (const doc of [md, txt]) {
      const listed = [...doc.matchAll(/^- (paragraph \d+, [a-z-]+:)/gm)].map((m) => m[1]);
      expect(listed).toEqual(findings);
    }
  });

  it('JSON timings.loadMs is the model load time, carried by the first input of the run', async () => {
    const out = await translate([input('t1.da.txt', 'Det regner.\n'), input('t2.da.txt', 'Det sner.\n')], 'json');
    const first = JSON.parse(read(out, 't1.da-en.json')).timings;
    const second = JSON.parse(read(out, 't2.da-en.json')).timings;
    expect(first.loadMs).toBeGreaterThan(0);
    expect(first.totalMs).toBe(first.loadMs + first.translateMs);
    expect(second.loadMs).toBe(0); // loaded once, for the first input
  });
});
