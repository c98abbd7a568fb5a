/**
 * Numbers in a Danish source and whether each one survives into the English target.
 *
 * Source side (Danish conventions):
 * - `1037`, `1.037`, `3.000.000`, `1 000` with a no-break or thin space → integers
 *   (a `.` followed by exactly three digits groups thousands);
 * - `2,5`, `1.234,5` → decimals (comma is the decimal mark);
 * - `12 %`, `12%`, `12 procent`, `12 pct.` → the value 12 (the target may say `12%`,
 *   `12 percent`, `twelve per cent`);
 * - `3 mio.`, `2,5 mia.`, `3 millioner`, `1 milliard`, `5 tusind`, `2 billioner` (Danish
 *   billion = 10¹²) → either the mantissa or the full value may appear in the target;
 * - `3.` before a lower-case word (`3. maj`, `den 21. plads`) → ordinal 3 (`3rd`, `3`, `third`);
 * - `1990'erne`, `60’erne`, `00'ere` → decade (`1990s`; `60s`, `1960s`, `sixties`; `2000s`); `1800-tallet` →
 *   `1800s` or `19th century`;
 * - `kl. 14.30`, `klokken 14:30`, `14.30` (hour ≤ 23 with minutes < 60, or `24.00`) → time: the target needs
 *   a time with the same minutes and the same hour on the 12-hour clock (`14:30`, `2:30 pm`,
 *   `2.30 p.m.`), or `1430`; `kl. 12.00` also `noon`, `kl. 24` also `midnight`;
 *   `kl. 14` → hour (`14:00`, `2 pm`, `14`);
 * - `3.5.2021`, `03.05.21` → date: the day and the year must appear (the month is often
 *   written as a word), or the date verbatim;
 * - `den 31.12.`, `d. 1.5`, `24.12.` (day.month, no year: after `den`/`d.` or followed by a
 *   period) → date: the day and the month, as a number or an English month name (`31 December`,
 *   `December 31`, `12/31`); where it could be a time (`10.05.`), that time also satisfies it;
 * - anything else made of digits and separators (`1.2.3`, `12.5`) must appear verbatim or as
 *   its separate digit runs.
 * - `7-8.000` → the range's first number also as thousands (7000), as English writes it (`7,000-8,000`).
 * Years are plain integers. Signs are ignored.
 *
 * Target side (English conventions): `1,037`, `1037`, `2.5`, `1 000` (no-break/thin space);
 * a following `thousand`/`million`/`billion`/`trillion`/`bn`/`mn` (or glued `k`/`m`) also adds
 * the multiplied value; number words (`three`, `twenty-five`, `three hundred and two`,
 * `third`, `sixties`, `dozen`, `half`) and upper-case Roman numerals (`XVI`, `II`: regnal and
 * war numbers, Danish `Ludvig 16.`, `2. verdenskrig`) add their values; `H:MM`/`H.MM` are times.
 * Loosely formatted source numbers (`4:41,30`, `1.2.3`) are matched by their digit runs.
 * A target `1.000` reads as 1 (English), so a Danish thousands number copied verbatim is flagged.
 *
 * Matching is by presence, not by count: a number that occurs twice in the source needs to
 * occur once in the target. Numbers only spelled out in the Danish source are not checked.
 */

export type SourceNumberKind =
  | 'number'
  | 'percent'
  | 'scaled'
  | 'ordinal'
  | 'decade'
  | 'time'
  | 'hour'
  | 'date'
  | 'other';

export interface SourceNumber {
  /** The text as it stands in the source (e.g. `2,5 mio.`, `kl. 14.30`). */
  raw: string;
  kind: SourceNumberKind;
  /** Values any one of which, found in the target, satisfies this number. */
  values: number[];
  /** For times and hours (and a day.month date that could be a time). */
  time?: { h: number; m: number };
  /** For a day.month date without a year (and a time that could be one). */
  dayMonth?: { day: number; month: number };
  /** Alternatively satisfied when, for every inner list, one of its values is present (dates, digit runs). */
  allOf?: number[][];
}

export interface TargetNumbers {
  values: number[];
  /** Every run of digits, whatever surrounds it (for loosely formatted source numbers). */
  runs: number[];
  times: Array<{ h: number; m: number }>;
  /** Months (1–12) named in English ("December", "Dec."). */
  months: number[];
  text: string;
}

