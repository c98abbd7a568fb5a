import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFormats, pipedOutputNote, planOutputs, stemOf } from '../../src/cli/output-plan.js';
import { Da2enError } from '../../src/errors.js';

describe('planOutputs', () => {
  it('writes html next to the input on a terminal', () => {
    expect(planOutputs({ inputs: ['news/artikel.da.txt'], stdoutIsTTY: true })).toEqual([
      { input: 'news/artikel.da.txt', targets: [{ format: 'html', path: 'news/artikel.da-en.html' }] },
    ]);
  });

  it('writes text to stdout when piped', () => {
    expect(planOutputs({ inputs: ['a.txt'], stdoutIsTTY: false })[0]!.targets).toEqual([{ format: 'txt', path: null }]);
    expect(planOutputs({ inputs: ['-'], formats: ['md'], stdoutIsTTY: false })[0]!.targets).toEqual([{ format: 'md', path: null }]);
  });

  it('takes the format from -o', () => {
    expect(planOutputs({ inputs: ['a.txt'], output: 'x.html', stdoutIsTTY: true })[0]!.targets).toEqual([{ format: 'html', path: 'x.html' }]);
    expect(planOutputs({ inputs: ['a.txt'], output: 'x.md', stdoutIsTTY: true })[0]!.targets[0]!.format).toBe('md');
    expect(planOutputs({ inputs: ['a.txt'], output: 'x.en.txt', stdoutIsTTY: true })[0]!.targets[0]!.format).toBe('en');
    expect(() => planOutputs({ inputs: ['a.txt'], output: 'x.pdf', stdoutIsTTY: true })).toThrow(/cannot tell the format/);
  });

  it('refuses -o whose extension names another format than --format (issue 11: HTML was written into x.md)', () => {
    const plan = (output: string, format: 'html' | 'md' | 'txt' | 'json' | 'en') => planOutputs({ inputs: ['a.txt'], output, formats: [format], stdoutIsTTY: true });
    expect(() => plan('x.md', 'html')).toThrow(/-o x\.md: the extension says md, --format says html; give the file a \.html name or leave out --format/);
    expect(() => plan('x.html', 'json')).toThrow(Da2enError);
    expect(() => plan('x.json', 'md')).toThrow(/extension says json/);
    expect(() => plan('x.en.txt', 'html')).toThrow(/extension says en/);
    // Agreeing, plain text either way, an extension that names no format, and stdout are fine.
    expect(plan('x.HTM', 'html')[0]!.targets[0]).toEqual({ format: 'html', path: 'x.HTM' });
    expect(plan('x.txt', 'en')[0]!.targets[0]!.format).toBe('en');
    expect(plan('x.en.txt', 'txt')[0]!.targets[0]!.format).toBe('txt');
    expect(plan('x.data', 'json')[0]!.targets[0]!.format).toBe('json');
    expect(plan('-', 'md')[0]!.targets[0]).toEqual({ format: 'md', path: null });
  });

  it('writes every format of every input into --out-dir', () => {
    const plans = planOutputs({ inputs: ['a.da.txt', 'b.txt'], formats: ['html', 'md', 'json', 'en'], outDir: 'out', stdoutIsTTY: true });
    expect(plans.flatMap((p) => p.targets.map((t) => t.path))).toEqual([
      'out/a.da-en.html', 'out/a.da-en.md', 'out/a.da-en.json', 'out/a.en.txt',
      'out/b.da-en.html', 'out/b.da-en.md', 'out/b.da-en.json', 'out/b.en.txt',
    ]);
  });

  it('refuses to overwrite an input, or two inputs writing one file', () => {
    expect(() => planOutputs({ inputs: ['a.txt'], output: 'a.txt', stdoutIsTTY: true })).toThrow(Da2enError);
    expect(() => planOutputs({ inputs: ['x/a.txt', 'y/a.txt'], outDir: 'out', stdoutIsTTY: true })).toThrow(/both write/);
  });

  it('rejects unknown formats and contradictory options', () => {
    expect(() => parseFormats('html,pdf')).toThrow(/unknown format pdf/);
    expect(parseFormats('md, html,md')).toEqual(['md', 'html']);
    expect(() => planOutputs({ inputs: ['a.txt', 'b.txt'], output: 'x.html', stdoutIsTTY: true })).toThrow(/one input/);
    expect(() => planOutputs({ inputs: ['a.txt'], output: 'x.html', outDir: 'o', stdoutIsTTY: true })).toThrow(/not both/);
  });

  it('names outputs after the input without .da/.txt', () => {
    expect(stemOf('dir/seed-article.da.txt')).toBe('seed-article');
    expect(stemOf('-')).toBe('stdin');
  });

  it('names a URL after its last path part, read as Latin-1 where its escapes are not UTF-8 (old Danish archives)', () => {
    expect(stemOf('https://www.dr.dk/nyheder/indland/storm-lukker-faerger?x=1')).toBe('storm-lukker-faerger');
    expect(stemOf('http://arkiv.example.dk/any/s%F8en.html')).toBe('søen');
    expect(stemOf('http://arkiv.example.dk/any/s%C3%B8en.html')).toBe('søen');
    expect(stemOf('http://arkiv.example.dk/%E6%F8%E5%ZZ')).toBe('æøå-ZZ');
    expect(stemOf('https://www.dr.dk/')).toBe('www.dr.dk');
  });

  it('names a URL with a long path or query so that every output name fits in 255 bytes, never cut within a character', () => {
    const urls = [
      `http://h.dk/nyheder/${'漢字'.repeat(43)}`,
      `http://h.dk/nyheder/${'a'.repeat(99)}𝐀𝐀`,
      `http://h.dk/${'ø'.repeat(200)}`,
      // Clashing: the query is taken, then the hash is added.
      `http://h.dk/ok?q=${'漢'.repeat(120)}+b`,
      `http://h.dk/ok?q=${'漢'.repeat(120)}%20b`,
    ];
    const plans = planOutputs({ inputs: urls, outDir: 'o', formats: ['html', 'json', 'md', 'txt', 'en'], stdoutIsTTY: true });
    for (const target of plans.flatMap((p) => p.targets)) {
      const name = path.basename(target.path!);
      expect(Buffer.byteLength(name, 'utf8'), name).toBeLessThanOrEqual(255);
      expect(name).not.toContain('\uFFFD');
      expect(Buffer.from(name, 'utf8').toString('utf8')).toBe(name); // no half of a surrogate pair
    }
    expect(stemOf(urls[1]!)).toBe(`${'a'.repeat(99)}𝐀`);
    expect(stemOf(urls[0]!)).toBe('漢字'.repeat(39));
  });

  it('gives URLs that share a last path part names that differ, as far back in the path as needed', () => {
    const plans = planOutputs({ inputs: ['http://h.dk/a/index.html', 'http://h.dk/b/index.html', 'http://h.dk/c/x/y/index.html', 'http://h.dk/d/x/y/index.html'], outDir: 'o', formats: ['md'], stdoutIsTTY: true });
    expect(plans.map((p) => path.basename(p.targets[0]!.path!))).toEqual(['a-index.da-en.md', 'b-index.da-en.md', 'c-x-y-index.da-en.md', 'd-x-y-index.da-en.md']);
    // Only where they clash: another URL keeps its short name; a path that runs out takes its host.
    const mixed = planOutputs({ inputs: ['http://one.dk/index.html', 'http://two.dk/index.html', 'http://h.dk/n/nyhed'], outDir: 'o', formats: ['md'], stdoutIsTTY: true });
    expect(mixed.map((p) => path.basename(p.targets[0]!.path!))).toEqual(['one.dk-index.da-en.md', 'two.dk-index.da-en.md', 'nyhed.da-en.md']);
    // URLs that differ only in their query take it (made safe), then a short hash where even that reads the same.
    const queries = planOutputs({ inputs: ['http://h.dk/ok?id=1', 'http://h.dk/ok?id=2', 'http://h.dk/ok?q=a+b', 'http://h.dk/ok?q=a%20b', 'http://h.dk/other?id=1'], outDir: 'o', formats: ['md'], stdoutIsTTY: true });
    const names = queries.map((p) => path.basename(p.targets[0]!.path!));
    expect(names.slice(0, 2)).toEqual(['h.dk-ok-id-1.da-en.md', 'h.dk-ok-id-2.da-en.md']);
    expect(names[2]).toMatch(/^h\.dk-ok-q-a-b-[0-9a-f]{8}\.da-en\.md$/);
    expect(names[3]).toMatch(/^h\.dk-ok-q-a-b-[0-9a-f]{8}\.da-en\.md$/);
    expect(names[4]).toBe('other.da-en.md');
    expect(new Set(names).size).toBe(names.length);
    // The same URL twice is still refused: nothing could tell the two outputs apart.
    // Said as such (it was "… would both write o/h.dk-a-1a2b3c4d.da-en.html; give them different names").
    expect(() => planOutputs({ inputs: ['http://u:pw@h.dk/a', 'http://u:pw@h.dk/a'], outDir: 'o', stdoutIsTTY: true })).toThrow(/^http:\/\/u:\*\*\*@h\.dk\/a is given twice; give it once$/);
    expect(() => planOutputs({ inputs: ['x.txt', 'x.txt'], outDir: 'o', stdoutIsTTY: true })).toThrow(/^x\.txt is given twice; give it once$/);
    // Files are named by the user: a clash is still refused, with the advice to rename.
    expect(() => planOutputs({ inputs: ['a/x.txt', 'b/x.txt'], outDir: 'o', stdoutIsTTY: true })).toThrow(/give them different names/);
  });
});

describe('pipedOutputNote', () => {
  const note = (req: Parameters<typeof planOutputs>[0]) => pipedOutputNote(req, planOutputs(req));
  it('says why a pipe stays empty: several inputs without -o or --out-dir are files beside themselves', () => {
    const req = { inputs: ['news/a.txt', 'b.txt'], stdoutIsTTY: false };
    expect(planOutputs(req).map((p) => p.targets)).toEqual([[{ format: 'html', path: 'news/a.da-en.html' }], [{ format: 'html', path: 'b.da-en.html' }]]);
    expect(note(req)).toBe(
      'standard output takes one input; these 2 are written as files beside them (news/a.da-en.html, …), as they would be at a terminal: give one input for its text on standard output, or --out-dir to choose the folder',
    );
  });
  it('says nothing where standard output gets what was asked for, or is a terminal', () => {
    expect(note({ inputs: ['a.txt'], stdoutIsTTY: false })).toBeUndefined();
    expect(note({ inputs: ['a.txt', 'b.txt'], stdoutIsTTY: true })).toBeUndefined();
    expect(note({ inputs: ['a.txt', 'b.txt'], outDir: 'o', stdoutIsTTY: false })).toBeUndefined();
  });
});
