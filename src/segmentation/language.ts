import { franc } from 'franc';

/** Languages a Danish news tool plausibly receives; restricting the guess keeps it stable on short texts. */
const CANDIDATES: Record<string, string> = {
  dan: 'da', nob: 'nb', nno: 'nn', swe: 'sv', eng: 'en', deu: 'de', nld: 'nl', fra: 'fr', spa: 'es', ita: 'it', pol: 'pl', fin: 'fi', isl: 'is',
};

/** Norwegian and Danish share most trigrams, so a Danish text is often guessed as Norwegian. */
const READS_AS_DANISH = new Set(['da', 'nb', 'nn']);

/**
 * Guesses the input's language (ISO 639-1), or undefined when the text is too short to tell.
 * Used only to tell the user; the text is translated whatever the guess.
 */
export function detectLanguage(text: string): string | undefined {
  const sample = text.slice(0, 4000);
  if (sample.replace(/[^\p{L}]/gu, '').length < 40) return undefined;
  const code = franc(sample, { only: Object.keys(CANDIDATES), minLength: 40 });
  return CANDIDATES[code];
}

export function looksDanish(language: string | undefined): boolean {
  return language === undefined || READS_AS_DANISH.has(language);
}
