/**
 * sacreBLEU's default BLEU tokenizer, `13a` (the tokenisation of NIST's mteval-v13a.pl),
 * reimplemented from its documented behaviour:
 *
 * 1. language-independent part:
 *    - remove every `<skipped>`,
 *    - join lines broken with a hyphen (`-\n` removed), then turn the remaining `\n` into spaces,
 *    - un-escape `&quot;` `&amp;` `&lt;` `&gt;` (in that order, one pass each, so `&amp;quot;`
 *      becomes `&quot;` and stays so),
 *    - pad the line with one space on each side;
 * 2. the regular-expression part ("assuming Western languages"), applied in order:
 *    - put spaces around each of  { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /
 *      (the ASCII ranges `{-~`, `[-\``, ` -&`, `(-+`, `:-@` and `/`; note: not `'`, `,`, `-`, `.`),
 *    - split `.` and `,` off unless preceded by an ASCII digit,
 *    - split `.` and `,` off unless followed by an ASCII digit,
 *    - split `-` off when preceded by an ASCII digit;
 * 3. collapse whitespace (Python's notion of it) to single spaces and trim.
 *
 * The input is expected to be one segment; sacreBLEU's BLEU right-strips it first (see bleu.ts).
 */
import { pySplit } from './pycompat.js';

// Each rule is a global regex applied once, left to right, non-overlapping (= Python re.sub).
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/([{-~[-`\x20-&(-+:-@/])/g, ' $1 '],
  [/([^0-9])([.,])/g, '$1 $2 '],
  [/([.,])([^0-9])/g, ' $1 $2'],
  [/([0-9])(-)/g, '$1 $2 '],
];

/** The 13a regular-expression tokenizer on an already-normalised, padded line. */
export function tokenizeRegexp(line: string): string {
  let s = line;
  for (const [re, repl] of RULES) s = s.replace(re, repl);
  return pySplit(s).join(' ');
}

/** sacreBLEU `tokenizer_13a`: returns the tokens joined by single spaces. */
export function tokenize13a(line: string): string {
  let s = line.replaceAll('<skipped>', '');
  s = s.replaceAll('-\n', '');
  s = s.replaceAll('\n', ' ');
  if (s.includes('&')) {
    s = s.replaceAll('&quot;', '"');
    s = s.replaceAll('&amp;', '&');
    s = s.replaceAll('&lt;', '<');
    s = s.replaceAll('&gt;', '>');
  }
  return tokenizeRegexp(` ${s} `);
}
