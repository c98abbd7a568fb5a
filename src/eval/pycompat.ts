/**
 * The few Python string semantics that sacreBLEU's results depend on, reproduced for JS.
 *
 * - Python's `str.split()` / `str.rstrip()` (no argument) use `str.isspace()`, which is not
 *   JS's `\s`: Python also counts U+001C..U+001F and U+0085, and does NOT count U+FEFF.
 * - Python's `f'{x:.1f}'` rounds the exact binary value half-to-even; JS `toFixed` rounds
 *   exact ties away from zero (45.25 -> "45.2" in Python, "45.3" in JS).
 */

/** Every code point for which Python 3's `str.isspace()` is true (all are in the BMP). */
const PY_WHITESPACE_CLASS =
  '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const PY_WS_RUN = new RegExp(`[${PY_WHITESPACE_CLASS}]+`, 'g');
const PY_WS_TRAILING = new RegExp(`[${PY_WHITESPACE_CLASS}]+$`);

/** Python `s.split()` with no argument: split on whitespace runs, drop empty pieces. */
export function pySplit(s: string): string[] {
  const parts = s.split(PY_WS_RUN);
  const out: string[] = [];
  for (const p of parts) if (p !== '') out.push(p);
  return out;
}

/** Python `s.rstrip()` with no argument. */
export function pyRstrip(s: string): string {
  return s.replace(PY_WS_TRAILING, '');
}

/** Python `''.join(s.split())`: every whitespace character removed. */
export function pyRemoveWhitespace(s: string): string {
  return s.replace(PY_WS_RUN, '');
}

/**
 * Python's `f'{x:.{digits}f}'` for a finite number: the exact decimal value of the double,
 * rounded half-to-even. (`toFixed(100)` gives the exact expansion of any double in sacreBLEU's
 * 0..100 score range; only an exact tie, which always has a short expansion, is treated
 * differently from `toFixed(digits)`.)
 */
export function pyFormatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new RangeError(`pyFormatFixed: digits must be an integer 0..20, got ${digits}`);
  }
  const exact = Math.abs(x).toFixed(100);
  const dot = exact.indexOf('.');
  const intPart = exact.slice(0, dot);
  const frac = exact.slice(dot + 1);
  const kept = frac.slice(0, digits);
  const rest = frac.slice(digits);
  let roundUp: boolean;
  if (rest[0] === undefined || rest[0] < '5') roundUp = false;
  else if (rest[0] > '5' || /[1-9]/.test(rest.slice(1))) roundUp = true;
  else {
    // Exact tie: round half to even on the last kept digit.
    const last = digits > 0 ? kept[digits - 1] : intPart[intPart.length - 1];
    roundUp = Number(last) % 2 === 1;
  }
  let digitsStr = intPart + kept;
  if (roundUp) digitsStr = incrementDecimalString(digitsStr);
  const newInt = digitsStr.slice(0, digitsStr.length - digits) || '0';
  const newFrac = digitsStr.slice(digitsStr.length - digits);
  const body = digits > 0 ? `${newInt}.${newFrac}` : newInt;
  // Python keeps the sign bit, even when the value rounds to zero ("-0.0").
  return x < 0 || Object.is(x, -0) ? `-${body}` : body;
}

function incrementDecimalString(s: string): string {
  const chars = s.split('');
  let i = chars.length - 1;
  while (i >= 0) {
    if (chars[i] === '9') {
      chars[i] = '0';
      i--;
    } else {
      chars[i] = String(Number(chars[i]) + 1);
      return chars.join('');
    }
  }
  return `1${chars.join('')}`;
}

/** `float(f'{x:.{digits}f}')`: the number sacreBLEU puts in its JSON output. */
export function pyRound(x: number, digits: number): number {
  return Number(pyFormatFixed(x, digits));
}

/** Python `math.log` as sacreBLEU's `my_log` uses it: log(0) is -9999999999. */
export function sacreLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}
