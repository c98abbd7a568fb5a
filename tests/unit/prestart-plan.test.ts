import { describe, expect, it } from 'vitest';
import { startsModel } from '../../src/cli/prestart-plan.js';

describe('which command lines start the model process ahead', () => {
  it('a translation (the default command or translate) and worker', () => {
    expect(startsModel(['article.txt'])).toBe(true);
    expect(startsModel(['translate', 'a.txt', '--beams', '4'])).toBe(true);
    expect(startsModel(['--model', 'models/x', 'a.txt'])).toBe(true);
    expect(startsModel(['-'])).toBe(true);
    expect(startsModel(['worker'])).toBe(true);
  });

  it('not for commands that load no model (or load it in a worker thread: serve), nor for help and version', () => {
    for (const args of [['serve', '--port', '0'], ['model', 'download'], ['queue', 'status'], ['cache', 'clear'], ['eval', '--hyp', 'h.txt'], ['--help'], ['a.txt', '-h'], ['--version'], ['help']]) {
      expect(startsModel(args), args.join(' ')).toBe(false);
    }
  });
});
