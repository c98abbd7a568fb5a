/** Generated Danish-looking articles for the queue tests: every one different, 2–5 paragraphs. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pick, prng } from './prng.js';

const WORDS = [
  'kommunen', 'regeringen', 'borgmesteren', 'byrådet', 'skolen', 'børnene', 'forældrene', 'havnen', 'broen', 'vejen', 'cyklisterne',
  'bilerne', 'trafikken', 'økonomien', 'budgettet', 'millioner', 'kroner', 'året', 'måneden', 'ugen', 'mandag', 'tirsdag', 'onsdag',
  'bygger', 'åbner', 'lukker', 'siger', 'mener', 'vil', 'skal', 'kan', 'har', 'fik', 'går', 'kommer', 'venter', 'betaler', 'sparer',
  'ny', 'nye', 'gamle', 'store', 'små', 'lokale', 'danske', 'flere', 'færre', 'mange', 'i', 'på', 'til', 'fra', 'med', 'efter',
  'og', 'men', 'at', 'det', 'der', 'som', 'en', 'et', 'den', 'de', 'vi', 'ikke', 'også', 'nu', 'Aarhus', 'Odense', 'Aalborg', 'Danmark',
];

function sentence(rand: () => number): string {
  const n = 5 + Math.floor(rand() * 9);
  const words = Array.from({ length: n }, () => pick(rand, WORDS));
  const first = words[0]!;
  words[0] = first[0]!.toUpperCase() + first.slice(1);
  return `${words.join(' ')}.`;
}

/** Writes `count` articles into `dir` (artikel-000.da.txt, …); returns their paths in order. */
export function writeQueueArticles(dir: string, count: number, seed = 7): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let k = 0; k < count; k++) {
    const rand = prng(seed * 100_003 + k);
    const paragraphs = [`Artikel ${k + 1}: ${sentence(rand)}`];
    const more = 1 + Math.floor(rand() * 4);
    for (let p = 0; p < more; p++) paragraphs.push(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => sentence(rand)).join(' '));
    const file = path.join(dir, `artikel-${String(k).padStart(3, '0')}.da.txt`);
    writeFileSync(file, paragraphs.join('\n\n') + '\n');
    files.push(file);
  }
  return files;
}

/** One long article (`paragraphs` paragraphs of 1–3 sentences), for a job that takes a while. */
export function writeLongArticle(file: string, paragraphs: number, seed = 11): void {
  const rand = prng(seed);
  const parts = [`Lang artikel: ${sentence(rand)}`];
  for (let p = 0; p < paragraphs; p++) parts.push(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => sentence(rand)).join(' '));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, parts.join('\n\n') + '\n');
}
