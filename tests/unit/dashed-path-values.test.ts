/**
 * A path option's value that starts with a dash (`-o -.html`): yargs read it as a cluster of short
 * options, one of them -h, so the help was printed, exit 0, and nothing written. The real parser runs
 * (main, with its checks); only the command's work is left out (parseOnly).
 */
import { describe, expect, it } from 'vitest';
import { bindDashedPathValues } from '../../src/cli/lone-dash.js';
import { parseCli } from '../helpers/parse-cli.js';

const parse = parseCli;

describe('a dashed value after an option that takes a path', () => {
  it('is the value when it plainly names a file (it has an extension)', async () => {
    for (const flag of ['-o', '--output']) {
      const r = await parse(['a.txt', flag, '-.html', '--model', 'm']);
      expect(r.stdout, flag).not.toMatch(/Options:/);
      expect(r.code, r.stderr).toBe(0);
      expect(r.parsed).toMatchObject({ inputs: ['a.txt'], output: '-.html' });
    }
    expect((await parse(['a.txt', '-qo', '-.md'])).parsed).toMatchObject({ quiet: true, output: '-.md' });
    expect((await parse(['a.txt', '--out-dir', '-out.d'])).parsed).toMatchObject({ outDir: '-out.d' });
    expect((await parse(['a.txt', '--cache-dir', '-c.d'])).parsed).toMatchObject({ cacheDir: '-c.d' });
  });

  it('is refused in one line (exit 2) saying how to write it, never the help with exit 0', async () => {
    const r = await parse(['a.txt', '-o', '-xh']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('da2en: -o -xh: -xh starts with a dash, so it is read as options; to name a file so, write -o ./-xh\n');
    expect(r.parsed).toBeUndefined();
  });

  it('leaves alone a lone "-", long options, other options and words after --', () => {
    expect(bindDashedPathValues(['a', '-o', '-'])).toEqual(['a', '-o', '-']);
    expect(bindDashedPathValues(['a', '-o', '--quiet'])).toEqual(['a', '-o', '--quiet']);
    expect(bindDashedPathValues(['a', '--format', '-x.y'])).toEqual(['a', '--format', '-x.y']);
    expect(bindDashedPathValues(['a', '--', '-o', '-x'])).toEqual(['a', '--', '-o', '-x']);
  });
});
