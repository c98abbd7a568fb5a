/**
 * What the LibreTranslate side of the server says about languages: da2en translates Danish into
 * English and nothing else, so /languages lists exactly that pair (English with no targets of its
 * own, as LibreTranslate lists every language it knows).
 */
import { francAll } from 'franc';

export const SOURCE = { code: 'da', name: 'Danish' } as const;
export const TARGET = { code: 'en', name: 'English' } as const;

export const LANGUAGES = [
  { code: SOURCE.code, name: SOURCE.name, targets: [TARGET.code] },
  { code: TARGET.code, name: TARGET.name, targets: [] as string[] },
];

const CANDIDATES: Record<string, string> = {
  dan: 'da', nob: 'nb', nno: 'nn', swe: 'sv', eng: 'en', deu: 'de', nld: 'nl', fra: 'fr', spa: 'es', ita: 'it', pol: 'pl', fin: 'fi', isl: 'is',
};
/** Norwegian and Danish share most trigrams: a Danish text often scores as Norwegian. */
const READS_AS_DANISH = new Set(['da', 'nb', 'nn']);

export interface Detection {
  /** 0–100, as LibreTranslate reports it. */
  confidence: number;
  language: string;
}

/**
 * Language guesses for /detect, best first. Danish absorbs the Norwegian scores (see above). Texts
 * too short to tell (under 20 letters) get Danish at confidence 0: the only source this server has.
 */
export function detectLanguages(text: string): Detection[] {
  const sample = text.slice(0, 4000);
  if (sample.replace(/[^\p{L}]/gu, '').length < 20) return [{ confidence: 0, language: SOURCE.code }];
  const scores = new Map<string, number>();
  for (const [code, score] of francAll(sample, { only: Object.keys(CANDIDATES), minLength: 10 })) {
    const lang = CANDIDATES[code];
    if (!lang) continue;
    const key = READS_AS_DANISH.has(lang) ? SOURCE.code : lang;
    scores.set(key, Math.max(scores.get(key) ?? 0, score));
  }
  return [...scores]
    .map(([language, score]) => ({ language, confidence: Math.round(score * 1000) / 10 }))
    .filter((d) => d.confidence > 0)
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, 5);
}

/** Danish's confidence for `source: "auto"`: the text is translated as Danish whatever the guess. */
export function danishConfidence(text: string): Detection {
  const danish = detectLanguages(text).find((d) => d.language === SOURCE.code);
  return { confidence: danish?.confidence ?? 0, language: SOURCE.code };
}
