/**
 * Names da2en gives to its own files in a model folder, shared by the model store (which writes
 * them), the converter and the builder (which must recognise a folder holding only da2en's files as
 * replaceable): none may import another's folder in that direction (the model store runs the
 * converter, the converter uses the builder's graphs).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

/** The model store's record of a downloaded or converted model's files (sizes and sha256). */
export const MANIFEST_NAME = '.da2en-manifest.json';

/** What a conversion or the builder writes at the top of a model folder. */
const CONVERTED_FILES = new Set(['config.json', 'generation_config.json', 'tokenizer_config.json', 'tokenizer.json']);

/**
 * What a hub download adds at the top: its manifest, and the temp the manifest is written through
 * (sinks.ts tempName: `.<name>.<pid>.<8 hex>.part.tmp`), left behind only by a kill.
 */
function isDownloadFile(name: string): boolean {
  const temp = `.${MANIFEST_NAME}.`;
  return name === MANIFEST_NAME || (name.startsWith(temp) && /^\d+\.[0-9a-f]{8}\.part\.tmp$/.test(name.slice(temp.length)));
}

/** The graphs convertCheckpoint writes into onnx/. */
const CONVERTED_GRAPH = /^(encoder_model|decoder_model_merged)(_quantized)?\.onnx$/;

/**
 * What the engine adds beside the graphs on first load: the BeamSearch wrapping, its weights,
 * stamp and prepared copy (generation-model.ts, prepared-model.ts), and the `.tmp-<pid>-<time>`
 * each is written through before its rename, left behind when a first load is killed.
 */
const ENGINE_FILE = /^da2en_generate(_quantized)?(\.prepared)?\.onnx(\.data|\.json)?(\.tmp-\d+-\d+)?$/;

/** The folder ONNX Runtime saves a prepared copy into (prepared-model.ts: mkdtemp `.prepared-<pid>-`), under the copy's names. */
const PREPARED_TEMP = /^\.prepared-\d+-[A-Za-z0-9]{6}$/;

/**
 * What in `dir` da2en would not have written ("notes.txt", "no onnx/"), or undefined when it holds
 * only da2en's own files: a conversion's, a download's, the engine's. Those names alone are not
 * enough (a project folder holding just a config.json): the graphs or the manifest must be there.
 */
export function foreignEntry(dir: string): string | undefined {
  const entries = readdirSync(dir, { withFileTypes: true });
  let hasGraph = false;
  for (const e of entries) {
    if (e.name === 'onnx' && e.isDirectory()) {
      for (const g of readdirSync(path.join(dir, 'onnx'), { withFileTypes: true })) {
        if (g.isDirectory() && PREPARED_TEMP.test(g.name)) {
          const odd = readdirSync(path.join(dir, 'onnx', g.name), { withFileTypes: true }).find((f) => !f.isFile() || !ENGINE_FILE.test(f.name));
          if (odd) return `onnx/${g.name}/${odd.name}`;
        } else if (!g.isFile() || !(CONVERTED_GRAPH.test(g.name) || ENGINE_FILE.test(g.name))) {
          return `onnx/${g.name}`;
        }
        hasGraph ||= g.isFile() && CONVERTED_GRAPH.test(g.name);
      }
    } else if (!e.isFile() || !(CONVERTED_FILES.has(e.name) || isDownloadFile(e.name))) {
      return e.name;
    }
  }
  if (hasGraph || entries.some((e) => e.name === MANIFEST_NAME)) return undefined;
  return entries.some((e) => e.name === 'onnx') ? 'no onnx/ graphs' : 'no onnx/';
}
