/**
 * Content kept as it is by design (code blocks in Markdown and HTML, paragraphs of only numbers)
 * gets no QA notes: its English being the Danish is no fault. Through the CLI with the tiny built model.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-passthrough-qa-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sentence = '<p>Det er en god dag i dag, og solen skinner over byen, mens folk går tur i parken og taler sammen.</p>\n';
const inputs: Record<string, string> = {
  'kode.md': '# Overskrift\n\nDet er en god dag i dag.\n\n```\nconst total = items.map((item) => item.price);\nconsole.log(total);\n```\n\n12.345 67 89\n\n    indrykket kode her med flere ord\n',
  'kode.html': `<html><head><title>Kode</title></head><body><article><h1>En overskrift her</h1>\n${sentence.repeat(4)}<pre><code>const total = items.map((item) =&gt; item.price);\nconsole.log(total);</code></pre>\n${sentence.repeat(3)}</article></body></html>`,
};

describe('QA of content kept as it is', () => {
  it.each(Object.keys(inputs))('%s: code blocks and number-only paragraphs get no notes', async (name) => {
    const input = path.join(dir, name);
    writeFileSync(input, inputs[name]!);
    const out = mkdtempSync(path.join(dir, 'out-'));
    const r = await runCli([input, '--model', model, '--offline', '--no-cache', '--quiet', '--format', 'json', '--out-dir', out]);
    expect(r.code, r.stderr).toBe(0);
    const [file] = readdirSync(out).filter((f) => f.endsWith('.json'));
    const json = JSON.parse(readFileSync(path.join(out, file!), 'utf8')) as BilingualDocument;
    const keptAsIs = json.paragraphs.filter((p) => p.chunks.every((c) => c.origin === 'passthrough'));
    expect(keptAsIs.map((p) => p.kind)).toContain('code');
    for (const p of keptAsIs) expect(p.qa, p.source).toEqual([]);
    expect(json.qa?.byKind.untranslated).toBe(0);
  });
});
