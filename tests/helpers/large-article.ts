/**
 * A large generated Danish article for the streaming tests, and the engine stand-in they use
 * (no vitest here: the CLI child process imports it too).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { TranslationResult } from '../../src/engine/translator.js';
import { FakeTranslator } from './fake-translator.js';
import { pick, prng } from './prng.js';

/** A project-written list of everyday Danish news words. */
const WORDS = [
  'kommunen', 'regeringen', 'borgmesteren', 'byrådet', 'skolen', 'børnene', 'forældrene', 'havnen', 'broen', 'vejen', 'cyklisterne',
  'bilerne', 'trafikken', 'økonomien', 'budgettet', 'millioner', 'kroner', 'året', 'måneden', 'ugen', 'mandag', 'tirsdag', 'onsdag',
  'bygger', 'åbner', 'lukker', 'siger', 'mener', 'vil', 'skal', 'kan', 'har', 'fik', 'går', 'kommer', 'venter', 'betaler', 'sparer',
  'ny', 'nye', 'gamle', 'store', 'små', 'lokale', 'danske', 'flere', 'færre', 'mange', 'hurtigt', 'langsomt', 'i', 'på', 'til', 'fra',
  'med', 'uden', 'efter', 'før', 'og', 'men', 'at', 'det', 'der', 'som', 'en', 'et', 'den', 'de', 'vi', 'ikke', 'også', 'nu', 'her',
  'Aarhus', 'Odense', 'Aalborg', 'Esbjerg', 'Jylland', 'Sjælland', 'Fyn', 'København', 'Danmark', 'Europa', 'Folketinget',
];

export const TARGET_BYTES = 20 * 1024 * 1024;

/**
 * The FakeTranslator, with two changes for a run this long: its call log (every source text,
 * i.e. the whole file) is emptied after each call, and each output is given twice. An echo
 * translation is nearly identical to its source, so QA's "untranslated" check would compute an
 * edit distance for every paragraph (about two thirds of the run time at 20 MB); twice the
 * length, the length filter in front of it skips that.
 */
export class LongRunFakeTranslator extends FakeTranslator {
  override async translateBatch(texts: string[], options: { signal?: AbortSignal } = {}): Promise<TranslationResult[]> {
    const out = await super.translateBatch(texts, options);
    this.calls.length = 0;
    return out.map((r) => ({ ...r, text: `${r.text} ${r.text}` }));
  }
}

/** Writes ~20 MB of Danish-looking paragraphs, each starting "Afsnit <n>."; returns the paragraph count. */
export async function writeArticle(file: string, targetBytes = TARGET_BYTES): Promise<number> {
  const rand = prng(2024);
  const sentence = () => {
    const words = Array.from({ length: 5 + Math.floor(rand() * 14) }, () => pick(rand, WORDS)).join(' ');
    return `${words.charAt(0).toUpperCase()}${words.slice(1)}${pick(rand, ['.', '.', '.', '!', '?'])}`;
  };
  const out = createWriteStream(file);
  let bytes = 0;
  let n = 0;
  while (bytes < targetBytes) {
    let batch = n === 0 ? ' date 2021-07 ' : '';
    for (let i = 0; i < 500; i++, n++) {
      const sentences = Array.from({ length: 1 + Math.floor(rand() * 8) }, sentence).join(' ');
      batch += `Afsnit ${n}: ${sentences}${pick(rand, ['\n\n', '\r\n\r\n', '\n\n\n'])}`;
    }
    bytes += Buffer.byteLength(batch);
    if (!out.write(batch)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return n;
}

