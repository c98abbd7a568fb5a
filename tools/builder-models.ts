import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, type PresetName } from '../src/builder/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = new Map<string, Promise<string>>();

/** A fingerprint of the builder's source, so a changed builder never reuses stale models. */
function builderFingerprint(): string {
  const hash = createHash('sha256');
  const dir = path.join(root, 'src', 'builder');
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = path.join(dir, file);
    if (/\.(ts|txt|json)$/.test(file)) hash.update(file).update(readFileSync(full));
  }
  return hash.digest('hex').slice(0, 10);
}

/**
 * A builder model for tests, built once into .cache/test-models/<preset>-<seed> and shared by test
 * files and vitest workers: each builds into its own temp folder and renames it into place, so a
 * worker that loses the race simply uses the winner's copy.
 */
export function builtModel(preset: PresetName, seed = 1): Promise<string> {
  const key = `${preset}-${seed}-${builderFingerprint()}`;
  let pending = built.get(key);
  if (!pending) {
    pending = build(preset, seed, path.join(root, '.cache', 'test-models', key));
    built.set(key, pending);
  }
  return pending;
}

async function build(preset: PresetName, seed: number, dir: string): Promise<string> {
  const done = path.join(dir, 'onnx', 'decoder_model_merged_quantized.onnx');
  if (existsSync(done)) return dir;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(path.dirname(dir), { recursive: true });
  await buildModel({ preset, outDir: tmp, seed });
  try {
    await rename(tmp, dir);
  } catch (err) {
    if (!existsSync(done)) throw err;
    await rm(tmp, { recursive: true, force: true });
  }
  return dir;
}
