import { createHash } from 'node:crypto';
import path from 'node:path';
import { Da2enError } from '../errors.js';
import { shownInput } from '../input/input-format.js';
import { NAME_MAX_BYTES, fitBytes } from '../io/name-limits.js';
import { fileIdentity, pathKey, physicalInputPath, physicalPath } from '../io/same-file.js';
import { OUTPUT_FORMATS as FORMATS, extensionFor, formatFromPath, isOutputFormat, type OutputFormat as Format } from '../rendering/formats.js';

export type { Format };

/** Output name = input stem + this: bilingual files say so; the English-only one is .en.txt. */
export function suffixFor(format: Format): string {
  return format === 'en' ? extensionFor(format) : `.da-en${extensionFor(format)}`;
}

export interface OutputTarget {
  format: Format;
  /** null: standard output. */
  path: string | null;
}

export interface InputPlan {
  /** As given: how it is shown and recorded (the outputs' source). */
  input: string;
  /** A file input as the system reads it, where that differs (a `..` after a link): see withPhysicalPaths. */
  inputOnDisk?: string;
  targets: OutputTarget[];
}

export interface PlanRequest {
  inputs: string[];
  formats?: Format[];
  output?: string;
  outDir?: string;
  /** Each of `inputs` as the system reads it (withPhysicalPaths), for what goes beside it. */
  inputsOnDisk?: string[];
  stdoutIsTTY: boolean;
}

export function parseFormats(list: string): Format[] {
  const formats = list.split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
  const bad = formats.filter((f) => !isOutputFormat(f));
  if (bad.length > 0) throw new Da2enError('usage', `unknown format ${bad.join(', ')}; choose from ${FORMATS.join(', ')}`);
  if (formats.length === 0) throw new Da2enError('usage', `--format needs at least one of ${FORMATS.join(', ')}`);
  return [...new Set(formats)] as Format[];
}

/** "news/article.da.txt" → "article": the name outputs are built from. */
export function stemOf(input: string): string {
  if (input === '-') return 'stdin';
  if (/^https?:\/\//i.test(input)) return urlStem(input);
  return path.basename(input).replace(/\.(txt|text|md|markdown|html?|xhtml)$/i, '').replace(/\.da$/i, '');
}

/** A URL's stem is cut to this many characters, for a name one can read. */
const URL_STEM_CHARACTERS = 100;
/** The hash stemsOf may add ("-1a2b3c4d"). */
const HASH_TAG_BYTES = 9;
/** And to this many bytes: the file's name, with the hash stemsOf may add and the longest suffix, fits in 255 bytes. */
const URL_STEM_BYTES = NAME_MAX_BYTES - HASH_TAG_BYTES - Math.max(...FORMATS.map((format) => Buffer.byteLength(suffixFor(format), 'utf8')));

/**
 * "https://www.dr.dk/nyheder/indland/storm-lukker-faerger?x=1" → "storm-lukker-faerger" (else the
 * host name). With `parts` > 1, that many path parts from the end ("indland-storm-lukker-faerger"),
 * then the host before them once the path runs out; with `withQuery`, the query after them ("…-x-1").
 */
function urlStem(url: string, parts = 1, withQuery = false): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'page';
  }
  const segments = parsed.pathname.split('/').filter(Boolean).map(decodePathPart);
  const last = (segments.pop() ?? '').replace(/\.(s?html?|php|aspx?)$/i, '');
  const taken = [...segments.slice(Math.max(0, segments.length - (parts - 1))), last].filter(Boolean);
  const words = taken.length < parts || taken.length === 0 ? [parsed.hostname, ...taken] : taken;
  if (withQuery && parsed.search.length > 1) words.push(decodePathPart(parsed.search.slice(1)));
  const safe = words.join('-').replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^[.-]+|-+$/g, '');
  // By characters (a cut surrogate pair would be U+FFFD in the name), then by bytes: "漢字" takes 3 each.
  return fitBytes([...safe].slice(0, URL_STEM_CHARACTERS).join(''), URL_STEM_BYTES) || 'page';
}

/**
 * A percent-escaped path part as text. Escapes that are not UTF-8 are old pages' Latin-1 ("s%F8en"
 * for "søen", common in Danish archives), which decodeURIComponent refuses.
 */
function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/**
 * The stems of several inputs. URLs whose stems would be the same (".../a/index.html" and
 * ".../b/index.html") take as many path parts before them as they need to differ, then their host,
 * then their query (".../ok?id=1" and ".../ok?id=2"), then a short hash of the whole URL (queries
 * that read the same once made safe): a URL's name cannot be changed by the user as a file's can.
 */
