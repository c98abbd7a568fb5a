/**
 * Dependencies point one way. The library never reaches up into the CLI; benchmarks and tests
 * share tooling through tools/, never each other's folders.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importEdges } from '../../tools/import-graph.js';

const root = path.resolve(import.meta.dirname, '../..');
const edges = importEdges(root, ['src', 'tests', 'bench', 'tools']);
const under = (folder: string) => (file: string) => file.startsWith(`${folder}/`);

describe('import graph', () => {
  it('finds the imports it is meant to check', () => {
    // A parser that found nothing would pass every rule below.
    expect(edges.filter((e) => e.from === 'src/cli/main.ts').map((e) => e.to)).toContain('src/cli/exit-codes.ts');
    expect(edges.filter((e) => e.from.startsWith('bench/')).length).toBeGreaterThan(0);
  });

  it('nothing in the library imports the CLI', () => {
    const up = edges.filter((e) => under('src')(e.from) && !under('src/cli')(e.from) && under('src/cli')(e.to));
    expect(up).toEqual([]);
  });

  it('shipped code imports neither tests, benchmarks nor tools', () => {
    const out = edges.filter((e) => under('src')(e.from) && !under('src')(e.to));
    expect(out).toEqual([]);
  });

  it('benchmarks do not import tests, and tests do not import benchmarks', () => {
    expect(edges.filter((e) => under('bench')(e.from) && under('tests')(e.to))).toEqual([]);
    expect(edges.filter((e) => under('tests')(e.from) && under('bench')(e.to))).toEqual([]);
  });

  it('tools are shared by both and depend on neither', () => {
    expect(edges.filter((e) => under('tools')(e.from) && (under('tests')(e.to) || under('bench')(e.to)))).toEqual([]);
  });
});