const SOURCE_SCALES: Array<[RegExp, number]> = [
  [/^\s*(?:mio\b\.?|millioner\b|million\b)/i, 1e6],
  [/^\s*(?:mia\b\.?|milliarder\b|milliard\b)/i, 1e9],
  [/^\s*(?:billioner\b|billion\b)/i, 1e12],
  [/^\s*(?:tusinde?\b)/i, 1e3],
];

const TARGET_SCALES: Array<[RegExp, number]> = [
  [/^\s*(?:thousands?\b)/i, 1e3],
  [/^\s*(?:millions?\b|mn\b)/i, 1e6],
  [/^\s*(?:billions?\b|bn\b)/i, 1e9],
  [/^\s*(?:trillions?\b)/i, 1e12],
  [/^k\b/i, 1e3],
  [/^m\b/, 1e6],
];

// Digits with separators between digit runs; a space (incl. no-break/thin) only before 3 digits.
const NUMBER_BLOB = /\d+(?:[.,:]\d+|[ \u00a0\u202f\u2009]\d{3}(?!\d))*/g;
const TARGET_BLOB = /\d+(?:[.,]\d+|[\u00a0\u202f\u2009]\d{3}(?!\d))*/g;

function toInt(s: string): number {
  return Number(s.replace(/[^\d]/g, ''));
}

function digitRuns(s: string): number[] {
  return (s.match(/\d+/g) ?? []).map(Number);
}

/** A time a clock can show: 0:00–23:59, and 24:00 (the end of a day); 24:12 is no time. */
function isClockTime(h: number, m: number): boolean {
  return m <= 59 && (h <= 23 || (h === 24 && m === 0));
}

/** "kl." / "klokken" right before a number makes it a time of day. */
const KL_BEFORE = /(?<!\p{L})(?:kl\.?|klokken)\s*$/iu;

/** "den" / "d." right before a number makes a day.month a date ("den 31.12."). */
const DEN_BEFORE = /(?<!\p{L})(?:den|d\.)\s*$/iu;

/** Every number found in a Danish text, in order, duplicates (same raw text) removed. */
export function extractSourceNumbers(source: string): SourceNumber[] {
  const out: SourceNumber[] = [];
  const seen = new Set<string>();
  for (const m of source.matchAll(NUMBER_BLOB)) {
    const blob = m[0];
    const start = m.index;
    const end = start + blob.length;
    const before = source.slice(Math.max(0, start - 10), start);
    const after = source.slice(end, end + 16);
    const afterKl = KL_BEFORE.test(before);
    const n = classifySource(blob, after, afterKl, DEN_BEFORE.test(before));
    if (!n) continue;
    // A range's first number shares the second's thousands: "7-8.000" is 7,000 to 8,000.
    const range = /^[-–](\d{1,3})((?:\.\d{3})+)(?![\d,.]\d)/.exec(after);
    if (n.kind === 'number' && /^\d{1,3}$/.test(blob) && range) n.values.push(n.values[0]! * 1000 ** (range[2]!.length / 4));
    if (afterKl && (n.kind === 'time' || n.kind === 'hour')) n.raw = `${KL_BEFORE.exec(before)![0]}${n.raw}`;
    if (seen.has(n.raw)) continue;
    seen.add(n.raw);
    out.push(n);
  }
  return out;
}

/**
 * A day.month with no year ("den 31.12.", "1.5."): Danish writes it after "den"/"d.", or with the
 * ordinal's period after the month. Read as digits or a time, "31 December" missed it.
 */
function dayMonthOf(blob: string, after: string, afterKl: boolean, afterDen: boolean): { day: number; month: number } | null {
  const mm = /^(\d{1,2})\.(\d{1,2})$/.exec(blob);
  if (!mm || afterKl || !(afterDen || /^\.(?!\d)/.test(after))) return null;
  const day = Number(mm[1]);
  const month = Number(mm[2]);
  return day >= 1 && day <= 31 && month >= 1 && month <= 12 ? { day, month } : null;
}

