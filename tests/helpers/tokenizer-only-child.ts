/**
 * Loads a model directory's tokenizer the way the CLI does, in a fresh process, then prints (one JSON
 * line) which native libraries and modules that load brought in, and whether the real ONNX Runtime
 * still loads afterwards, and which build of the library it loaded with what code cache (the cache
 * folder is DA2EN_CACHE_DIR's). `node --import tsx tests/helpers/tokenizer-only-child.ts <model dir>`.
 */
import { createRequire } from 'node:module';
import { loadTokenizer } from '../../src/engine/model-directory.js';
import { libraryLoad } from '../../src/engine/tokenizer-library.js';

const native = /onnxruntime|vips|sharp/i;
const sharedObjects = (): string[] => ((process.report.getReport() as { sharedObjects?: string[] }).sharedObjects ?? []).filter((f) => native.test(f));
const cached = (): string[] => Object.keys(createRequire(import.meta.url).cache).filter((f) => /[\\/](sharp|onnxruntime-node)[\\/]/.test(f));

const tokenizer = await loadTokenizer(process.argv[2]!);
const ids = tokenizer.encode('Det regner i København.');
const afterTokenizer = { sharedObjects: sharedObjects(), cached: cached() };
const library = libraryLoad();
const ort = await import('onnxruntime-node');
const afterOrt = { sharedObjects: sharedObjects(), create: typeof ort.InferenceSession.create, versions: Boolean(ort.env.versions) };
process.stdout.write(`${JSON.stringify({ ids, afterTokenizer, afterOrt, library })}\n`);
