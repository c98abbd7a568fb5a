/**
 * Issue 11 §5: a signal to any process of a run stops all of them. Started as a user starts it,
 * `npm exec da2en …` (what `npx da2en` runs): npm → `sh -c da2en …` → the `da2en` bin (the CLI,
 * src/cli/bin.ts) → the model process (src/engine/generation/generator-worker.ts). npm passes SIGTERM
 * to its shell, which dies without passing it on, so before the fix the CLI ran on as an orphan.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTranslationMemory } from '../../src/cache/index.js';
import { builtModel } from '../../tools/builder-models.js';

const root = path.resolve(import.meta.dirname, '../..');

/** pid → parent pid of every live (not zombie) process, from /proc. */
function processTable(): Map<number, number> {
  const table = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z' && state !== 'X') table.set(Number(name), Number(ppid));
    } catch {
      // gone while reading
    }
  }
  return table;
}

function descendants(pid: number): number[] {
  const table = processTable();
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

const alive = (pids: readonly number[]): number[] => {
  const table = processTable();
  return pids.filter((p) => table.has(p));
};

const cmdline = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

async function waitFor<T>(check: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ARTICLE = Array.from({ length: 600 }, (_, i) => `Kommunen bygger en ny skole til børn og voksne i byen nummer ${i + 1}. Regeringen siger at det går godt.`).join('\n\n');

let model: string;
let project: string;
beforeAll(async () => {
  model = await builtModel('tiny');
  // A project with da2en installed the way npm installs a bin: node_modules/.bin/da2en runs the bin
  // with node (here from source, through tsx), and `npm exec` finds it there without the network.
  project = mkdtempSync(path.join(os.tmpdir(), 'da2en-npx-'));
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-da2en', private: true }));
  mkdirSync(path.join(project, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(path.join(root, 'node_modules', 'tsx'), path.join(project, 'node_modules', 'tsx'));
  const bin = path.join(project, 'node_modules', '.bin', 'da2en');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" --import tsx "${path.join(root, 'src', 'cli', 'bin.ts')}" "$@"\n`);
  chmodSync(bin, 0o755);
});

describe.each([
  // npm alone is told to stop (not its process group): its shell dies and swallows the signal.
  ['npm', 'SIGTERM'],
  // The CLI killed outright: the model process hears its parent is gone.
  ['cli', 'SIGKILL'],
  // The CLI alone interrupted: npm ends with it, exit 130.
  ['cli', 'SIGINT'],
  // A closed terminal: the CLI stops as cleanly, exit 129.
  ['cli', 'SIGHUP'],
] as const)('npm exec da2en: %s gets %s', (target, signal) => {
  it('every process of the run is gone within seconds, and no output is left (nor a temp file where the CLI could stop cleanly)', async () => {
    const dir = mkdtempSync(path.join(project, 'run-'));
    const input = path.join(dir, 'long.da.txt');
    writeFileSync(input, ARTICLE);
    const out = path.join(dir, 'out');
    const cacheDir = path.join(dir, 'cache');
    const npm: ChildProcess = spawn('npm', ['exec', '--offline', '--', 'da2en', input, '--model', model, '--offline', '--max-batch-size', '2', '--format', 'html,json', '--out-dir', out, '--cache-dir', cacheDir], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    let stderr = '';
    npm.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.on('exit', (code, sig) => resolve({ code, signal: sig })));

    const memory = openTranslationMemory(cacheDir);
    try {
      await waitFor(() => memory.stats().entries >= 4, 60_000, `the run to translate (stderr: ${stderr})`);
    } finally {
      await memory.close();
    }
    const tree = descendants(npm.pid!);
    const cli = tree.find((p) => cmdline(p).includes('src/cli/bin.ts'));
    const modelProcess = tree.find((p) => cmdline(p).includes('generator-worker'));
    expect(cli, tree.map(cmdline).join('\n')).toBeDefined();
    expect(modelProcess, tree.map(cmdline).join('\n')).toBeDefined();
    // One CLI process: nothing else of da2en between npm's shell and the model process.
    expect(tree.filter((p) => cmdline(p).includes('src/cli/')), tree.map(cmdline).join('\n')).toEqual([cli]);

    const signalledAt = Date.now();
    process.kill(target === 'npm' ? npm.pid! : cli!, signal);
    await waitFor(() => alive([npm.pid!, ...tree]).length === 0 || undefined, 10_000, `the processes to end: ${alive([npm.pid!, ...tree]).map(cmdline).join(' | ')}`);
    const stoppedMs = Date.now() - signalledAt;
    const status = await exited;

    // The 2 s is what a quiet machine gives (about 0.3–1.5 s here at load 5–10); with a load of
    // 20 on 2 cores the same stop took 3.4–5.2 s. Speed belongs in a measurement, not in an assertion:
    // this bound only catches a run that does not stop by itself (before the fix: never).
    expect(stoppedMs).toBeLessThan(10_000);
    console.log(`${target} ${signal}: every process gone ${stoppedMs} ms after the signal`);
    if (signal === 'SIGINT') expect(status.code).toBe(130);
    if (signal === 'SIGHUP') expect(status.code).toBe(129);
    if (target !== 'npm' && signal !== 'SIGKILL') expect(stderr).toMatch(/da2en: (interrupted|terminated|hung up \(the terminal closed\)); translations finished so far are kept in the cache/);
    if (signal === 'SIGKILL') {
      // Killed outright the CLI cannot tidy up: its output folder and hidden temp files stay, but no
      // output (outputs appear only by a rename once whole).
      expect(readdirSync(dir).sort()).toEqual(['cache', 'long.da.txt', 'out']);
      expect(readdirSync(out).filter((f) => !/^\.long\.da-en\.(html|json)\.\d+\.[0-9a-f]+\.\w+\.tmp$/.test(f))).toEqual([]);
    } else expect(readdirSync(dir).sort()).toEqual(['cache', 'long.da.txt']); // no output, no temp file
  }, 90_000);
});
