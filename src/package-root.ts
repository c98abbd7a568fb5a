/**
 * Where da2en's own package lies: the folder of its package.json (its models/ folder beside it).
 *
 * Found by walking up from this module rather than by a fixed `../..`: the same code runs from
 * src/ (tsx), from dist/ (the library) and from the CLI's bundle (dist/bundle/, whose chunks sit at
 * another depth), so a relative path right for one is wrong for the others.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  name?: unknown;
  version?: unknown;
}

function readPackageJson(dir: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

interface Found {
  dir: string;
  pkg: PackageJson;
}

/** The nearest package.json at or above `from` that names `name`, with its folder. */
function findPackage(from: string, name: string): Found | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const pkg = readPackageJson(dir);
    if (pkg?.name === name) return { dir, pkg };
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The nearest folder at or above `from` whose package.json names `name`. */
export function findPackageRoot(from: string, name = 'da2en'): string | undefined {
  return findPackage(from, name)?.dir;
}

// Looked up once per process (the version and the models folder both come from it); null: not found.
let own: Found | null | undefined;

function ownPackage(): Found | undefined {
  if (own === undefined) own = findPackage(path.dirname(fileURLToPath(import.meta.url)), 'da2en') ?? null;
  return own ?? undefined;
}

/**
 * da2en's package folder; undefined where none is found above this module (da2en bundled into
 * another program, its package.json left behind).
 */
export function packageRoot(): string | undefined {
  return ownPackage()?.dir;
}

/** da2en's version, from its package.json ("0.0.0" where that cannot be read). */
export function packageVersion(): string {
  const version = ownPackage()?.pkg.version;
  return typeof version === 'string' ? version : '0.0.0';
}
