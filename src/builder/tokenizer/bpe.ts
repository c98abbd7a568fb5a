/**
 * Byte-pair merges over weighted word types. Used only to *propose* subword pieces (frequent
 * stems, prefixes and suffixes); the tokenizer itself is a Unigram model scored from how often
 * each piece occurs in the final segmentation. Weights are integers, so ties and sums are exact
 * and the result is deterministic.
 */
export interface BpeResult {
  /** Every symbol: the initial characters, then one per merge, in creation order. */
  symbols: string[];
  /** Weighted occurrence count of each symbol in the final segmentation of all words. */
  counts: number[];
}

const KEY = 1 << 21; // symbol ids stay below 2^21, so a pair packs into one exact number

class MaxHeap {
  private readonly c: number[] = [];
  private readonly k: number[] = [];

  push(count: number, key: number): void {
    const { c, k } = this;
    let i = c.length;
    c.push(count);
    k.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(count, key, c[p]!, k[p]!)) break;
      c[i] = c[p]!;
      k[i] = k[p]!;
      i = p;
    }
    c[i] = count;
    k[i] = key;
  }

  /** Higher count first; on ties the smaller key (older symbols), so the order is fixed. */
  private above(c1: number, k1: number, c2: number, k2: number): boolean {
    return c1 > c2 || (c1 === c2 && k1 < k2);
  }

  pop(): [number, number] | undefined {
    const { c, k } = this;
    if (c.length === 0) return undefined;
    const top: [number, number] = [c[0]!, k[0]!];
    const lc = c.pop()!;
    const lk = k.pop()!;
    if (c.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = -1;
        let mc = lc;
        let mk = lk;
        if (l < c.length && this.above(c[l]!, k[l]!, mc, mk)) {
          m = l;
          mc = c[l]!;
          mk = k[l]!;
        }
        if (r < c.length && this.above(c[r]!, k[r]!, mc, mk)) m = r;
        if (m < 0) break;
        c[i] = c[m]!;
        k[i] = k[m]!;
        i = m;
      }
      c[i] = lc;
      k[i] = lk;
    }
    return top;
  }
}

/**
 * @param words word → integer weight; each word is a sequence of characters (the caller prefixes ▁)
 * @param maxSymbols stop when this many symbols (characters + merged pieces) exist
 * @param minCount stop when the best pair occurs less often than this
 */
export function learnBpe(words: Map<string, number>, maxSymbols: number, minCount = 2): BpeResult {
  const ids = new Map<string, number>();
  const symbols: string[] = [];
  const symbolId = (s: string): number => {
    let id = ids.get(s);
    if (id === undefined) {
      id = symbols.length;
      ids.set(s, id);
      symbols.push(s);
    }
    return id;
  };
  // Characters in sorted order, so ids do not depend on the order of the word list.
  const chars = new Set<string>();
  for (const w of words.keys()) for (const ch of w) chars.add(ch);
  for (const ch of [...chars].sort()) symbolId(ch);

  const seqs: number[][] = [];
  const weights: number[] = [];
  for (const [w, weight] of [...words].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    seqs.push([...w].map((ch) => ids.get(ch)!));
    weights.push(weight);
  }

  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const heap = new MaxHeap();
  const touched = new Set<number>();
  const addPairs = (wi: number, sign: 1 | -1) => {
    const s = seqs[wi]!;
    const wt = weights[wi]! * sign;
    for (let i = 0; i + 1 < s.length; i++) {
      const key = s[i]! * KEY + s[i + 1]!;
      const c = (pairCount.get(key) ?? 0) + wt;
      if (c === 0) pairCount.delete(key);
      else pairCount.set(key, c);
      touched.add(key);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(wi);
      }
    }
  };
  const flush = () => {
    for (const key of touched) {
      const c = pairCount.get(key);
      if (c !== undefined) heap.push(c, key);
    }
    touched.clear();
  };
  for (let wi = 0; wi < seqs.length; wi++) addPairs(wi, 1);
  flush();

  while (symbols.length < maxSymbols) {
    let best: [number, number] | undefined;
    while ((best = heap.pop())) {
      if (pairCount.get(best[1]) === best[0]) break; // stale entries are skipped
    }
    if (!best || best[0] < minCount) break;
    const key = best[1];
    const a = Math.floor(key / KEY);
    const b = key % KEY;
    const merged = symbolId(symbols[a]! + symbols[b]!);
    const where = [...(pairWords.get(key) ?? [])].sort((x, y) => x - y);
    pairWords.delete(key);
    for (const wi of where) {
      const s = seqs[wi]!;
      let has = false;
      for (let i = 0; i + 1 < s.length; i++) if (s[i] === a && s[i + 1] === b) has = true;
      if (!has) continue;
      addPairs(wi, -1);
      const out: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          out.push(merged);
          i++;
        } else out.push(s[i]!);
      }
      seqs[wi] = out;
      addPairs(wi, 1);
    }
    flush();
  }

  const counts = new Array<number>(symbols.length).fill(0);
  seqs.forEach((s, wi) => {
    for (const id of s) counts[id]! += weights[wi]!;
  });
  return { symbols, counts };
}
