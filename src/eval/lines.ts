/**
 * Splitting a text file into segments the way sacreBLEU 2.x's command line reads it: it opens
 * files with `newline="\n"`, so only `\n` ends a line and a lone `\r` stays inside it (its
 * tokenizers and right-stripping treat it as whitespace). A `\r` just before a `\n` is dropped here,
 * which sacreBLEU's `line.rstrip()` does too. A final line end does not start an extra empty
 * segment, and nothing else is changed (no BOM stripping, no trimming — the metrics do their own
 * right-stripping / whitespace removal).
 */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (text.endsWith('\n')) lines.pop();
  return lines;
}
