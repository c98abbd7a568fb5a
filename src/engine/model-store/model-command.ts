/**
 * The `da2en model …` commands that error lines tell the user to run. Each names the model, and the
 * dtype and models folder where they are not the defaults: a command without them acts on another
 * model (the default folder's, or the q8 files) and does not fix the one that failed.
 */
import path from 'node:path';
import { DEFAULT_DTYPE } from '../defaults.js';
import type { Dtype } from '../dtype.js';
import { defaultModelsDir } from './locate.js';

/** The hub model a command is about, where it is kept, and in which weights. */
export interface ModelTarget {
  id: string;
  modelsDir: string;
  dtype: Dtype;
}

/** `da2en model <action> --model ID [--dtype D] [--models-dir DIR]`, to paste into a shell as it is. */
export function modelCommandLine(action: 'download' | 'verify', target: ModelTarget): string {
  const words = ['da2en', 'model', action, '--model', shellWord(target.id)];
  if (target.dtype !== DEFAULT_DTYPE) words.push('--dtype', target.dtype);
  // Absolute: the line may be read (a server's log, an HTTP answer) from another folder than the one it was relative to.
  const modelsDir = path.resolve(target.modelsDir);
  if (modelsDir !== defaultModelsDirOrNone()) words.push('--models-dir', shellWord(modelsDir));
  return words.join(' ');
}

function defaultModelsDirOrNone(): string | undefined {
  try {
    return defaultModelsDir();
  } catch {
    // No default folder here (no package root, no DA2EN_MODELS_DIR): the command must name one.
    return undefined;
  }
}

/** A word a POSIX shell reads back as `value`: as it is when it holds nothing the shell treats specially, else single-quoted. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
