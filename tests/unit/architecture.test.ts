/**
 * Dependencies point one way. The library never reaches up into the CLI; benchmarks and tests
 * share tooling through tools/, never each other's folders.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, folderEdges, importEdges, reachable, staticImports } from '../../tools/import-graph.js';

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

/**
 * Start-up time: a command loads what it uses. Each of these packages takes 0.15–0.45 s to import on
 * this machine and is needed only for some inputs or commands, so it is imported where it is used.
 */
describe('what starting a translation loads', () => {
  const loaded = staticImports(root, ['src']);
  const packagesOf = (start: string) => [...reachable(loaded, start)].filter((m) => m.startsWith('pkg:')).sort();

  it('reads static imports and packages (a parser that found nothing would pass the checks below)', () => {
    expect(packagesOf('src/cli/main.ts')).toContain('pkg:yargs');
    expect(packagesOf('src/input/fetch/fetch-page.ts')).toContain('pkg:undici');
    expect(packagesOf('src/engine/generation/beam-search-graph.ts')).toContain('pkg:onnx-proto');
  });

  it('the CLI translating a text article: no web, Markdown, converter or Redis code, and no ONNX Runtime (the model runs in its own process)', () => {
    const cli = new Set([...packagesOf('src/cli/main.ts'), ...packagesOf('src/cli/commands/translate-run.ts'), ...packagesOf('src/engine/load-translator.ts')]);
    const heavy = ['linkedom', '@mozilla/readability', 'undici', 'mdast-util-from-markdown', 'onnx-proto', 'protobufjs', 'yauzl', 'ioredis', 'onnxruntime-node', '@huggingface/transformers'];
    expect(heavy.filter((p) => cli.has(`pkg:${p}`))).toEqual([]);
  });

  it('before the model process starts: not the pipeline, rendering, language detection, the memory database or progress bars (imported while the model loads)', () => {
    const beforeStart = new Set([...reachable(loaded, 'src/cli/main.ts'), ...reachable(loaded, 'src/cli/commands/translate-run.ts'), ...reachable(loaded, 'src/engine/load-translator.ts')]);
    const later = ['pkg:p-queue', 'pkg:lmdb', 'pkg:franc', 'pkg:cli-progress', 'pkg:escape-html', 'src/pipeline/translate-stream.ts', 'src/pipeline/translate-document.ts', 'src/io/bilingual-writer.ts', 'src/cache/translation-memory.ts', 'src/segmentation/language.ts', 'src/segmentation/segment.ts', 'src/eval/index.ts'];
    expect(later.filter((m) => beforeStart.has(m))).toEqual([]);
    // The same modules are reached from the whole run, so the check above sees them when they are static.
    // (The language detector is the stream's to import, while the first window is with the model.)
    const run = new Set([...reachable(loaded, 'src/pipeline/translate-stream.ts'), ...reachable(loaded, 'src/io/bilingual-writer.ts'), ...reachable(loaded, 'src/cache/translation-memory.ts'), ...reachable(loaded, 'src/segmentation/language.ts')]);
    expect(later.filter((m) => !m.startsWith('src/') && !run.has(m) && m !== 'pkg:cli-progress')).toEqual([]);
    expect(reachable(loaded, 'src/pipeline/translate-stream.ts').has('pkg:franc')).toBe(false);
  });

  it('the model process: ONNX Runtime, but not the graph surgery (made once, then read from the cache)', () => {
    // The model process imports the generator once it has started measuring the machine (thread-plan.ts).
    const modelProcess = [...packagesOf('src/engine/generation/generator-worker.ts'), ...packagesOf('src/engine/generation/open-generator.ts')];
    expect(modelProcess).toContain('pkg:onnxruntime-node');
    expect(modelProcess.filter((p) => ['pkg:onnx-proto', 'pkg:protobufjs', 'pkg:@huggingface/transformers'].includes(p))).toEqual([]);
  });
});
