/**
 * The sorted piece index goes into a Transformers.js copy only where that copy's trie class still has
 * the shape and the answers it was written against; otherwise the copy is left exactly as it was.
 */
import { describe, expect, it } from 'vitest';
import { usePiecePrefixIndex } from '../../src/engine/unigram-piece-index.js';
import { tokenizerLibrary } from '../../src/engine/tokenizer-library.js';

/** A stand-in library whose Unigram "trie" is `Trie`: what a future Transformers.js might hold. */
function libraryWith(Trie: new () => object) {
  return {
    PreTrainedTokenizer: class {
      _tokenizer: { model: { trie: object } };
      constructor(json: object) {
        const trie = new Trie() as { extend?: (t: string[]) => void };
        trie.extend?.((json as { model: { vocab: [string, number][] } }).model.vocab.map(([piece]) => piece));
        this._tokenizer = { model: { trie } };
      }
    },
  };
}

/** A trie with the same methods and another answer (longest prefix first). */
class LongestFirstTrie {
  pieces = new Set<string>();
  extend(texts: Iterable<string>) {
    for (const t of texts) this.pieces.add(t);
  }
  push(text: string) {
    this.pieces.add(text);
  }
  *common_prefix_search(chars: string[], start = 0) {
    const found: string[] = [];
    let prefix = '';
    for (let i = start; i < chars.length; i++) if (this.pieces.has((prefix += chars[i]))) found.push(prefix);
    yield* found.reverse();
  }
}

describe('putting the sorted piece index into Transformers.js', () => {
  it('goes into the tokenizer-only copy, once, and that copy then builds no trie', async () => {
    const library = await tokenizerLibrary();
    expect(usePiecePrefixIndex(library)).toBe(true);
    expect(usePiecePrefixIndex(library)).toBe(true);
    const json = { version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, model: { type: 'Unigram', unk_id: 0, vocab: [['<unk>', 0], ['a', -1], ['ab', -1], ['b', -2]] } };
    const tokenizer = new library.PreTrainedTokenizer(json, {}) as unknown as { _tokenizer: { model: { trie: { root: { children: Map<string, unknown> } } } }; encode: (t: string, o: object) => number[] };
    // The trie's constructor still makes its root; nothing is put under it.
    expect(tokenizer._tokenizer.model.trie.root.children.size).toBe(0);
    expect(tokenizer.encode('abba', { add_special_tokens: false })).toEqual([2, 3, 1]);
  });

  it('leaves a copy alone whose trie answers otherwise, with its own methods put back', () => {
    const before = Object.getOwnPropertyDescriptors(LongestFirstTrie.prototype);
    expect(usePiecePrefixIndex(libraryWith(LongestFirstTrie))).toBe(false);
    expect(Object.getOwnPropertyDescriptors(LongestFirstTrie.prototype)).toEqual(before);
  });

  it('leaves a copy alone whose trie lacks a method, or that has no trie where it used to', () => {
    class NoPush {
      extend() {}
      common_prefix_search() {
        return [];
      }
    }
    expect(usePiecePrefixIndex(libraryWith(NoPush))).toBe(false);
    expect(Object.getOwnPropertyNames(NoPush.prototype)).toEqual(['constructor', 'extend', 'common_prefix_search']);
    expect(usePiecePrefixIndex({ PreTrainedTokenizer: class {} })).toBe(false);
    expect(
      usePiecePrefixIndex({
        PreTrainedTokenizer: class {
          constructor() {
            throw new Error('a constructor that wants more');
          }
        },
      }),
    ).toBe(false);
  });
});
