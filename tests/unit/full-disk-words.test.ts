/**
 * A full disk is said with what to do about it: free some space, or write elsewhere — in the
 * library's words for a library caller, naming the command's own options in the CLI.
 */
import { describe, expect, it } from 'vitest';
import { cliMessage, inCommandWords } from '../../src/cli/setting-words.js';
import { outputError, streamOutputError } from '../../src/io/sinks.js';

const errno = (code: string) => Object.assign(new Error(`${code}: no space left on device, write`), { code });

describe('a full disk says what to do', () => {
  it.each(['ENOSPC', 'EDQUOT'])('an output file (%s): free some space, or another folder; the CLI names -o and --out-dir', (code) => {
    const err = outputError('/full/out.html', errno(code));
    expect(err.kind).toBe('output');
    expect(err.message).toBe('cannot write /full/out.html: no space left on the device; free some space, or write it into another folder');
    expect(err.settings).toEqual(['outputFolder']);
    expect(cliMessage(err)).toBe('cannot write /full/out.html: no space left on the device; free some space, or choose another --out-dir or -o');
  });

  it('model convert: the same line names its --out', () => {
    const err = inCommandWords(outputError('/full/model', errno('ENOSPC')), { outputFolder: 'give another --out' });
    expect(cliMessage(err)).toBe('cannot write /full/model: no space left on the device; free some space, or give another --out');
  });

  it('standard output: free some space, or send it to a file on another disk', () => {
    expect(streamOutputError('standard output', errno('ENOSPC')).message).toBe(
      'cannot write standard output: no space left on the device; free some space, or send it to a file on another disk',
    );
  });

  it('other failures keep their own words, with no setting named', () => {
    const err = outputError('/ro/out.html', Object.assign(new Error('x'), { code: 'EROFS' }));
    expect(err.message).toBe('cannot write /ro/out.html: the folder /ro is on a read-only file system');
    expect(err.settings).toEqual([]);
  });
});
