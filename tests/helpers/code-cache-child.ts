/**
 * Requires a CommonJS file through the code cache in a fresh process (V8 would otherwise find the
 * code it compiled earlier in the same process and not look at the cache), calls its `greet`, and
 * prints one JSON line: what became of the cache and the greeting. With `save`, writes the cache.
 * `node --import tsx tests/helpers/code-cache-child.ts <file> <cache folder> [save]`.
 */
import { requireWithCodeCache } from '../../src/engine/code-cache.js';

const [file, cacheDir, save] = process.argv.slice(2);
const loaded = requireWithCodeCache(file!, cacheDir);
const greeting = (loaded.exports as { greet: (name: string) => string }).greet('Ida');
if (save === 'save') loaded.save();
process.stdout.write(`${JSON.stringify({ cache: loaded.cache, greeting })}\n`);
