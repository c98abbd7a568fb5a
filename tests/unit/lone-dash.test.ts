import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { protectLoneDashes, restoreLoneDashes } from '../../src/cli/lone-dash.js';

/** Parses like the CLI does: positional inputs and an --output/-o string option. */
async function parse(argv: string[], protect: boolean) {
  let seen: { inputs: string[]; output?: string; _: (string | number)[] } | undefined;
  const y = yargs(protect ? protectLoneDashes(argv) : argv);
  if (protect) y.middleware((parsed) => restoreLoneDashes(parsed), true);
  await y
    .command(
      '$0 [inputs..]',
      'x',
      (c) => c.positional('inputs', { type: 'string', array: true, default: [] as string[] }).option('output', { alias: 'o', type: 'string' }),
      (argv) => {
        seen = argv as unknown as typeof seen;
      },
    )
    .parseAsync();
  return seen!;
}

describe('a lone "-" on the command line', () => {
  it('is lost by yargs itself (the reason for the workaround; if this fails, yargs was fixed)', async () => {
    expect((await parse(['-', '-o', 'x.md'], false)).inputs).toEqual([]);
  });

  it('reaches the command as "-" for inputs and outputs, in every spelling', async () => {
    expect((await parse(['-', '-o', 'x.md'], true)).inputs).toEqual(['-']);
    expect(await parse(['a.txt', '-', '--output=-'], true)).toMatchObject({ inputs: ['a.txt', '-'], output: '-' });
    expect(await parse(['-o', '-', 'a.txt'], true)).toMatchObject({ inputs: ['a.txt'], output: '-' });
    expect(await parse(['a.txt', '--output', '-'], true)).toMatchObject({ inputs: ['a.txt'], output: '-' });
  });

  it('leaves everything after "--" as given', () => {
    expect(protectLoneDashes(['a', '--', '-'])).toEqual(['a', '--', '-']);
    expect(protectLoneDashes(['-x', '--long', 'v', '--k=v'])).toEqual(['-x', '--long', 'v', '--k=v']);
  });
});
