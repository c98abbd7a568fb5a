/**
 * A path option's leading `~` is the home folder, in every command: the shell expands it only at the
 * start of a word, so `--model=~/m` (and a quoted '~/m') reached da2en as written and named a folder
 * `~` in the current one. The real parser runs (parseCli); HOME is a temp folder.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { expandHome } from '../../src/cli/path-options.js';
import { parseCli } from '../helpers/parse-cli.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'da2en-home-'));
  vi.stubEnv('HOME', home);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Each command line's path options, each written `--flag=~/x` and `--flag '~/x'`, with the parsed key and the value's name. */
const CASES: [string[], string, string, string][] = [
  [['a.txt'], '--model', 'model', 'm'],
  [['a.txt'], '--models-dir', 'modelsDir', 'models'],
  [['a.txt'], '--output', 'output', 'out.html'],
  [['a.txt'], '--out-dir', 'outDir', 'out'],
  [['a.txt'], '--cache-dir', 'cacheDir', 'cache'],
  [['model', 'convert', 'ckpt'], '--out', 'out', 'converted'],
  [['eval', '--ref', 'r.en'], '--src', 'src', 's.da'],
  [['eval', '--src', 's.da'], '--ref', 'ref', 'r.en'],
  [['eval', '--ref', 'r.en'], '--hyp', 'hyp', 'h.en'],
  [['eval', '--src', 's.da', '--ref', 'r.en'], '--save-hyp', 'saveHyp', 'h.en'],
  [['serve'], '--api-keys', 'apiKeys', 'keys.txt'],
  [['cache', 'stats'], '--cache-dir', 'cacheDir', 'cache'],
  [['queue', 'add', 'a.txt'], '--out-dir', 'outDir', 'out'],
  [['queue', 'results'], '--out-dir', 'outDir', 'out'],
  [['worker'], '--cache-dir', 'cacheDir', 'cache'],
  [['worker'], '--model', 'model', 'm'],
];

describe('a leading ~ in a path option', () => {
  it('is the home folder, whether the option is written --flag=~/x or with a quoted ~/x, in every command', async () => {
    for (const [line, flag, key, name] of CASES) {
      for (const words of [[`${flag}=~/${name}`], [flag, `~/${name}`]]) {
        const r = await parseCli([...line, ...words]);
        expect(r.code, `${[...line, ...words].join(' ')}: ${r.stderr}`).toBe(0);
        expect(r.parsed?.[key], words.join(' ')).toBe(path.join(home, name));
      }
    }
  });

  it('alone is the home folder; -o alone, -o - and ~user are left as written', async () => {
    expect((await parseCli(['a.txt', '--out-dir=~'])).parsed?.['outDir']).toBe(home);
    expect((await parseCli(['a.txt', '-o', '-'])).parsed?.['output']).toBe('-');
    expect((await parseCli(['a.txt', '--out-dir=~someone/out'])).parsed?.['outDir']).toBe('~someone/out');
    expect((await parseCli(['a.txt', '--out-dir=out/~/x'])).parsed?.['outDir']).toBe('out/~/x');
  });

  it('is not expanded in values that are not paths: a queue name, a Redis URL, an article name', async () => {
    const r = await parseCli(['queue', 'add', '-', '--queue', '~/q', '--redis', '~/r', '--name', '~/n']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.parsed).toMatchObject({ queue: '~/q', redis: '~/r', name: '~/n' });
  });

  it('expandHome: ~ and ~/…, nothing else', () => {
    expect(expandHome('~', '/h')).toBe('/h');
    expect(expandHome('~/a/b', '/h')).toBe(path.join('/h', 'a/b'));
    expect(expandHome('~a', '/h')).toBe('~a');
    expect(expandHome('./~/a', '/h')).toBe('./~/a');
  });
});
