/**
 * Whether a regular expression from a model's tokenizer.json could backtrack without bound.
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
 * - the bounded choices before it (alternatives in groups, bounded repeats, multiplied along an
 *   alternative) number at most MAX_BRANCHES, so each try costs a bounded number of steps;
 * - no back-references, no named or flag groups, no nested classes or intersections: the syntax on
 *   which this reading and Oniguruma's could differ.
 */

/** Most ways one top-level alternative may match at one position (the real patterns have 1). */
const MAX_BRANCHES = 256;
/** Largest count in a `{n,m}` repeat (the real patterns have 2). */
const MAX_COUNT = 100;

class Refused extends Error {}

type Atom = { kind: 'char' } | { kind: 'group'; branches: number } | { kind: 'assertion'; branches: number };

/** Escapes of one character (Oniguruma's, as the tokenizers rewrite them). */
const CHAR_ESCAPES = new Set('tnrfvaesSdDwWhH');
/** Escapes that match a position, not a character. */
const ASSERTION_ESCAPES = new Set('bBAzZ');
const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~ ]$/;
const GROUP_OPENINGS = ['(?:', '(?=', '(?!', '(?<=', '(?<!'] as const;

class PatternReader {
  private at = 0;

  constructor(private readonly source: string) {}

  /** The whole pattern: top-level alternatives, each judged on its own. */
  read(): void {
    this.alternation(0);
    if (this.at < this.source.length) throw new Refused(`an unmatched "${this.peek()}"`);
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

  /** Alternatives up to a `)` or the end; the ways they can match at one position. */
  private alternation(depth: number): number {
    let branches = this.sequence(depth);
    while (this.peek() === '|') {
      this.at++;
      branches += this.sequence(depth);
      if (branches > MAX_BRANCHES) throw new Refused(`more than ${MAX_BRANCHES} ways to match at one position`);
    }
    return branches;
  }

  private sequence(depth: number): number {
    let branches = 1;
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
      branches *= (atom.kind === 'char' ? 1 : atom.branches) * (repeat && repeat.max !== Infinity ? repeat.max - repeat.min + 1 : 1);
      if (branches > MAX_BRANCHES) throw new Refused(`more than ${MAX_BRANCHES} ways to match at one position`);
    }
    return branches;
  }

  private atom(depth: number): Atom {
    const char = this.take();
    switch (char) {
      case '(': {
        const opening = GROUP_OPENINGS.find((o) => this.source.startsWith(o.slice(1), this.at));
        if (opening === undefined && this.peek() === '?') throw new Refused(`the group syntax "(?${this.peek(1) ?? ''}"`);
        this.at += opening ? opening.length - 1 : 0;
        const branches = this.alternation(depth + 1);
        if (this.peek() !== ')') throw new Refused('an unclosed group');
        this.at++;
        return { kind: opening === undefined || opening === '(?:' ? 'group' : 'assertion', branches };
      }
      case '[':
        this.characterClass();
        return { kind: 'char' };
      case '\\':
        return this.escape(false);
      case '^':
      case '$':
        return { kind: 'assertion', branches: 1 };
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
      return { kind: 'char' };
    }
    if (char === 'p' || char === 'P') {
      const name = /^\{[A-Za-z0-9_=]+\}/.exec(this.source.slice(this.at));
      if (!name) throw new Refused(`the escape "\\${char}${this.peek() ?? ''}"`);
      this.at += name[0].length;
      return { kind: 'char' };
    }
    if (CHAR_ESCAPES.has(char) || ASCII_PUNCTUATION.test(char)) return { kind: 'char' };
    if (!inClass && ASSERTION_ESCAPES.has(char)) return { kind: 'assertion', branches: 1 };
    throw new Refused(`the escape "\\${char}"`);
  }

  /** `[...]` after its `[`: one character, whatever it holds. */
  private characterClass(): void {
    if (this.peek() === '^') this.at++;
    let items = 0;
    for (;;) {
      const char = this.take();
      if (char === ']') {
        if (items === 0) throw new Refused('an empty class or a "]" first in a class');
        return;
      }
      if (char === '[') throw new Refused('a class inside a class');
      if (char === '&' && this.peek() === '&') throw new Refused('a class intersection ("&&")');
      if (char === '\\') this.escape(true);
      items++;
    }
  }
}

/**
 * Why `pattern` (a tokenizer.json `Regex`, Oniguruma syntax) could backtrack without bound, or
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
