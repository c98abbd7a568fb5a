/**
 * The relative imports between the project's TypeScript files (static, type-only and dynamic),
 * for the architecture test and for drawing the folder graph. Reads files as text; runs nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ImportEdge {
  /** Importing file, relative to the repository root (forward slashes). */
  from: string;
  /** Imported file, relative to the repository root; for a package (see staticImports), `pkg:name`. */
  to: string;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?\sfrom\s*['"](\.[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts|mjs)$/.test(f) && !f.includes('node_modules'))
    .map((f) => path.join(dir, f));
}

/** Every relative import in the files under `folders` (relative to `root`). */
export function importEdges(root: string, folders: readonly string[]): ImportEdge[] {
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');
  const edges: ImportEdge[] = [];
  for (const file of folders.flatMap((f) => listFiles(path.join(root, f)))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      let target = path.resolve(path.dirname(file), spec);
      if (target.endsWith('.js') && !existsSync(target)) target = target.replace(/\.js$/, '.ts');
      edges.push({ from: rel(file), to: rel(target) });
    }
  }
  return edges;
}

const STATIC_IMPORT = /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

/**
 * The imports that load a module as soon as the importing file loads: static, not type-only (what
 * `import()` and `import type` name is left out), packages included as `pkg:name`. For checking
 * what starting a command loads.
 */
export function staticImports(root: string, folders: readonly string[]): ImportEdge[] {
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');
  const edges: ImportEdge[] = [];
  for (const file of folders.flatMap((f) => listFiles(path.join(root, f)))) {
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('node:')) continue;
      if (!spec.startsWith('.')) {
        edges.push({ from: rel(file), to: `pkg:${spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/')}` });
        continue;
      }
      let target = path.resolve(path.dirname(file), spec);
      if (target.endsWith('.js') && !existsSync(target)) target = target.replace(/\.js$/, '.ts');
      edges.push({ from: rel(file), to: rel(target) });
    }
  }
  return edges;
}

/** Everything `start` loads through `edges`, itself included. */
export function reachable(edges: readonly ImportEdge[], start: string): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const seen = new Set([start]);
  const todo = [start];
  while (todo.length > 0) {
    for (const to of next.get(todo.pop()!) ?? []) {
      if (seen.has(to)) continue;
      seen.add(to);
      todo.push(to);
    }
  }
  return seen;
}

/** The first folder below `src/` (or `(root)` for a file directly in src/), else the top folder. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'src') return parts.length > 2 ? parts[1]! : `(${parts[1]!.replace(/\.ts$/, '')})`;
  return parts[0]!;
}

/** Folder-level edges with how many imports make each, sorted. */
export function folderEdges(edges: readonly ImportEdge[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of edges) {
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (a !== b) out.set(`${a} -> ${b}`, (out.get(`${a} -> ${b}`) ?? 0) + 1);
  }
  return new Map([...out].sort(([x], [y]) => x.localeCompare(y)));
}

/** Cycles among `nodes` under `next`, each as the list of nodes around it (one per strongly connected set). */
export function cycles(edges: ReadonlyArray<readonly [string, string]>): string[][] {
  const adj = new Map<string, string[]>();
  for (const [a, b] of edges) adj.set(a, [...(adj.get(a) ?? []), b]);
  // Tarjan's strongly connected components; a component of two or more nodes holds a cycle.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of adj.keys()) if (!idx.has(v)) visit(v);
  return found;
}

// `npx tsx tools/import-graph.ts`: print the folder graph of src/ and any cycles.
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  const edges = importEdges(root, ['src']);
  for (const [edge, n] of folderEdges(edges)) console.log(`${edge}  (${n})`);
  const folderCycles = cycles([...folderEdges(edges).keys()].map((k) => k.split(' -> ') as [string, string]));
  const fileCycles = cycles(edges.map((e) => [e.from, e.to] as const));
  console.log(`folder cycles: ${folderCycles.length ? folderCycles.map((c) => c.join(' <-> ')).join('; ') : 'none'}`);
  console.log(`file cycles: ${fileCycles.length ? fileCycles.map((c) => c.join(' <-> ')).join('; ') : 'none'}`);
}
