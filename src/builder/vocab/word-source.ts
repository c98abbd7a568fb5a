import { existsSync, readFileSync } from 'node:fs';
import type { WordSource } from '../tokenizer/vocabulary.js';
import { COMMON_DANISH, COMMON_ENGLISH } from './common-words.js';
import { TINY_EXTRA_WORDS } from './tiny-words.js';

/** Debian's word lists (packages wdanish, wbritish): read at build time, never copied into the repo. */
export const SYSTEM_WORD_LISTS = ['/usr/share/dict/danish', '/usr/share/dict/british-english'];

function split(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** The words a preset's vocabulary is built from, and which system lists were found. */
export function wordSource(systemWords: boolean): { source: WordSource; used: string[] } {
  const common = [...split(COMMON_DANISH), ...split(COMMON_ENGLISH)];
  const words = [...split(TINY_EXTRA_WORDS)];
  const used: string[] = [];
  if (systemWords) {
    for (const file of SYSTEM_WORD_LISTS) {
      if (!existsSync(file)) continue;
      used.push(file);
      // Possessive forms ("house's") are not pieces a SentencePiece model would keep.
      for (const w of readFileSync(file, 'utf8').split('\n')) if (w && !w.includes("'")) words.push(w);
    }
  }
  return { source: { common, words }, used };
}
