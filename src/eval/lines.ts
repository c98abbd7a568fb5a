/**
 * Splitting a text file into segments the way sacreBLEU's command line reads it (Python
 * text mode): `\r\n` and lone `\r` count as line ends, a final line end does not start an
 * extra empty segment, and nothing else is changed (no BOM stripping, no trimming — the
 * metrics do their own right-stripping / whitespace removal).
 */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const normalised = text.replace(/\r\n?/g, '\n');
  const lines = normalised.split('\n');
  if (normalised.endsWith('\n')) lines.pop();
  return lines;
}
