import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's models/ folder (same depth from src/ and dist/). */
export const PROJECT_MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');

export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['DA2EN_MODELS_DIR'] ? path.resolve(env['DA2EN_MODELS_DIR']) : PROJECT_MODELS_DIR;
}

/** Where models are downloaded from: the hub, or a mirror in the hub's URL layout. */
export function defaultRemoteHost(env: NodeJS.ProcessEnv = process.env): string {
  return env['DA2EN_REMOTE_HOST'] ?? env['HF_ENDPOINT'] ?? 'https://huggingface.co';
}

export interface ModelLocation {
  /** Hub id ("Xenova/opus-mt-da-en") or, for a local directory, its path as given. */
  id: string;
  dir: string;
  /** True when the model comes from the hub (so it can be downloaded); false for a directory. */
  downloadable: boolean;
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * `--model` takes a hub id or a directory. A directory wins when it exists (or looks like a
 * path), so `--model ./my-model` never reaches for the network.
 */
export function locateModel(spec: string, modelsDir: string): ModelLocation {
  const looksLikePath = spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('~') || path.isAbsolute(spec);
  if (looksLikePath || (existsSync(spec) && statSync(spec).isDirectory()) || !HUB_ID.test(spec)) {
    return { id: spec, dir: path.resolve(spec), downloadable: false };
  }
  return { id: spec, dir: path.join(modelsDir, ...spec.split('/')), downloadable: true };
}
