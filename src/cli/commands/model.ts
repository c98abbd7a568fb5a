import type { Argv } from 'yargs';
import { Da2enError } from '../../errors.js';
import { defaultModelsDir, defaultRemoteHost, dtypeFlag, ensureModel, locateModel, missingFiles, verifyModel } from '../../engine/model-store/index.js';
import { createProgress } from '../progress.js';
import { withEngineOptions, type ArgsOf } from '../shared-options.js';
import type { CliContext } from '../context.js';

function builder(y: Argv) {
  return withEngineOptions(y)
    .positional('action', {
      choices: ['download', 'path', 'verify'] as const,
      demandOption: true,
      describe: 'download: fetch into the models directory; path: print its directory; verify: check sizes and checksums, then load it',
    })
    .example('$0 model download', 'fetch Xenova/opus-mt-da-en (q8) into models/')
    .example('$0 model download --dtype fp32', 'also fetch the fp32 weights')
    .example('$0 model verify', 'check a downloaded model');
}

type ModelArgs = ArgsOf<typeof builder>;

export function modelCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command('model <action>', 'Manage the translation model: download it, print where it lives, verify its files', builder, async (argv) => {
    ctx.exitCode = await runModel(argv, ctx);
  });
}

async function runModel(args: ModelArgs, ctx: CliContext): Promise<number> {
  const modelsDir = args.modelsDir ?? defaultModelsDir();
  const location = locateModel(args.model, modelsDir);
  if (args.action === 'path') {
    ctx.stdout.write(location.dir + '\n');
    const missing = missingFiles(location.dir, args.dtype);
    if (missing.length > 0) ctx.log(`(not complete for ${args.dtype}: missing ${missing.join(', ')}; run "da2en model download")`);
    return 0;
  }
  if (args.action === 'download') {
    if (!location.downloadable) throw new Da2enError('usage', `${args.model} is a local directory; nothing to download`);
    const before = missingFiles(location.dir, args.dtype);
    const progress = createProgress(!args.quiet && Boolean(ctx.stderr.isTTY), ctx.stderr);
    const bar = progress.download();
    try {
      await ensureModel({ model: args.model, modelsDir, dtype: args.dtype, offline: args.offline, remoteHost: defaultRemoteHost(), onStart: bar.start, onProgress: bar.progress, signal: ctx.signal });
    } finally {
      progress.stop();
    }
    ctx.log(before.length === 0 ? `${args.model} (${args.dtype}) is already in ${location.dir}` : `downloaded ${before.length} file(s) of ${args.model} (${args.dtype}) into ${location.dir}`);
    return 0;
  }
  const report = await verifyModel(location.dir, args.dtype);
  for (const problem of report.problems) ctx.stderr.write(`  ${problem}\n`);
  if (report.problems.length > 0) {
    const fix = location.downloadable ? `run "da2en model download --model ${location.id}${dtypeFlag(args.dtype)}" to fetch them again` : 'rebuild or re-copy the directory';
    throw new Da2enError('model-corrupt', `model in ${location.dir} failed verification (${report.problems.length} problem(s) above); ${fix}`);
  }
  // Checksums say the bytes are the published ones; loading says ONNX Runtime accepts them.
  const translator = await ctx.loadTranslator({ model: args.model, modelsDir, dtype: args.dtype, offline: true });
  await translator.dispose();
  ctx.stdout.write(`ok: ${location.dir} (${report.checked.length} files checked, loads as ${args.dtype})\n`);
  return 0;
}
