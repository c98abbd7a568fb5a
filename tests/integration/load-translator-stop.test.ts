/**
 * loadTranslator stopped by its signal (README "As a library"): kind `interrupted`, the signal's
 * reason as its `cause`, whichever step of finding and loading the model saw the stop.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTranslator, type EngineOptions } from '../../src/engine/load-translator.js';
import { Da2enError, isDa2enError } from '../../src/errors.js';
import { builtModel } from '../../tools/builder-models.js';

async function rejection(promise: Promise<{ dispose(): Promise<void> }>): Promise<unknown> {
  return promise.then(
    async (translator) => {
      await translator.dispose();
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('loadTranslator with a signal', () => {
  let dir: string;
  const base: EngineOptions = { offline: true, dtype: 'q8', threads: 1 };
  beforeAll(async () => {
    dir = await builtModel('tiny');
  });

  it('aborted before it is called: interrupted, the reason as the cause (a model that is there, one that is not)', async () => {
    for (const model of [() => dir, () => path.join(dir, 'no-such-model')]) {
      const reason = new Error('stopped before');
      const err = await rejection(loadTranslator({ ...base, model: model(), signal: AbortSignal.abort(reason) }));
      expect(isDa2enError(err, 'interrupted'), String(err)).toBe(true);
      expect((err as Error).cause).toBe(reason);
    }
  });

  it('aborted while the model loads: interrupted, the reason as the cause', async () => {
    const controller = new AbortController();
    const reason = new Error('stopped while loading');
    const loading = loadTranslator({ ...base, model: dir, signal: controller.signal });
    controller.abort(reason);
    const err = await rejection(loading);
    expect(isDa2enError(err, 'interrupted'), String(err)).toBe(true);
    expect((err as Error).cause).toBe(reason);
  });

  it("a reason that already is one (the CLI's Ctrl-C) is thrown as it is", async () => {
    const interrupted = new Da2enError('interrupted', 'interrupted');
    expect(await rejection(loadTranslator({ ...base, model: dir, signal: AbortSignal.abort(interrupted) }))).toBe(interrupted);
  });
});
