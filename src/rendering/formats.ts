/** Output formats and their file extensions. */
import { Da2enError } from '../errors.js';

export type OutputFormat = 'html' | 'md' | 'txt' | 'json' | 'en';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['html', 'md', 'txt', 'json', 'en'];

/** The extension written for each format. */
export const FORMAT_EXTENSION: Readonly<Record<OutputFormat, string>> = {
  html: '.html',
  md: '.md',
  txt: '.txt',
  json: '.json',
  en: '.en.txt',
};

/**
 * Extension → format, longest first so that ".en.txt" wins over ".txt". Matched
 * case-insensitively against the end of a file name.
 */
export const EXTENSION_FORMAT: ReadonlyArray<readonly [string, OutputFormat]> = [
  ['.en.txt', 'en'],
  ['.html', 'html'],
  ['.htm', 'html'],
  ['.md', 'md'],
  ['.markdown', 'md'],
  ['.json', 'json'],
  ['.txt', 'txt'],
];

export function isOutputFormat(s: unknown): s is OutputFormat {
  return (OUTPUT_FORMATS as readonly unknown[]).includes(s);
}

/**
 * A format given through the library, checked against the list: looking it up in a table would find
 * "toString" or "constructor" on the object's prototype, and a missing one fails as a TypeError.
 */
export function checkOutputFormat(format: unknown): OutputFormat {
  if (!isOutputFormat(format)) throw new Da2enError('usage', `unknown output format ${JSON.stringify(format)}; choose one of ${OUTPUT_FORMATS.join(', ')}`);
  return format;
}

/** The format a file name implies, or undefined for an unknown extension. */
export function formatFromPath(path: string): OutputFormat | undefined {
  const lower = path.toLowerCase();
  return EXTENSION_FORMAT.find(([ext]) => lower.endsWith(ext))?.[1];
}

export function extensionFor(format: OutputFormat): string {
  return FORMAT_EXTENSION[format];
}
