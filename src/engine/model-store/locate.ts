import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Da2enError, SETTING_WORDS } from '../../errors.js';
import { packageRoot } from '../../package-root.js';

/** Where models are kept: DA2EN_MODELS_DIR, else the models/ folder beside da2en's package.json. */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['DA2EN_MODELS_DIR']) return path.resolve(env['DA2EN_MODELS_DIR']);
  const root = packageRoot();
  if (root === undefined) throw new Da2enError('usage', `da2en's own folder (its package.json) was not found, so it has no models folder here; give one with ${SETTING_WORDS.modelsDir} or DA2EN_MODELS_DIR`, { settings: ['modelsDir'] });
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
 * Written as a path: starts with `.`, `/` or `~`, is absolute, has a backslash or more than one `/`
 * (hub ids are exactly owner/name), ends with `/`, or is not of the owner/name form at all.
 */
function writtenAsPath(spec: string): boolean {
  if (/^[.~/\\]/.test(spec) || path.isAbsolute(spec) || spec.includes('\\') || spec.endsWith('/')) return true;
  return !HUB_ID.test(spec);
}

function isFolder(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/**
 * `--model` takes a hub id or a directory. A value written as a path is a directory (so
 * `--model ./my-model` never reaches for the network), and so is an owner/name that names a
 * folder here, unless that folder is the models directory's own copy of the hub model (da2en run
 * from inside the models directory). Any other owner/name is a hub id, whatever folders the
 * current one holds: an unrelated `Helsinki-NLP/` here does not take `--quality best` away (when
 * such a model cannot be had, ensureModel says first that the folder is not there: lookalikeFolder).
 */
export function locateModel(spec: string, modelsDir: string): ModelLocation {
  const stored = path.join(modelsDir, ...spec.split('/'));
  if (writtenAsPath(spec) || (isFolder(spec) && path.resolve(spec) !== path.resolve(stored))) {
    return { id: spec, dir: path.resolve(spec), downloadable: false };
  }
  // `Helsinki-NLP/..` would be the models directory itself, and its checkpoint go beside it.
  if (spec.split('/').some((part) => part === '.' || part === '..')) {
    throw new Da2enError('usage', `${SETTING_WORDS.model} ${spec} is not a hub model id (owner/name, neither part "." or ".."); a local folder is given as a path, starting with ./`, { settings: ['model'] });
  }
  return { id: spec, dir: stored, downloadable: true };
}

/**
 * The folder an owner/name hub id names here when its owner part is a folder here (not the models
 * directory's own): `models/tinyy` beside a `models/tiny`. Such a value is still a hub id; but when
 * that model cannot be had, a mistyped local folder is the likelier mistake, and is said first.
 */
export function lookalikeFolder(spec: string, modelsDir: string): string | undefined {
  if (writtenAsPath(spec) || isFolder(spec)) return undefined;
  const owner = spec.split('/')[0]!;
  if (!isFolder(owner) || path.resolve(owner) === path.resolve(modelsDir, owner)) return undefined;
  return path.resolve(spec);
}
