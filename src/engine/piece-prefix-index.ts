/**
 * Which of a tokenizer's pieces start a text at a given position: the question Transformers.js'
 * Unigram model asks of its character trie for every position of every text it encodes.
 *
 * That trie is built in full when the tokenizer is constructed: for Opus-MT's 58,930 pieces about
 * 400,000 nodes, each with its own Map, made and then garbage-collected on the command line's
 * critical path (the tokenizer took 0.43–0.51 s to construct with it against 0.14–0.16 s without,
 * 3 interleaved runs). Here the pieces are kept as one sorted array instead (one native sort, about
 * 20 ms, on the first search), and a search narrows a range of it a character at a time by binary
 * search: the pieces that share a prefix lie next to each other, the prefix itself first. The
 * answers are those of the trie: every stored string that is a prefix of `chars` from `start`,
 * shortest first, each once; characters are code points, as `for…of` and `Array.from` read them.
 */

/** `piece`'s UTF-16 units from `depth` against those of the character `ch` (code-unit order, as sort() uses). */
function compareAt(piece: string, depth: number, ch: string): number {
  for (let k = 0; k < ch.length; k++) {
    // A piece that ends first sorts first.
    if (depth + k >= piece.length) return -1;
    const difference = piece.charCodeAt(depth + k) - ch.charCodeAt(k);
    if (difference !== 0) return difference;
  }
  return 0;
}

export class PiecePrefixIndex {
  private pieces: string[] = [];
  private sorted = true;

  extend(texts: Iterable<string>): void {
    const added = Array.from(texts);
    this.pieces = this.pieces.length === 0 ? added : this.pieces.concat(added);
    this.sorted = false;
  }

  push(text: string): void {
    this.pieces.push(text);
    this.sorted = false;
  }

  /** Every stored string that is a prefix of `chars.slice(start).join('')`, shortest first. */
  *commonPrefixSearch(chars: readonly string[], start = 0): Generator<string, void, undefined> {
    const pieces = this.sortedPieces();
    // Invariant: pieces[lo, hi) are exactly those that start with `prefix` (`depth` UTF-16 units).
    let lo = 0;
    let hi = pieces.length;
    let depth = 0;
    let prefix = '';
    for (let i = start; i < chars.length; ++i) {
      const ch = chars[i]!;
      let a = lo;
      let b = hi;
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (compareAt(pieces[mid]!, depth, ch) < 0) a = mid + 1;
        else b = mid;
      }
      const first = a;
      b = hi;
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (compareAt(pieces[mid]!, depth, ch) <= 0) a = mid + 1;
        else b = mid;
      }
      if (first === a) return;
      lo = first;
      hi = a;
      depth += ch.length;
      prefix += ch;
      // The piece that is the prefix itself, if stored, sorts before every longer one.
      if (pieces[lo]!.length === depth) yield prefix;
    }
  }

  private sortedPieces(): string[] {
    if (!this.sorted) {
      this.pieces.sort();
      this.sorted = true;
    }
    return this.pieces;
  }
}