export function stemsOf(inputs: string[]): string[] {
  const stems = inputs.map(stemOf);
  const isUrl = inputs.map((input) => /^https?:\/\//i.test(input));
  const renames: ((url: string, stem: string) => string)[] = [];
  for (let parts = 2; parts <= 16; parts++) renames.push((url) => urlStem(url, parts));
  renames.push((url) => urlStem(url, 16, true));
  renames.push((url, stem) => `${stem}-${createHash('sha256').update(url).digest('hex').slice(0, HASH_TAG_BYTES - 1)}`);
  for (const rename of renames) {
    const count = new Map<string, number>();
    for (const stem of stems) count.set(stem, (count.get(stem) ?? 0) + 1);
    const clashing = stems.map((stem, i) => isUrl[i] && count.get(stem)! > 1);
    if (!clashing.includes(true)) break;
    clashing.forEach((clash, i) => {
      if (clash) stems[i] = rename(inputs[i]!, stems[i]!);
    });
  }
  return stems;
}

/** Where outputs go when no folder is given: beside the input file; for a URL, the current folder. */
function dirOf(input: string): string {
  return /^https?:\/\//i.test(input) ? '.' : path.dirname(input);
}

/** Both are plain text, so either may go into a .txt file (the English-only one is named .en.txt by default). */
function samePlainText(a: Format, b: Format): boolean {
  return (a === 'txt' || a === 'en') && (b === 'txt' || b === 'en');
}

function formatFromExtension(file: string, formats?: Format[]): Format {
  if (formats) {
    if (formats.length !== 1) throw new Da2enError('usage', `-o writes one file; give one --format or use --out-dir for ${formats.join(', ')}`);
    const format = formats[0]!;
    // -o x.md --format html would put HTML into a .md file: the name and the format must agree.
    // A name with no known extension (out.data, -) takes the format given.
    const named = file === '-' ? undefined : formatFromPath(file);
    if (named !== undefined && named !== format && !samePlainText(named, format)) {
      throw new Da2enError('usage', `-o ${file}: the extension says ${named}, --format says ${format}; give the file a ${extensionFor(format)} name or leave out --format`);
    }
    return format;
  }
  if (file === '-') return 'txt';
  const format = formatFromPath(file);
  if (!format) throw new Da2enError('usage', `cannot tell the format from "${file}"; use a .html, .md, .txt or .json name, or give --format`);
  return format;
}

/**
 * The request with its paths as the system reads them (physicalPath): `--out-dir link/..` is the
 * folder holding where the link leads, as for the shell, not the one holding the link. For
 * planOutputs, which joins names to them (and so would read such a `..` as written). The inputs
 * themselves stay as given (shown and recorded so, not by a real path that may name a home folder);
 * where outputs go beside them, and whether an output is one, goes by inputsOnDisk.
 */
export async function withPhysicalPaths(req: PlanRequest): Promise<PlanRequest> {
  const inputsOnDisk = await Promise.all(req.inputs.map((input) => (isFileInput(input) ? physicalInputPath(input) : input)));
  return {
    ...req,
    inputsOnDisk,
    ...(req.output !== undefined && req.output !== '-' ? { output: await physicalPath(req.output) } : {}),
    ...(req.outDir !== undefined ? { outDir: await physicalPath(req.outDir) } : {}),
  };
}

/** Decides, before any work is done, every file each input will produce (pure). */
export function planOutputs(req: PlanRequest): InputPlan[] {
  if (req.inputs.length === 0) throw new Da2enError('usage', 'no input given; pass a file, or - to read standard input');
  if (req.inputs.filter((i) => i === '-').length > 1) throw new Da2enError('usage', 'standard input (-) can be read only once');
  if (req.output !== undefined && req.outDir !== undefined) throw new Da2enError('usage', 'use either -o/--output or --out-dir, not both');
  let plans: InputPlan[];
  if (req.output !== undefined) {
    if (req.inputs.length !== 1) throw new Da2enError('usage', '-o/--output takes one input; use --out-dir for several');
    const format = formatFromExtension(req.output, req.formats);
    plans = [{ ...inputAt(req, 0), targets: [{ format, path: req.output === '-' ? null : req.output }] }];
  } else if (req.outDir !== undefined) {
    const formats = req.formats ?? ['html'];
    const stems = stemsOf(req.inputs);
    plans = req.inputs.map((_, i) => ({ ...inputAt(req, i), targets: formats.map((format) => ({ format, path: path.join(req.outDir!, stems[i]! + suffixFor(format)) })) }));
  } else if (req.inputs.length === 1 && (!req.stdoutIsTTY || req.inputs[0] === '-')) {
    const formats = req.formats ?? ['txt'];
    if (formats.length !== 1) throw new Da2enError('usage', `standard output takes one format; use --out-dir for ${formats.join(', ')}`);
    plans = [{ ...inputAt(req, 0), targets: [{ format: formats[0]!, path: null }] }];
  } else {
    if (req.inputs.includes('-')) throw new Da2enError('usage', 'with several inputs, standard input needs --out-dir');
    const formats = req.formats ?? ['html'];
    const stems = stemsOf(req.inputs);
    plans = req.inputs.map((_, i) => {
      const input = inputAt(req, i);
      return { ...input, targets: formats.map((format) => ({ format, path: path.join(dirOf(input.inputOnDisk ?? input.input), stems[i]! + suffixFor(format)) })) };
    });
  }
  checkCollisions(plans);
  return plans;
}

/**
 * What stderr says when standard output is a pipe but is not written to: one input goes there as
 * text, but several would run together in it, so they are written as files beside themselves, as at
 * a terminal. Said before the work starts, so that an empty pipe (`da2en a.txt b.txt | less`) is
 * not a mystery; undefined where standard output gets what was asked for.
 */
export function pipedOutputNote(req: Pick<PlanRequest, 'output' | 'outDir' | 'stdoutIsTTY'>, plans: readonly InputPlan[]): string | undefined {
  if (req.stdoutIsTTY || req.output !== undefined || req.outDir !== undefined || plans.length < 2) return undefined;
  const first = plans[0]!.targets[0]!.path;
  return `standard output takes one input; these ${plans.length} are written as files beside them (${first}, …), as they would be at a terminal: give one input for its text on standard output, or --out-dir to choose the folder`;
}

/** The i-th input of the request, with where it is on disk when that is not how it is written. */
function inputAt(req: PlanRequest, i: number): Pick<InputPlan, 'input' | 'inputOnDisk'> {
  const input = req.inputs[i]!;
  const onDisk = req.inputsOnDisk?.[i];
  return onDisk !== undefined && onDisk !== input ? { input, inputOnDisk: onDisk } : { input };
}

function isFileInput(input: string): boolean {
  return input !== '-' && !/^https?:\/\//i.test(input);
}

/** An output path that names an input, or another output (paths compared; checkOutputsOnDisk sees links too). */
export function checkCollisions(plans: InputPlan[]): void {
  const inputs = new Set(plans.filter((p) => isFileInput(p.input)).map((p) => pathKey(p.inputOnDisk ?? p.input)));
  const seen = new Map<string, string>();
  for (const plan of plans) {
    for (const target of plan.targets) {
      if (target.path === null) continue;
      const resolved = pathKey(target.path);
      if (inputs.has(resolved)) throw new Da2enError('usage', `output ${target.path} is an input file; refusing to overwrite it`);
      const other = seen.get(resolved);
      // The same input twice has no names to change (a URL none at all): said as what it is.
      if (other === plan.input) throw new Da2enError('usage', `${shownInput(other)} is given twice; give it once`);
      if (other !== undefined) throw new Da2enError('usage', `${shownInput(other)} and ${shownInput(plan.input)} would both write ${target.path}; give them different names`);
      seen.set(resolved, plan.input);
    }
  }
}

/**
 * planOutputs' check against the files themselves, before any work: an output that is an input, or
 * another output, under another name — through a symbolic link (the output itself, or a folder on
 * its path) or a hard link — which comparing the paths cannot see. An output that does not exist yet
 * is no input.
 */
export async function checkOutputsOnDisk(plans: InputPlan[]): Promise<void> {
  const inputs = new Map<string, string>();
  for (const plan of plans) {
    if (!isFileInput(plan.input)) continue;
    const id = await fileIdentity(plan.input);
    if (id !== undefined) inputs.set(id, plan.input);
  }
  const outputs = new Map<string, string>();
  for (const plan of plans) {
    for (const target of plan.targets) {
      if (target.path === null) continue;
      const id = await fileIdentity(target.path);
      if (id === undefined) continue;
      const input = inputs.get(id);
      if (input !== undefined) throw new Da2enError('usage', `output ${target.path} is the input file ${input} (the same file under another name); refusing to overwrite it`);
      const other = outputs.get(id);
      if (other !== undefined) throw new Da2enError('usage', `outputs ${other} and ${target.path} are the same file; give them different names`);
      outputs.set(id, target.path);
    }
  }
}
