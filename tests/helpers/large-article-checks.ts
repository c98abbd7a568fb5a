/** Checks that a streamed output of a generated large article holds every paragraph once and in order. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';

/** Asserts that the HTML output has one row per paragraph, in order, each paired with its own translation. */
export async function expectHtmlInOrder(file: string, paragraphs: number): Promise<void> {
  let next = 0;
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (!line.startsWith('<section class="pair')) continue;
    const m = /^<section class="pair [^"]*" id="p(\d+)">.*<div class="cell en" lang="en"><p class="text" dir="auto">(?:<span class="s"[^>]*>)?EN\(AFSNIT (\d+):/.exec(line);
    expect(m, line.slice(0, 200)).not.toBeNull();
    expect(Number(m![1])).toBe(next + 1);
    expect(Number(m![2])).toBe(next);
    next++;
  }
  expect(next).toBe(paragraphs);
}

/** Asserts that the English-only output (a file or text) has every paragraph once, in order. */
export async function expectEnglishInOrder(input: AsyncIterable<string> | Iterable<string>, paragraphs: number): Promise<void> {
  let next = 0;
  for await (const line of input) {
    if (line === '') continue;
    expect(line.startsWith(`EN(AFSNIT ${next}:`), line.slice(0, 80)).toBe(true);
    next++;
  }
  expect(next).toBe(paragraphs);
}

export function linesOf(file: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(file) });
}