function classifySource(blob: string, after: string, afterKl: boolean, afterDen: boolean): SourceNumber | null {
  let mm: RegExpExecArray | null;
  const dayMonth = dayMonthOf(blob, after, afterKl, afterDen);
  if (dayMonth && afterDen) return { raw: blob, kind: 'date', values: [], dayMonth };

  // Dates d.m.yyyy / d.m.yy
  if ((mm = /^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$/.exec(blob))) {
    const d = Number(mm[1]);
    const mo = Number(mm[2]);
    const yRaw = mm[3]!;
    if (d >= 1 && d <= 31 && mo >= 1 && mo <= 12) {
      const y = Number(yRaw);
      const years = yRaw.length === 2 ? [y, 2000 + y, 1900 + y] : [y];
      return { raw: blob, kind: 'date', values: [], allOf: [[d], years] };
    }
  }

  // Times hh.mm / hh:mm
  if ((mm = /^(\d{1,2})[.:](\d{2})$/.exec(blob))) {
    const h = Number(mm[1]);
    const mi = Number(mm[2]);
    // "10.05." may be 10 May as well.
    if (isClockTime(h, mi)) return { raw: blob, kind: 'time', values: [], time: { h, m: mi }, ...(dayMonth ? { dayMonth } : {}) };
  }
  if (dayMonth) return { raw: blob, kind: 'date', values: [], dayMonth };

  let value: number | null = null;
  if (/^\d+$/.test(blob)) value = Number(blob);
  else if (/^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(blob)) {
    const [intPart, frac] = blob.split(',');
    value = toInt(intPart!) + (frac !== undefined ? Number(`0.${frac}`) : 0);
  } else if (/^\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:,\d+)?$/.test(blob)) {
    // "1 000": one number, or (plain space) possibly several numbers side by side.
    const [intPart, frac] = blob.split(',');
    const grouped = toInt(intPart!) + (frac !== undefined ? Number(`0.${frac}`) : 0);
    return { raw: blob, kind: 'number', values: [grouped], allOf: digitRuns(blob).map((v) => [v]) };
  } else if (/^\d+,\d+$/.test(blob)) value = Number(blob.replace(',', '.'));

  if (value === null) {
    // Anything else: verbatim, or each digit run.
    return { raw: blob, kind: 'other', values: [], allOf: digitRuns(blob).map((v) => [v]) };
  }

  if (afterKl && /^\d{1,2}$/.test(blob) && value <= 24) {
    return { raw: blob, kind: 'hour', values: [], time: { h: value, m: 0 } };
  }
  if (/^\s*(?:%|procent\b|pct\b\.?)/i.test(after)) {
    return { raw: `${blob}${after.match(/^\s*(?:%|procent\b|pct\b\.?)/i)![0]}`, kind: 'percent', values: [value] };
  }
  for (const [re, scale] of SOURCE_SCALES) {
    const s = re.exec(after);
    if (s) return { raw: `${blob}${s[0]}`, kind: 'scaled', values: [value * scale, value] };
  }
  if (/^\d+$/.test(blob) && /^-tallet\b/i.test(after)) {
    // "1800-tallet": the 1800s, i.e. the 19th century.
    const values = [value];
    if (value % 100 === 0) values.push(value / 100 + 1);
    return { raw: `${blob}-tallet`, kind: 'decade', values };
  }
  // "1990'erne", and the indefinite "00'ere" ("de tidlige 00'ere": the early 2000s).
  if (/^\d+$/.test(blob) && /^['’]?(?:erne|ere)\b/i.test(after)) {
    const values = [value];
    if (value < 100) values.push(1900 + value, 2000 + value);
    return { raw: `${blob}${after.match(/^['’]?(?:erne|ere)/i)![0]}`, kind: 'decade', values };
  }
  if (/^\d{1,3}$/.test(blob) && /^\.\s+\p{Ll}/u.test(after)) {
    return { raw: `${blob}.`, kind: 'ordinal', values: [value] };
  }
  return { raw: blob, kind: 'number', values: [value] };
}

// ---------------------------------------------------------------------------------------
// Target side

const UNITS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
  ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16,
  seventeen: 17, eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = {
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const ORDINAL_UNITS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9,
  tenth: 10, eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15,
  sixteenth: 16, seventeenth: 17, eighteenth: 18, nineteenth: 19,
  twentieth: 20, thirtieth: 30, fortieth: 40, fiftieth: 50, sixtieth: 60, seventieth: 70,
  eightieth: 80, ninetieth: 90, hundredth: 100, thousandth: 1000, millionth: 1e6,
};
const DECADES: Record<string, number> = {
  twenties: 20, thirties: 30, forties: 40, fifties: 50, sixties: 60, seventies: 70,
  eighties: 80, nineties: 90,
};
const SCALE_WORDS: Record<string, number> = {
  hundred: 100, thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12,
  hundreds: 100, thousands: 1e3, millions: 1e6, billions: 1e9,
};
// "100 år" is often "a century", "10 år" "a decade".
const OTHER_WORDS: Record<string, number> = { dozen: 12, half: 0.5, decade: 10, century: 100 };

