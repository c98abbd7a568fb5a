/** The `da2en model …` commands error lines suggest: as short as the defaults allow, complete where they are not the defaults. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID, defaultModelsDir, modelCommandLine } from '../../src/engine/model-store/index.js';

describe('modelCommandLine', () => {
  it('leaves out the default models folder and dtype', () => {
    expect(modelCommandLine('verify', { id: DEFAULT_MODEL_ID, modelsDir: defaultModelsDir(), dtype: 'q8' })).toBe(`da2en model verify --model ${DEFAULT_MODEL_ID}`);
  });

  it('names another folder by its absolute path (the line may be read elsewhere), and another dtype', () => {
    expect(modelCommandLine('download', { id: 'a/b', modelsDir: 'mdir3', dtype: 'fp32' })).toBe(`da2en model download --model a/b --dtype fp32 --models-dir ${path.resolve('mdir3')}`);
  });
});
