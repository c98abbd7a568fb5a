import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Da2enError } from '../../errors.js';
import { packageRoot } from '../../package-root.js';

/** Where models are kept: DA2EN_MODELS_DIR, else the models/ folder beside da2en's package.json. */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['DA2EN_MODELS_DIR']) return path.resolve(env['DA2EN_MODELS_DIR']);
  const root = packageRoot();
  if (root === undefined) throw new Da2enError('usage', "da2en's own folder (its package.json) was not found, so it has no models folder here; give one with --models-dir or DA2EN_MODELS_DIR");
  return path.join(root, 'models');
}

/** Where models are downloaded from: the hub, or a mirror in the hub's URL layout. */
export function defaultRemoteHost(env: NodeJS.ProcessEnv = process.env): string {
  return env['DA2EN_REMOTE_HOST'] ?? env['HF_ENDPOINT'] ?? 'https://huggingface.co';
}

export interface ModelLocation {
  /** Hub id ("Xenova/opus-mt-da-en") or, for a local directory, its path as given (for messages; the translation memory keys on modelMemoryId). */
  id: string;
  dir: string;
  /** True when the model comes from the hub (so it can be downloaded); false for a directory. */
  downloadable: boolean;
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * A value that can only be meant as a path: starts with `.`, `/` or `~`, is absolute, has a
 * backslash or more than one `/` (hub ids are exactly owner/name), ends with `/`, or its first part
 * names a directory that exists here (`models/tinyy`, a typo of `models/tiny`).
 */
function looksLikePath(spec: string): boolean {
  if (/^[.~/\\]/.test(spec) || path.isAbsolute(spec) || spec.includes('\\') || spec.endsWith('/')) return true;
  if (!HUB_ID.test(spec)) return true;
  const owner = spec.slice(0, spec.indexOf('/'));
  return existsSync(owner) && statSync(owner).isDirectory();
}

/**
 * `--model` takes a hub id or a directory. A directory wins when it exists (or looks like a
 * path), so `--model ./my-model` never reaches for the network.
 */
export function locateModel(spec: string, modelsDir: string): ModelLocation {
  if (looksLikePath(spec) || (existsSync(spec) && statSync(spec).isDirectory())) {
    return { id: spec, dir: path.resolve(spec), downloadable: false };
  }
  return { id: spec, dir: path.join(modelsDir, ...spec.split('/')), downloadable: true };
}
