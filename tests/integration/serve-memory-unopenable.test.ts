/**
 * `serve` with a translation memory that cannot be opened (here a file where its folder should be)
 * says so once, on one line, and answers its requests without it (it failed to start, exit 1).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { postJson } from '../helpers/test-server.js';

it('serve: a memory that cannot be opened is one line, and requests are answered without it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'da2en-serve-memory-'));
  const cache = join(dir, 'cache');
  writeFileSync(cache, 'not a folder');
  const cli = spawnCli(['serve', '--model', await builtModel('echo'), '--port', '0', '--cache-dir', cache, '--shutdown-grace', '1', '--threads', '1', '--engine', 'js']);
  try {
    let url = '';
    const deadline = Date.now() + 150_000;
    while (url === '') {
      if (cli.child.exitCode !== null) throw new Error(`serve exited: ${cli.stderr()}`);
      if (Date.now() > deadline) throw new Error(`serve did not start: ${cli.stderr()}`);
      url = /listening on (http:\/\/[^/\s]+)/.exec(cli.stderr())?.[1] ?? '';
      await new Promise((r) => setTimeout(r, 100));
    }
    const answer = await postJson(`${url}/translate`, { q: 'Det regner.', source: 'da', target: 'en' });
    expect(answer.status).toBe(200);
    const notes = cli.stderr().split('\n').filter((l) => l.includes('translation memory'));
    expect(notes).toEqual([`da2en serve: cannot use the translation memory in ${cache}: a file is in the way of the folder (run with --no-cache, or set DA2EN_CACHE_DIR to a writable folder); going on without it (--no-cache says nothing of it, --cache-dir picks another folder)`]);
  } finally {
    cli.child.kill('SIGTERM');
    await cli.done;
    rmSync(dir, { recursive: true, force: true });
  }
}, 200_000);
