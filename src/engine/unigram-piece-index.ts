/**
 * Gives a Transformers.js copy's Unigram models the sorted piece index (piece-prefix-index.ts) in
 * place of the full character trie they build when constructed.
 *
 * The trie class is internal to the library, so it is reached through a probe: a small Unigram
 * tokenizer made with the public constructor, whose model's `trie` is an instance of it. Its three
 * methods are replaced on that class only, so only this copy of the library is affected, and only
 * if the class still has the shape this was written against and answers as the original did on a
 * probe vocabulary; otherwise the library is left as it is (slower to construct, never wrong).
 */
import { PiecePrefixIndex } from './piece-prefix-index.js';

interface TrieMethods {
  extend(texts: Iterable<string>): void;
  push(text: string): void;
  common_prefix_search(chars: readonly string[], start?: number): Iterable<string>;
}

/** The one part of Transformers.js used here (its public tokenizer constructor). */
export interface TokenizerConstructors {
  PreTrainedTokenizer: new (tokenizerJson: object, tokenizerConfig: object) => unknown;
}

const METHODS = ['extend', 'push', 'common_prefix_search'] as const;
const INDEX = Symbol('da2en.piecePrefixIndex');
const INSTALLED = Symbol('da2en.piecePrefixIndexInstalled');

/** Pieces and texts that exercise shared prefixes, a piece inside another, an emoji and a miss. */
const PROBE_PIECES = ['<unk>', '▁', '▁a', '▁ab', '▁abc', 'b', 'bc', 'c', '🎉', '🎉x', 'ø', 'øl'];
const PROBE_TEXTS = ['▁abcd', '▁ab', 'bcx', '🎉x🎉', 'ølø', 'zz', ''];

function probeTrie(library: TokenizerConstructors): TrieMethods | undefined {
  const json = {
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null,
    model: { type: 'Unigram', unk_id: 0, vocab: PROBE_PIECES.map((piece, i) => [piece, -i]) },
  };
  const probe = new library.PreTrainedTokenizer(json, {}) as { _tokenizer?: { model?: { trie?: unknown } } };
  const trie = probe._tokenizer?.model?.trie;
  return typeof trie === 'object' && trie !== null ? (trie as TrieMethods) : undefined;
}

/** What `trie` answers for every start in every probe text. */
function answers(trie: TrieMethods): string {
  return JSON.stringify(PROBE_TEXTS.map((text) => {
    const chars = Array.from(text);
    return chars.map((_, start) => [...trie.common_prefix_search(chars, start)]);
  }));
}

/** Installs the index into `library`'s Unigram models; false where the library was left as it is. */
export function usePiecePrefixIndex(library: TokenizerConstructors): boolean {
  let original: TrieMethods | undefined;
  try {
    original = probeTrie(library);
  } catch {
    return false;
  }
  const prototype = original && (Object.getPrototypeOf(original) as Record<PropertyKey, unknown>);
  if (!original || !prototype) return false;
  if (prototype[INSTALLED] === true) return true;
  if (!METHODS.every((name) => typeof prototype[name] === 'function')) return false;

  const expected = answers(original);
  const previous = Object.fromEntries(METHODS.map((name) => [name, Object.getOwnPropertyDescriptor(prototype, name)]));
  const indexOf = (trie: object): PiecePrefixIndex => ((trie as Record<symbol, PiecePrefixIndex>)[INDEX] ??= new PiecePrefixIndex());
  Object.defineProperties(prototype, {
    extend: { configurable: true, writable: true, value(this: object, texts: Iterable<string>) { indexOf(this).extend(texts); } },
    push: { configurable: true, writable: true, value(this: object, text: string) { indexOf(this).push(text); } },
    common_prefix_search: { configurable: true, writable: true, value(this: object, chars: readonly string[], start = 0) { return indexOf(this).commonPrefixSearch(chars, start); } },
  });
  const agrees = (() => {
    try {
      const replaced = probeTrie(library);
      return replaced !== undefined && answers(replaced) === expected;
    } catch {
      return false;
    }
  })();
  if (!agrees) {
    for (const name of METHODS) Object.defineProperty(prototype, name, previous[name]!);
    return false;
  }
  Object.defineProperty(prototype, INSTALLED, { value: true });
  return true;
}
