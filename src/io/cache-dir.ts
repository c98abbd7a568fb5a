import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The default cache folder: `$DA2EN_CACHE_DIR`, else `$XDG_CACHE_HOME/da2en` (only when that is an
 * absolute path, as the XDG spec asks), else `~/.cache/da2en`. Empty variables count as unset.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const own = env['DA2EN_CACHE_DIR'];
  if (own) return resolve(own);
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && isAbsolute(xdg)) return join(xdg, 'da2en');
  return join(home, '.cache', 'da2en');
}
