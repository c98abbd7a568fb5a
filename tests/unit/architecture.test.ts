/**
 * Dependencies point one way. The library never reaches up into the CLI; benchmarks and tests
 * share tooling through tools/, never each other's folders.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, folderEdges, importEdges } from '../../tools/import-graph.js';

const root = path.resolve(import.meta.dirname, '../..');
const edges = importEdges(root, ['src', 'tests', 'bench', 'tools']);
const under = (folder: string) => (file: string) => file.startsWith(`${folder}/`);

describe('import graph', () => {
  it('finds the imports it is meant to check', () => {
    // A parser that found nothing would pass every rule below.
    expect(edges.filter((e) => e.from === 'src/cli/main.ts').map((e) => e.to)).toContain('src/cli/exit-codes.ts');
    expect(edges.filter((e) => e.from.startsWith('bench/')).length).toBeGreaterThan(0);
  });

  it('no cycles: between src/ folders, or between files', () => {
    const src = edges.filter((e) => under('src')(e.from));
    const folders = [...folderEdges(src).keys()].map((k) => k.split(' -> ') as [string, string]);
    expect(cycles(folders)).toEqual([]);
    expect(cycles(src.map((e) => [e.from, e.to] as const))).toEqual([]);
    // The check itself finds a cycle when there is one.
    expect(cycles([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd']])).toEqual([['a', 'b', 'c']]);
  });

  it('the pipeline never imports the whole-article API built on it', () => {
    expect(edges.filter((e) => under('src/pipeline')(e.from) && e.to === 'src/translate-article.ts')).toEqual([]);
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
