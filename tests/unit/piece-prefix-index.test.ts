/**
 * The sorted piece index answers every prefix search exactly as Transformers.js' own character trie
 * (the class it replaces, taken from the package imported as usual), on random vocabularies and
 * texts that mix shared prefixes, surrogate pairs, lone surrogates and combining marks.
 */
import * as transformers from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { PiecePrefixIndex } from '../../src/engine/piece-prefix-index.js';
import { Rng } from '../../src/builder/rng.js';

interface Trie {
  extend(texts: Iterable<string>): void;
  push(text: string): void;
  common_prefix_search(chars: string[], start?: number): Iterable<string>;
}

/** Transformers.js' CharTrie class, reached through a tokenizer made with its public constructor. */
function originalTrieClass(): new () => Trie {
  const json = { version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, model: { type: 'Unigram', unk_id: 0, vocab: [['<unk>', 0], ['a', -1]] } };
  const probe = new transformers.PreTrainedTokenizer(json, {}) as unknown as { _tokenizer: { model: { trie: Trie } } };
  return probe._tokenizer.model.trie.constructor as new () => Trie;
}

// Few letters, so that pieces share prefixes; the rest exercises UTF-16 corners.
const ALPHABET = ['a', 'b', 'c', '▁', 'ø', 'å', 'é', 'e\u0301', '😀', '😁', '\ud83d', '\ude00', 'A', ' ', '<', '>'];

function randomText(next: () => number, maxChars: number): string {
  let text = '';
  const n = Math.floor(next() * (maxChars + 1));
  for (let i = 0; i < n; i++) text += ALPHABET[Math.floor(next() * ALPHABET.length)]!;
  return text;
}

describe('the sorted piece index', () => {
  it('answers as the trie it replaces, for every start of every text', () => {
    const Original = originalTrieClass();
    for (let seed = 1; seed <= 40; seed++) {
      const rng = new Rng(seed);
      const next = () => rng.next();
      const pieces = Array.from({ length: 1 + Math.floor(next() * 300) }, () => randomText(next, 6));
      // Duplicates and the empty piece, as a careless vocabulary might hold them.
      pieces.push(pieces[0]!, '');
      const original = new Original();
      const index = new PiecePrefixIndex();
      // Some pieces by extend, the rest one by one (the library does both).
      const split = Math.floor(pieces.length / 2);
      original.extend(pieces.slice(0, split));
      index.extend(pieces.slice(0, split));
      for (const piece of pieces.slice(split)) {
        original.push(piece);
        index.push(piece);
      }
      for (let t = 0; t < 30; t++) {
        const chars = Array.from(randomText(next, 12));
        for (let start = 0; start <= chars.length; start++) {
          expect([...index.commonPrefixSearch(chars, start)], `seed ${seed}, ${JSON.stringify(chars.join(''))} from ${start}`).toEqual([...original.common_prefix_search(chars, start)]);
        }
      }
    }
  });

  it('takes pieces added after a search', () => {
    const index = new PiecePrefixIndex();
    index.extend(['ab', 'a']);
    expect([...index.commonPrefixSearch(Array.from('abc'))]).toEqual(['a', 'ab']);
    index.push('abc');
    expect([...index.commonPrefixSearch(Array.from('abc'))]).toEqual(['a', 'ab', 'abc']);
    expect([...index.commonPrefixSearch(Array.from('abc'), 1)]).toEqual([]);
  });
});
