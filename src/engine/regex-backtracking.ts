/**
 * Whether a regular expression from a model's tokenizer.json could backtrack without bound, or take
 * long all the same.
 *
 * Transformers.js' tokenizers compile tokenizer.json's `Regex` patterns (Oniguruma syntax, rewritten
 * for JavaScript) into RegExps and run them on every text, on the thread that asked. A pattern that
 * backtracks catastrophically, such as `(\w+\s?)+$`, holds that thread for hours: in the CLI the
 * Ctrl-C and SIGTERM handlers never run. A model folder is untrusted, so such a pattern is refused
 * before the tokenizer is made.
 *
 * Why an allowlist and not a checker library: safe-regex2 (already installed, through fastify) looks
 * at nesting depth only, and passes `(\w|\d)+$`, which ran 43 s on 28 digits; complete ReDoS
 * analysers are large for a check whose real inputs are tiny. Marian exports hold character classes
 * (control characters dropped, odd spaces made plain) and ` {2,}` (runs of spaces); nothing else.
 * So only a small grammar is read, and what falls outside it is refused:
 * - a repeat (`*`, `+`, `?`, `{n,m}`) applies to one character (a literal, an escape, a class, `.`),
 *   never to a group, so no repeat nests in another and no alternation repeats;
 * - an unbounded repeat (`*`, `+`, `{n,}`) ends its top-level alternative: nothing after it can fail
 *   and send the engine back through it, so each try at a position is one greedy scan;
 * - the steps of one try at a position are at most MAX_STEPS: the bounded choices before it
 *   (alternatives in groups, bounded repeats, multiplied along an alternative), each with what it may
 *   scan, lookarounds included. Counting ways alone is not enough: few ways that each scan far
 *   (`(?:.|.)` eight times, then `.{100}` forty times) ran 40 s on 4,000 characters;
 * - the pattern is short and holds few wide classes, which V8 is slow to compile;
 * - no back-references, no named or flag groups, no nested classes or intersections: the syntax on
 *   which this reading and Oniguruma's could differ.
 */

/** Largest count in a `{n,m}` repeat (the real patterns have 2). */
const MAX_COUNT = 100;
/**
 * Most steps (see Cost) the whole pattern may take at one start position; it bounds the ways too (a
 * way is a step). The engine may start at every position of the text, and the tokenizer is given up
 * to `--max-chunk-tokens` × 16 characters at once (4,096 by default; about 8,000 with a 512-position
 * model), each chunk several times while it is measured. Of 2,800 generated patterns run through the
 * tokenizer on 4,096 characters, the slowest accepted under 1,024 steps added 0.2 s to a call
 * (lookarounds cost more than characters); under 256, a few hundredths. Marian's patterns take at
 * most 3: a character class (1), ` {2,}` (3), `\s+` (2).
 */
const MAX_STEPS = 256;
/** Longest pattern, in UTF-16 units: the builder's longest (a character class) is under 200. */
const MAX_PATTERN_LENGTH = 1024;
/**
 * Most wide classes (a Unicode property, `\w`, `\d` and their negations, a class holding a character
 * beyond U+FFFF) in a pattern. V8 compiles each into alternatives of surrogate pairs, and its analysis
 * of a run of them grows several times with each one: five `\P{Cn}` in a row took 0.13 s to compile,
 * six 1.9 s, twenty 11 s, on the first text with a character beyond Latin-1. Four took 0.05 s. A
 * repeat of up to 3 is unrolled, so it counts as that many. Marian's patterns have none.
 */
const MAX_WIDE_CLASSES = 4;

class Refused extends Error {}

/**
 * What trying a piece of pattern at one position can cost. Backtracking searches a tree: `steps`
 * bounds its nodes (a character examined, an atom entered), `ways` its leaves, the ends from which
 * the engine goes on with what follows. So `A` then `B` costs A's steps plus, from each of A's ways,
 * B's steps; alternatives add up; a lookaround's tree is searched whole at each visit but is never
 * re-entered (JavaScript's lookarounds are atomic): one way.
 */
interface Cost {
  ways: number;
  steps: number;
}

/**
 * Assertions as Transformers.js rewrites them for JavaScript (`^` and `$` become alternatives of
 * lookarounds, `\b` two pairs of them): their cost is read from the rewrite (`\w` standing for its
 * word class, one character all the same).
 */
const ASSERTION_REWRITES: Record<string, string> = {
  '^': '(?:(?<![\\s\\S])|(?<=\\n))',
  $: '(?:(?=\\n)|(?![\\s\\S]))',
  A: '(?<![\\s\\S])',
  z: '(?![\\s\\S])',
  Z: '(?=\\n?(?![\\s\\S]))',
  b: '(?:(?<!\\w)(?=\\w)|(?<=\\w)(?!\\w))',
  B: '(?:(?<!\\w)(?!\\w)|(?<=\\w)(?=\\w))',
};

