/**
 * Whether a command line will start the model: then bin.ts starts the model process first thing,
 * before the CLI's own modules load (engine/generation/worker-generator.ts, prestartModelProcess).
 * Read from the words alone, before yargs: a wrong guess costs a process that ends unused (a cached
 * re-run, a usage error) or a start that is merely not ahead.
 */
// serve loads its model in a worker thread, which cannot take a process this thread started.
const COMMANDS_WITHOUT_MODEL = new Set(['model', 'queue', 'cache', 'eval', 'serve', 'help', 'completion']);

export function startsModel(args: readonly string[]): boolean {
  if (args.some((a) => a === '--help' || a === '-h' || a === '--version')) return false;
  const command = args.find((a) => !a.startsWith('-'));
  return command === undefined || !COMMANDS_WITHOUT_MODEL.has(command);
}
