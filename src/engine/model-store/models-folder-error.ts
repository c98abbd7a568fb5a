/**
 * The models folder refusing a write (a full disk, a read-only or foreign folder) as the user sees
 * it. It is kind `output`, exit 8 like any output da2en cannot write, not `storage`: that kind's exit
 * (1) belongs to the translation memory, and a full disk is no unexpected error.
 */
import { Da2enError, SETTING_WORDS } from '../../errors.js';

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'it is on a read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a file is where a folder should be',
  EEXIST: 'a file is where a folder should be',
};

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether `err` is the file system refusing a write (not a network failure, whose code sits on its `cause`). */
export function isFolderWriteFailure(err: unknown): boolean {
  const code = codeOf(err);
  return code !== undefined && Object.hasOwn(REASONS, code);
}

/** One line naming `folder` (where the model's files and lock go) and what to do. */
export function modelsFolderError(folder: string, err: unknown): Da2enError {
  const code = codeOf(err);
  const reason = (code !== undefined && Object.hasOwn(REASONS, code) ? REASONS[code] : code) ?? (err as Error).message;
  const fix = code === 'ENOSPC' || code === 'EDQUOT' ? 'free some space and run the same command again (a download resumes), or give' : 'give';
  return new Da2enError('output', `cannot write in the models folder ${folder} (${reason}); ${fix} another models folder with ${SETTING_WORDS.modelsDir} or DA2EN_MODELS_DIR`, { cause: err, settings: ['modelsDir'] });
}
