/**
 * Markdown with thousands of block quotes, lists or underlined headings is refused before it is
 * parsed: micromark's time grows with the square of their number (8 MiB of "> a\n\n" would have
 * taken months). What is checked here is what is counted and the refusal, never a time.
 */
import { describe, expect, it } from 'vitest';
import { InputFileError } from '../../src/input/errors.js';
import { cliMessage } from '../../src/cli/setting-words.js';
import { Da2enError, inputUserError } from '../../src/errors.js';
import { hasMoreBlocksThan, MAX_MARKDOWN_BLOCKS } from '../../src/input/markdown/block-count.js';
import { parseMarkdown } from '../../src/input/markdown/parse-markdown.js';

const N = MAX_MARKDOWN_BLOCKS;

/** Each kind of block micromark is quadratic over, `n` times. */
const QUADRATIC: Record<string, (n: number) => string> = {
  'sibling block quotes': (n) => '> Et citat.\n\n'.repeat(n),
  'quotes between paragraphs': (n) => 'Et afsnit.\n> Et citat.\n'.repeat(n),
  'lists between paragraphs': (n) => '- Et punkt.\n\nEt afsnit.\n\n'.repeat(n),
  'numbered lists between paragraphs': (n) => '1. Et punkt.\n\nEt afsnit.\n\n'.repeat(n),
  'underlined headings': (n) => 'Overskrift\n==========\n\nEt afsnit.\n\n'.repeat(n),
  'headings underlined with "-"': (n) => 'Overskrift\n---\n'.repeat(n),
};

describe('Markdown with too many block quotes, lists or underlined headings', () => {
  it.each(Object.entries(QUADRATIC))('%s: up to the limit pass, one more is refused', (_, make) => {
    expect(hasMoreBlocksThan(make(N))).toBe(false);
    expect(hasMoreBlocksThan(make(N + 1))).toBe(true);
  });

  it('long quotes, long lists, code, rules and hash headings are not what is counted, however many lines they have', () => {
    const many = 4 * N;
    const inputs = [
      '- Et punkt.\n'.repeat(many), // one list
      '1. Et punkt.\n\n   Mere om punktet.\n\n'.repeat(many), // one loose list with more paragraphs in its items
      '> En linje.\n>\n'.repeat(many), // one quote
      '# Overskrift\n\nEt afsnit.\n\n'.repeat(many),
      'Et afsnit.\n\n---\n\n'.repeat(many), // a rule after a blank line is no heading
      '```\nkode\n```\n\n'.repeat(many),
    ];
    for (const md of inputs) expect(hasMoreBlocksThan(md), md.slice(0, 30)).toBe(false);
  });

  it('is refused before parsing with one line naming the input and the way round it (was: minutes to months in the parser)', () => {
    let err: unknown;
    try {
      parseMarkdown(QUADRATIC['sibling block quotes']!(N + 1), 'citater.md');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputFileError);
    expect((err as Error).message).toBe(
      `citater.md: more than ${N} block quotes, lists and underlined headings, which da2en does not read (the Markdown parser slows down with the square of their number); to translate all of its text, use the text input format`,
    );
    // The library's words; the CLI prints them with its option (src/cli/setting-words.ts).
    expect(cliMessage(inputUserError(err) as Da2enError)).toMatch(/; to translate all of its text, pass --input-format text$/);
  });

  it('an article with a few of each is read as before', () => {
    const md = 'Titel\n=====\n\nEt afsnit.\n\n> Et citat.\n\n- Et punkt.\n- Et til.\n\nUndertitel\n----------\n\nSlut.\n';
    expect(parseMarkdown(md).blocks.map((b) => b.type)).toEqual(['title', 'paragraph', 'quote', 'list-item', 'list-item', 'heading', 'paragraph']);
  });
});
