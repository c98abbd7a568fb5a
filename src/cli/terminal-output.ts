/**
 * Whether an output file is the terminal the progress bar would be drawn on: the bar and the text
 * would share its lines, as with an output on standard output there.
 */
import { fstatSync } from 'node:fs';
import { stat } from 'node:fs/promises';

/**
 * Whether writing `file` puts text on the terminal open on `terminalFd` (standard error): the same
 * device (`/dev/stdout`, `/dev/fd/1` or `/dev/stderr` leading there, `/dev/pts/3` named), or
 * `/dev/tty`, the process's own terminal, which is another device number for the same screen.
 */
export async function writesToTerminal(file: string, terminalFd: number): Promise<boolean> {
  const target = await stat(file).catch(() => undefined);
  if (!target?.isCharacterDevice()) return false;
  const terminal = fstatOrNothing(terminalFd);
  if (terminal?.isCharacterDevice() && terminal.rdev === target.rdev) return true;
  const ownTerminal = await stat('/dev/tty').catch(() => undefined);
  return ownTerminal !== undefined && ownTerminal.rdev === target.rdev;
}

function fstatOrNothing(fd: number) {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}