type Atom = { kind: 'char'; wide?: boolean } | { kind: 'group'; cost: Cost } | { kind: 'assertion'; cost: Cost };

/** Escapes of one character (Oniguruma's, as the tokenizers rewrite them). */
const CHAR_ESCAPES = new Set('tnrfvaesSdDwWhH');
/** Escapes the tokenizers rewrite as Unicode properties (`\s` too, but no space is beyond U+FFFF). */
const WIDE_ESCAPES = new Set('wWdD');
/** Escapes that match a position, not a character. */
const ASSERTION_ESCAPES = new Set('bBAzZ');
const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~ ]$/;
const GROUP_OPENINGS = ['(?:', '(?=', '(?!', '(?<=', '(?<!'] as const;

/** Refuses a cost over the limit; returns it otherwise. */
function bounded(cost: Cost): Cost {
  if (cost.steps > MAX_STEPS) throw new Refused(`more than ${MAX_STEPS} steps to try at one position`);
  return cost;
}

/**
 * The cost of one character, repeated or not. A bounded repeat scans up to `max` characters, then
 * gives them back one by one: one way per count. An unbounded one ends its top-level alternative, so
 * its scan beyond `min` ends a match: paid once per match, not once per way, and matches do not
 * overlap, so over a whole text such scans add up to its length.
 */
function repeatCost(repeat: { min: number; max: number } | undefined): Cost {
  if (!repeat) return { ways: 1, steps: 1 };
  if (repeat.max === Infinity) return { ways: 1, steps: repeat.min + 1 };
  return { ways: repeat.max - repeat.min + 1, steps: repeat.max + 1 };
}

/** The cost of an assertion, read from its rewrite. */
function assertionCost(assertion: string): Cost {
  return new PatternReader(ASSERTION_REWRITES[assertion]!).read();
}

class PatternReader {
  private at = 0;
  private wideClasses = 0;

  constructor(private readonly source: string) {}

  /** The whole pattern: what one try at a position costs. */
  read(): Cost {
    if (this.source.length > MAX_PATTERN_LENGTH) throw new Refused(`a pattern longer than ${MAX_PATTERN_LENGTH} characters`);
    const cost = this.alternation(0);
    if (this.at < this.source.length) throw new Refused(`an unmatched "${this.peek()}"`);
    return cost;
  }

  private peek(offset = 0): string | undefined {
    const char = this.source.codePointAt(this.at + offset);
    return char === undefined ? undefined : String.fromCodePoint(char);
  }

  private take(): string {
    const char = this.peek();
    if (char === undefined) throw new Refused('an unfinished pattern');
    this.at += char.length;
    return char;
  }

  /** Alternatives up to a `)` or the end, tried in turn. */
  private alternation(depth: number): Cost {
    const cost = this.sequence(depth);
    while (this.peek() === '|') {
      this.at++;
      const next = this.sequence(depth);
      bounded({ ways: (cost.ways += next.ways), steps: (cost.steps += next.steps) });
    }
    return cost;
  }

  private sequence(depth: number): Cost {
    const cost = { ways: 1, steps: 0 };
    let unbounded = false;
    for (let next = this.peek(); next !== undefined && next !== '|' && next !== ')'; next = this.peek()) {
      if (unbounded) throw new Refused('something after an unbounded repeat');
      const atom = this.atom(depth);
      const repeat = this.repeat();
      if (repeat && atom.kind !== 'char') throw new Refused(atom.kind === 'group' ? 'a repeated group' : 'a repeated assertion');
      if (repeat?.max === Infinity) {
        if (depth > 0) throw new Refused('an unbounded repeat inside a group');
        unbounded = true;
      }
      if (atom.kind === 'char' && atom.wide) this.countWide(repeat);
      const atomCost = atom.kind !== 'char' ? atom.cost : repeatCost(repeat);
      cost.steps += cost.ways * atomCost.steps;
      cost.ways *= atomCost.ways;
      bounded(cost);
    }
    return cost;
  }

  private countWide(repeat: { min: number; max: number } | undefined): void {
    this.wideClasses += repeat ? Math.min(3, repeat.max === Infinity ? repeat.min + 1 : repeat.max) : 1;
    if (this.wideClasses > MAX_WIDE_CLASSES) throw new Refused(`more than ${MAX_WIDE_CLASSES} Unicode property classes (slow to compile)`);
  }

