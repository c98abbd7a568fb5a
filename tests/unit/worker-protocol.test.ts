import { describe, expect, it } from 'vitest';
import { Da2enError, isDa2enError } from '../../src/errors.js';
import { fromWorkerError, toWorkerError } from '../../src/engine/generation/worker-protocol.js';

/** As an error crosses from the model process (IPC: JSON). */
const across = (err: unknown) => fromWorkerError(JSON.parse(JSON.stringify(toWorkerError(err))));

describe('errors from the model process', () => {
  it('keep a da2en error’s kind and message (a model found corrupt while it runs is exit 5, not "unexpected")', () => {
    const back = across(new Da2enError('model-corrupt', 'the graphs do not fit', { cause: new Error('ort') }));
    expect(isDa2enError(back, 'model-corrupt')).toBe(true);
    expect(back.message).toBe('the graphs do not fit');
  });

  it('keep any other error’s name and message, and it stays no da2en error', () => {
    const other = new TypeError('x is not a function');
    const back = across(other);
    expect(isDa2enError(back)).toBe(false);
    expect([back.name, back.message]).toEqual(['TypeError', 'x is not a function']);
    expect(across('a string').message).toBe('a string');
  });
});
