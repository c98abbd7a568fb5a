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

/** The nearest folder at or above `from` whose package.json names `name`. */
export function findPackageRoot(from: string, name = 'da2en'): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (readPackageJson(dir)?.name === name) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

let root: string | undefined;

/** da2en's package folder. */
export function packageRoot(): string {
  root ??= findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
  if (root === undefined) throw new Error(`da2en's package.json was not found above ${fileURLToPath(import.meta.url)}`);
  return root;
}

/** da2en's version, from its package.json. */
export function packageVersion(): string {
  const version = readPackageJson(packageRoot())?.version;
  return typeof version === 'string' ? version : '0.0.0';
}
