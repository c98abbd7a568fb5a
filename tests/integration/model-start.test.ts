/**
 * A model started on first use (startModel: 'on-first-use'): the tokenizer works at once, the model
 * starts with the first batch that needs it — once, however many batches ask at the same time — and
 * a model that cannot load fails there exactly as an eager load fails.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTranslator, type EngineOptions } from '../../src/engine/load-translator.js';
import type { ModelStarted } from '../../src/engine/marian-translator.js';
import { Da2enError } from '../../src/errors.js';
import { builtModel } from '../../tools/builder-models.js';

const TEXTS = ['Det regner.', 'Kommunen bygger en ny skole til næsten fire hundrede elever.', 'Hvorfor?', 'Børn og voksne fejrede sejren på torvet i går aftes.'];

/** Every .onnx file of a copy of the model overwritten with bytes ONNX Runtime cannot read (the tokenizer and configuration intact). */
function damagedCopy(dir: string, into: string): string {
  const copy = path.join(into, 'damaged');
  cpSync(dir, copy, { recursive: true });
  for (const f of readdirSync(path.join(copy, 'onnx'))) if (f.endsWith('.onnx')) writeFileSync(path.join(copy, 'onnx', f), 'not an ONNX model');
  return copy;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('a model started on first use', () => {
  let dir: string;
  let tmp: string;
  const base: EngineOptions = { offline: true, dtype: 'q8', threads: 1 };
  beforeAll(async () => {
    dir = await builtModel('tiny');
    tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-start-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('counts tokens before it starts; concurrent first batches start it once and translate as an eager model does', async () => {
    const starts: ModelStarted[] = [];
    const lazy = await loadTranslator({ ...base, model: dir, startModel: 'on-first-use', onModelStart: (s) => starts.push(s) });
    const eager = await loadTranslator({ ...base, model: dir });
    try {
      expect(lazy.modelStarted).toBe(false);
      expect(lazy.engine).toBeUndefined();
      expect(TEXTS.map((t) => lazy.countTokens(t))).toEqual(TEXTS.map((t) => eager.countTokens(t)));
      // Planned before the first call: the limits of the engine asked for (auto: the op's).
      expect(lazy.batchLimits).toEqual(eager.batchLimits);
      expect(starts).toEqual([]);
      expect(lazy.deferredLoadMs).toBe(0);

      const [a, b] = await Promise.all([lazy.translateBatch(TEXTS.slice(0, 2)), lazy.translateBatch(TEXTS.slice(2))]);
      expect(starts).toHaveLength(1);
      expect(starts[0]!.engine).toBe('ort');
      expect(lazy.modelStarted).toBe(true);
      expect(lazy.engine).toBe('ort');
      expect(lazy.deferredLoadMs).toBe(starts[0]!.ms);
      expect(lazy.deferredLoadMs).toBeGreaterThan(0);
      expect([...a!, ...b!]).toEqual([...(await eager.translateBatch(TEXTS.slice(0, 2))), ...(await eager.translateBatch(TEXTS.slice(2)))]);
      await lazy.translateBatch(TEXTS);
      expect(starts).toHaveLength(1);
    } finally {
      await lazy.dispose();
      await eager.dispose();
    }
  });

  it('an eager load reports its start too, and the translator says it has started', async () => {
    const starts: ModelStarted[] = [];
    const eager = await loadTranslator({ ...base, model: dir, onModelStart: (s) => starts.push(s) });
    try {
      expect(starts).toHaveLength(1);
      expect(eager.modelStarted).toBe(true);
      expect(eager.deferredLoadMs).toBe(0); // the caller timed the load
    } finally {
      await eager.dispose();
    }
  });

  it('a model that cannot load fails on first use with the eager load error (model-corrupt), every time, without starting again', async () => {
    const damaged = damagedCopy(dir, tmp);
    const eagerError = await rejection(loadTranslator({ ...base, model: damaged }));
    expect(eagerError).toBeInstanceOf(Da2enError);
    expect((eagerError as Da2enError).kind).toBe('model-corrupt');

    const starts: ModelStarted[] = [];
    const lazy = await loadTranslator({ ...base, model: damaged, startModel: 'on-first-use', onModelStart: (s) => starts.push(s) });
    try {
      expect(lazy.countTokens(TEXTS[1]!)).toBeGreaterThan(1);
      const first = await rejection(lazy.translateBatch(TEXTS));
      expect(first).toBeInstanceOf(Da2enError);
      expect((first as Da2enError).kind).toBe('model-corrupt');
      expect((first as Da2enError).message).toBe((eagerError as Da2enError).message);
      expect((first as Da2enError).message).toMatch(/may be corrupt/);
      // The failed start is the answer for every later batch: the same error, not a second attempt.
      expect(await rejection(lazy.translateBatch(TEXTS.slice(0, 1)))).toBe(first);
      expect(starts).toEqual([]);
    } finally {
      await lazy.dispose();
    }
  });

  it('dispose before the start starts nothing; an abort during the start rejects with its reason, not as a corrupt model', async () => {
    const starts: ModelStarted[] = [];
    const unused = await loadTranslator({ ...base, model: dir, startModel: 'on-first-use', onModelStart: (s) => starts.push(s) });
    await unused.dispose();
    // A caller's mistake, as a da2en error a program can branch on.
    const late = await rejection(unused.translateBatch(TEXTS));
    expect(late).toBeInstanceOf(Da2enError);
    expect(late).toMatchObject({ kind: 'usage', message: expect.stringMatching(/disposed/) });
    expect(starts).toEqual([]);

    const controller = new AbortController();
    const aborted = await loadTranslator({ ...base, model: dir, startModel: 'on-first-use', signal: controller.signal, onModelStart: (s) => starts.push(s) });
    try {
      const run = aborted.translateBatch(TEXTS);
      const reason = new Error('stop now');
      controller.abort(reason);
      expect(await rejection(run)).toBe(reason);
      expect(await rejection(aborted.translateBatch(TEXTS))).toBe(reason);
      expect(starts).toEqual([]);
    } finally {
      await aborted.dispose();
    }
  });
});