function wordValue(w: string): { v: number; kind: 'unit' | 'tens' | 'scale' | 'final' } | null {
  if (w in UNITS) return { v: UNITS[w]!, kind: 'unit' };
  if (w in TENS) return { v: TENS[w]!, kind: 'tens' };
  if (w in SCALE_WORDS) return { v: SCALE_WORDS[w]!, kind: 'scale' };
  if (w in ORDINAL_UNITS) return { v: ORDINAL_UNITS[w]!, kind: 'final' };
  if (w in DECADES) return { v: DECADES[w]!, kind: 'final' };
  return null;
}

/** Values of English number words: each word alone, and each run ("three hundred and two"). */
function wordNumbers(text: string): number[] {
  const out: number[] = [];
  const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
  let total = 0;
  let current = 0;
  let inRun = false;
  const flush = (): void => {
    if (inRun) out.push(total + current);
    total = 0;
    current = 0;
    inRun = false;
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w in OTHER_WORDS) out.push(OTHER_WORDS[w]!);
    const wv = wordValue(w);
    if (!wv) {
      // "and" inside a run ("three hundred and two"); "a" before a scale ("a million").
      if (inRun && w === 'and' && words[i + 1] !== undefined && wordValue(words[i + 1]!)) continue;
      if (w === 'a' && words[i + 1] !== undefined && wordValue(words[i + 1]!)?.kind === 'scale') {
        flush();
        inRun = true;
        current = 1;
        continue;
      }
      flush();
      continue;
    }
    out.push(wv.v);
    if (wv.kind === 'final') {
      // Ordinals/decades end a run: "twenty-first" -> 21.
      if (inRun) out.push(total + current + (wv.v < 10 ? wv.v : 0));
      flush();
      continue;
    }
    inRun = true;
    if (wv.kind === 'unit' || wv.kind === 'tens') current += wv.v;
    else if (wv.v === 100) current = Math.max(current, 1) * 100;
    else {
      total += Math.max(current, 1) * wv.v;
      current = 0;
    }
  }
  flush();
  return out;
}

const ROMAN: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };

/**
 * Upper-case Roman numerals ("Louis XVI", "World War II"), two letters or more (or a lone
 * V or X), since a lone I, C, D, L or M is usually a word or an initial.
 */
function romanNumerals(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/(?<![\p{L}\d])[IVXLCDM]+(?![\p{L}\d])/gu)) {
    const r = m[0];
    if (r.length === 1 && r !== 'V' && r !== 'X') continue;
    if (!/^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$/.test(r)) continue;
    let v = 0;
    for (let i = 0; i < r.length; i++) {
      const cur = ROMAN[r[i]!]!;
      const next = i + 1 < r.length ? ROMAN[r[i + 1]!]! : 0;
      v += cur < next ? -cur : cur;
    }
    out.push(v);
  }
  return out;
}

// Capitalised only: "may", "march" and "sat" are words as well.
const MONTH_NAMES = /\b(?:(Jan)(?:uary)?|(Feb)(?:ruary)?|(Mar)(?:ch)?|(Apr)(?:il)?|(May)|(Jun)e?|(Jul)y?|(Aug)(?:ust)?|(Sep)(?:t|tember)?|(Oct)(?:ober)?|(Nov)(?:ember)?|(Dec)(?:ember)?)\b/g;

/** The months (1–12) an English text names. */
function monthNames(text: string): number[] {
  // The capture group that matched is the month's number.
  return [...text.matchAll(MONTH_NAMES)].map((m) => m.findIndex((g, i) => i > 0 && g !== undefined));
}