  private atom(depth: number): Atom {
    const char = this.take();
    switch (char) {
      case '(': {
        const opening = GROUP_OPENINGS.find((o) => this.source.startsWith(o.slice(1), this.at));
        if (opening === undefined && this.peek() === '?') throw new Refused(`the group syntax "(?${this.peek(1) ?? ''}"`);
        this.at += opening ? opening.length - 1 : 0;
        const inner = this.alternation(depth + 1);
        if (this.peek() !== ')') throw new Refused('an unclosed group');
        this.at++;
        const cost = bounded({ ways: inner.ways, steps: inner.steps + 1 });
        if (opening === undefined || opening === '(?:') return { kind: 'group', cost };
        return { kind: 'assertion', cost: { ways: 1, steps: cost.steps } };
      }
      case '[':
        return { kind: 'char', wide: this.characterClass() };
      case '\\':
        return this.escape(false);
      case '^':
      case '$':
        return { kind: 'assertion', cost: assertionCost(char) };
      case '*':
      case '+':
      case '?':
      case '{':
        throw new Refused(`"${char}" with nothing to repeat`);
      case ']':
      case '}':
        throw new Refused(`an unescaped "${char}"`);
      default:
        return { kind: 'char' };
    }
  }

  /** A repeat after an atom, if there is one (a lazy `?` may follow it; nothing else may). */
  private repeat(): { min: number; max: number } | undefined {
    const char = this.peek();
    let bounds: { min: number; max: number };
    if (char === '*') bounds = { min: 0, max: Infinity };
    else if (char === '+') bounds = { min: 1, max: Infinity };
    else if (char === '?') bounds = { min: 0, max: 1 };
    else if (char === '{') {
      const braces = /^\{(\d*)(?:(,)(\d*))?\}/.exec(this.source.slice(this.at));
      if (!braces || (braces[1] === '' && !braces[3])) throw new Refused('a "{" that is not a repeat count');
      const min = Number(braces[1] || '0');
      const max = braces[2] === undefined ? min : braces[3] === '' ? Infinity : Number(braces[3]);
      if (min > max || min > MAX_COUNT || (max !== Infinity && max > MAX_COUNT)) throw new Refused(`the repeat count "${braces[0]}"`);
      bounds = { min, max };
      this.at += braces[0].length - 1;
    } else return undefined;
    this.at++;
    if (this.peek() === '?') this.at++;
    const after = this.peek();
    if (after === '*' || after === '+' || after === '?' || after === '{') throw new Refused('a repeat of a repeat');
    return bounds;
  }

  private escape(inClass: boolean): Atom {
    const char = this.take();
    if (char === 'x' || char === 'u') {
      const hex = this.peek() === '{' ? /^\{[0-9A-Fa-f]{1,8}\}/ : char === 'x' ? /^[0-9A-Fa-f]{2}/ : /^[0-9A-Fa-f]{4}/;
      const digits = hex.exec(this.source.slice(this.at));
      if (!digits) throw new Refused(`the escape "\\${char}${this.peek() ?? ''}"`);
      this.at += digits[0].length;
      return { kind: 'char', wide: parseInt(digits[0].replace(/[{}]/g, ''), 16) > 0xffff };
    }
    if (char === 'p' || char === 'P') {
      const name = /^\{[A-Za-z0-9_=]+\}/.exec(this.source.slice(this.at));
      if (!name) throw new Refused(`the escape "\\${char}${this.peek() ?? ''}"`);
      this.at += name[0].length;
      return { kind: 'char', wide: true };
    }
    if (WIDE_ESCAPES.has(char)) return { kind: 'char', wide: true };
    if (CHAR_ESCAPES.has(char) || ASCII_PUNCTUATION.test(char)) return { kind: 'char' };
    if (!inClass && ASSERTION_ESCAPES.has(char)) return { kind: 'assertion', cost: assertionCost(char) };
    throw new Refused(`the escape "\\${char}"`);
  }

  /** `[...]` after its `[`: one character, whatever it holds; whether it is wide. */
  private characterClass(): boolean {
    if (this.peek() === '^') this.at++;
    let items = 0;
    let wide = false;
    for (;;) {
      const char = this.take();
      if (char === ']') {
        if (items === 0) throw new Refused('an empty class or a "]" first in a class');
        return wide;
      }
      if (char === '[') throw new Refused('a class inside a class');
      if (char === '&' && this.peek() === '&') throw new Refused('a class intersection ("&&")');
      const item: Atom = char === '\\' ? this.escape(true) : { kind: 'char', wide: char.length > 1 };
      wide ||= item.kind === 'char' && item.wide === true;
      items++;
    }
  }
}

/**
 * Why `pattern` (a tokenizer.json `Regex`, Oniguruma syntax) could backtrack without bound or take too long, or
 * undefined when it reads as bounded (the module comment says how).
 */
export function unboundedBacktracking(pattern: string): string | undefined {
  try {
    new PatternReader(pattern).read();
    return undefined;
  } catch (err) {
    if (err instanceof Refused) return err.message;
    throw err;
  }
}
