/**
 * What every hub-download test starts from: the tiny builder model, a local mirror in the hub's URL
 * layout started by the test that needs it (closed after each test), and scratch models folders.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { startHub, type HubServer } from './hub-server.js';

export interface HubBed {
  /** The tiny builder model the mirror serves (filled once `beforeAll` has run). */
  readonly modelDir: string;
  /** Starts a mirror serving `models` (hub id → folder); it is closed after the test. */
  start(...args: Parameters<typeof startHub>): Promise<HubServer>;
  /** A new, empty models folder. */
  tempModels(): string;
}

export function useHubBed(prefix: string): HubBed {
  let modelDir = '';
  let hub: HubServer | null = null;
  beforeAll(async () => {
    modelDir = await builtModel('tiny');
  });
  afterEach(async () => {
    await hub?.close();
    hub = null;
  });
  return {
    get modelDir() {
      return modelDir;
    },
    start: async (...args) => (hub = await startHub(...args)),
    tempModels: () => mkdtempSync(path.join(os.tmpdir(), prefix)),
  };
}