/** Numbers, times and number words found in an English text. */
export function extractTargetNumbers(target: string): TargetNumbers {
  const values: number[] = [];
  const times: Array<{ h: number; m: number }> = [];

  for (const m of target.matchAll(/(?<!\d)(\d{1,2})[:.](\d{2})(?!\d)/g)) {
    const h = Number(m[1]);
    const mi = Number(m[2]);
    if (isClockTime(h, mi)) times.push({ h, m: mi });
  }

  for (const m of target.matchAll(TARGET_BLOB)) {
    const blob = m[0];
    const after = target.slice(m.index + blob.length, m.index + blob.length + 14);
    let value: number | null = null;
    if (/^\d+$/.test(blob)) value = Number(blob);
    else if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(blob)) value = Number(blob.replace(/,/g, ''));
    else if (/^\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?:\.\d+)?$/.test(blob)) value = Number(blob.replace(/[^\d.]/g, ''));
    else if (/^\d+\.\d+$/.test(blob)) value = Number(blob);
    if (value === null) {
      values.push(...digitRuns(blob));
      continue;
    }
    values.push(value);
    for (const [re, scale] of TARGET_SCALES) {
      if (re.test(after)) {
        values.push(value * scale);
        break;
      }
    }
  }

  values.push(...wordNumbers(target));
  values.push(...romanNumerals(target));
  return { values, times, months: monthNames(target), runs: digitRuns(target), text: target };
}

function hasValue(values: readonly number[], v: number): boolean {
  const tol = 1e-9 * Math.max(1, Math.abs(v));
  return values.some((x) => Math.abs(x - v) <= tol);
}

function timePresent(time: { h: number; m: number }, hourOnly: boolean, t: TargetNumbers): boolean {
  const { h, m } = time;
  const sameClock = (x: { h: number; m: number }): boolean => x.m === m && x.h % 12 === h % 12;
  if (t.times.some(sameClock)) return true;
  if (m === 0 && h === 12 && /\bnoon\b/i.test(t.text)) return true;
  if (m === 0 && h % 24 === 0 && /\bmidnight\b/i.test(t.text)) return true;
  // Military style "1430 GMT".
  if (h >= 10 && hasValue(t.values, h * 100 + m)) return true;
  if (hourOnly) return hasValue(t.values, h) || (h > 12 && hasValue(t.values, h - 12));
  return false;
}

function dayMonthPresent({ day, month }: { day: number; month: number }, t: TargetNumbers): boolean {
  const has = (v: number): boolean => hasValue(t.values, v) || hasValue(t.runs, v);
  return has(day) && (t.months.includes(month) || has(month));
}

/** Whether one source number is present in the analysed target. */
export function numberPresent(n: SourceNumber, t: TargetNumbers): boolean {
  if (n.time || n.dayMonth) {
    return (n.time !== undefined && timePresent(n.time, n.kind === 'hour', t)) || (n.dayMonth !== undefined && dayMonthPresent(n.dayMonth, t));
  }
  if ((n.kind === 'date' || n.kind === 'other') && t.text.includes(n.raw)) return true;
  if (n.values.some((v) => hasValue(t.values, v))) return true;
  const all = n.allOf;
  return (
    all !== undefined &&
    all.length > 0 &&
    all.every((alts) => alts.some((v) => hasValue(t.values, v) || hasValue(t.runs, v)))
  );
}

/**
 * A source number written with Danish separators ("3.850", "2,5", "1.234,5", also in "2,5 mio."
 * or "12,5 %") that stands in the target exactly so, and that English reads as another number
 * ("3.850" as 3.85, "2,500" as 2500): the English spelling it should have ("3,850", "2.5"), else null.
 */
export function danishFormatCopied(n: SourceNumber, target: string): string | null {
  if (n.kind !== 'number' && n.kind !== 'percent' && n.kind !== 'scaled') return null;
  const blob = /^\d+(?:[.,]\d+)+/.exec(n.raw)?.[0];
  if (blob === undefined) return null;
  let english: string;
  if (/^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(blob)) {
    const [int, frac] = blob.split(',');
    english = int!.replace(/\./g, ',') + (frac !== undefined ? `.${frac}` : '');
  } else if (/^\d+,\d+$/.test(blob)) {
    english = blob.replace(',', '.');
  } else {
    return null;
  }
  const escaped = blob.replace(/[.]/g, '\\.');
  return new RegExp(`(?<![\\d.,])${escaped}(?![\\d]|[.,]\\d)`).test(target) ? english : null;
}

/** Source numbers absent from the target. */
export function missingNumbers(source: string, target: string): SourceNumber[] {
  const src = extractSourceNumbers(source);
  if (src.length === 0) return [];
  const t = extractTargetNumbers(target);
  return src.filter((n) => !numberPresent(n, t));
}
