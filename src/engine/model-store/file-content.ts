/**
 * Whether a model file's bytes can be what its name says it is. A captive portal, a login page or a
 * mirror without the model answers with HTTP 200 and a web page or a JSON error in the file's place;
 * the size and checksum the server states are then those of what it sent, and prove nothing.
 */
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface ContentProblem {
  /** web-page and error-answer: the server sent something else (at download: a network problem, not a corrupt model). */
  sent: 'web-page' | 'error-answer' | 'not-the-file';
  /** What it is (web-page: "a web page"; error-answer: "an error message (…)"), or what is wrong with it; without the file's name. */
  problem: string;
}

/** JSON files up to this size are parsed whole; a larger one (a 5 MB tokenizer.json, vocab.json) is judged by its first byte. */
const PARSED_JSON_BYTES = 1024 * 1024;
const HEAD_BYTES = 512;

/** The keys da2en reads from config.json (model-config.ts) that every Marian config has. */
const CONFIG_KEYS = ['d_model', 'decoder_attention_heads', 'decoder_layers'] as const;

/** The keys of the JSON error bodies servers answer with: the hub's {"error": …}, {"detail": …}, {"message": …, "status": 404}. */
const ERROR_ANSWER_KEYS = new Set(['error', 'errors', 'error_description', 'detail', 'message', 'status', 'statusCode', 'code', 'title', 'url']);

/**
 * The bytes of `head` as text when a byte-order mark says UTF-16; else each byte as one character.
 * A UTF-8 byte-order mark is dropped.
 */
function headText(head: Buffer): string {
  if (head[0] === 0xff && head[1] === 0xfe) return head.subarray(2, head.length & ~1).toString('utf16le');
  if (head[0] === 0xfe && head[1] === 0xff) return Buffer.from(head.subarray(2, head.length & ~1)).swap16().toString('utf16le');
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  return head.subarray(start).toString('latin1');
}

/**
 * No model file starts with `<` (JSON starts with `{`, ONNX and SentencePiece files are protobuf, a
 * pytorch_model.bin a zip), so one that does, after white space, is a page (HTML, XML, a bare
 * `<title>` or `<script>`). A protobuf may start with white-space bytes (a SentencePiece file's
 * 0x0a) and hold a `<unk>` soon after: a page's first bytes are text, a protobuf's are not.
 */
function isPage(text: string): boolean {
  const rest = text.replace(/^[\t\n\v\f\r ]+/, '');
  // eslint-disable-next-line no-control-regex -- control characters are what tell binary from text
  return rest.startsWith('<') && !/[\x00-\x08\x0e-\x1f\x7f]/.test(text);
}

function firstSignificant(text: string): string | undefined {
  return /^[\t\n\v\f\r ]*(\S)/.exec(text)?.[1];
}

/** A JSON error body (an object holding nothing but the keys such answers have): what it says, quoted; else undefined. */
function errorAnswer(value: object): string | undefined {
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys.every((k) => ERROR_ANSWER_KEYS.has(k))) return undefined;
  const record = value as Record<string, unknown>;
  const said = ['error', 'message', 'detail', 'title'].map((k) => record[k]).find((v) => typeof v === 'string') as string | undefined;
  const words = said !== undefined ? JSON.stringify(said) : JSON.stringify(value);
  return words.length > 80 ? `${words.slice(0, 79)}…` : words;
}

async function readText(file: string): Promise<string> {
  return (await readFile(file)).toString('utf8').replace(/^\uFEFF/, '');
}

/** A .json file: an object, and config.json one with the keys da2en reads. */
async function jsonProblem(file: string, name: string, size: number, text: string): Promise<ContentProblem | undefined> {
  const first = firstSignificant(text);
  if (first !== '{') return { sent: 'not-the-file', problem: `not a JSON object (starts with ${JSON.stringify(first ?? '')})` };
  if (size > PARSED_JSON_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(await readText(file));
  } catch (err) {
    return { sent: 'not-the-file', problem: `not valid JSON (${(err as Error).message})` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { sent: 'not-the-file', problem: 'not a JSON object' };
  const answer = errorAnswer(value);
  if (answer !== undefined) return { sent: 'error-answer', problem: `an error message (${answer})` };
  if (name === 'config.json') {
    const config = value as Record<string, unknown>;
    const lacking: string[] = CONFIG_KEYS.filter((k) => config[k] === undefined);
    if (config['vocab_size'] === undefined && config['decoder_vocab_size'] === undefined) lacking.push('vocab_size');
    if (lacking.length > 0) return { sent: 'not-the-file', problem: `not a Marian model's config (lacks ${lacking.join(', ')})` };
  }
  return undefined;
}

/** A safetensors file starts with its header's length (8 bytes, little-endian): one longer than the file is not one. */
function safetensorsProblem(head: Buffer, size: number, text: string): ContentProblem | undefined {
  const header = head.length >= 8 ? head.readBigUInt64LE(0) : undefined;
  if (header !== undefined && header <= BigInt(size - 8)) return undefined;
  if (isPage(text)) return { sent: 'web-page', problem: 'a web page' };
  return { sent: 'not-the-file', problem: header === undefined ? `${size} bytes, too short for a safetensors file` : `not a safetensors file (its header would be ${header} bytes, the file has ${size})` };
}

/**
 * What is wrong with the bytes of `file` for a model file named `name` (its path in the model
 * folder); undefined when they can be it, or the file cannot be read (the other checks say why).
 * Cheap enough for every `model download` and `model verify`: the first bytes, and JSON files of
 * at most 1 MB parsed whole.
 */
export async function contentProblem(file: string, name: string): Promise<ContentProblem | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = (await handle.stat()).size;
    const { buffer, bytesRead } = await handle.read({ buffer: Buffer.alloc(HEAD_BYTES), position: 0 });
    const head = buffer.subarray(0, bytesRead);
    const text = headText(head);
    const base = path.posix.basename(name);
    if (base.endsWith('.safetensors')) return safetensorsProblem(head, size, text);
    if (isPage(text)) return { sent: 'web-page', problem: 'a web page' };
    if (base.endsWith('.json')) return await jsonProblem(file, base, size, text);
    // A binary model file (protobuf, zip) never starts with `{`: a JSON error body in its place.
    if (firstSignificant(text) === '{' && size <= PARSED_JSON_BYTES) {
      const value = await readText(file).then((t) => JSON.parse(t) as unknown, () => undefined);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const answer = errorAnswer(value);
        return answer !== undefined ? { sent: 'error-answer', problem: `an error message (${answer})` } : { sent: 'not-the-file', problem: 'a JSON document, not the model file' };
      }
    }
    return undefined;
  } catch {
    return undefined; // a folder in the file's place: its check says what is wrong
  } finally {
    await handle.close();
  }
}
