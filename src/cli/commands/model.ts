import { existsSync } from 'node:fs';
import type { Argv } from 'yargs';
import { Da2enError, isDa2enError } from '../../errors.js';
import { outputError } from '../../io/sinks.js';
import type { Dtype } from '../../engine/marian-model.js';
import { defaultModelsDir, defaultRemoteHost, ensureModel, locateModel, lookalikeFolder, missingFiles, modelCommandLine, verifyModel } from '../../engine/model-store/index.js';
import { createProgress } from '../progress.js';
import { PROGRESS_OPTIONS, modelFrom, withEngineOptions, type ArgsOf } from '../shared-options.js';
import type { CliContext } from '../context.js';
import { pathOption } from '../path-options.js';
import { inCommandWords } from '../setting-words.js';

function builder(y: Argv) {
  return withEngineOptions(y)
    .positional('action', {
      choices: ['download', 'path', 'verify', 'convert'] as const,
      demandOption: true,
      describe: 'download: fetch into the models directory (Helsinki-NLP checkpoints are converted); path: print its directory; verify: check sizes and checksums, then load it; convert: turn a local checkpoint folder into a model',
    })
    .positional('checkpoint', { type: 'string', describe: 'convert: a MarianMTModel checkpoint folder (config.json, vocab.json, source.spm, model.safetensors or pytorch_model.bin)' })
    // Adds list values to --dtype's choices for this command (yargs merges choices).
    .option('dtype', { type: 'string', requiresArg: true, choices: ['q8,fp32', 'fp32,q8'], describe: 'Model weights: q8, fp32, or both (q8,fp32) for download and convert' })
    .option('out', pathOption('--out', 'a folder', { describe: 'convert: the model folder to write (Transformers.js layout)' }))
    .options(PROGRESS_OPTIONS)
    .option('q8-scales', { type: 'string', requiresArg: true, choices: ['per-tensor', 'per-channel'] as const, default: 'per-tensor' as const, describe: 'convert: int8 weight scales, one per tensor (as the published exports) or per output channel' })
    .example('$0 model download', 'fetch Xenova/opus-mt-da-en (q8) into models/')
    .example('$0 model download --quality best', 'fetch Helsinki-NLP/opus-mt-tc-big-gmq-en and convert it')
    .example('$0 model convert ./opus-mt-da-en --out ./models/my-da-en --dtype q8,fp32', 'convert a local checkpoint')
    .example('$0 model verify', 'check a downloaded model');
}

type ModelArgs = ArgsOf<typeof builder>;

export function modelCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command('model <action> [checkpoint]', 'Manage the translation model: download it, print where it lives, verify its files, convert a Hugging Face checkpoint', builder, (argv) => ctx.run(argv, () => runModel(argv, ctx)));
}

function dtypesOf(value: string): Dtype[] {
  return [...new Set(value.split(',').map((d) => d.trim()))] as Dtype[];
}

async function runModel(args: ModelArgs, ctx: CliContext): Promise<number> {
  const dtypes = dtypesOf(String(args.dtype));
  if (args.action === 'convert') return runConvert(args, dtypes, ctx);
  if (args.checkpoint !== undefined) throw new Da2enError('usage', `"da2en model ${args.action}" takes no folder argument (did you mean "da2en model convert ${args.checkpoint} --out DIR"?)`);
  const model = modelFrom(args);
  const modelsDir = args.modelsDir ?? defaultModelsDir();
  const location = locateModel(model, modelsDir);
  if (!location.downloadable && !existsSync(location.dir)) {
    throw new Da2enError('model-missing', `no model directory at ${location.dir}; check the path (a hub model id has the form owner/name)`);
  }
  const download = (dtype: Dtype) => modelCommandLine('download', { id: location.id, modelsDir, dtype });
  if (args.action === 'path') {
    ctx.stdout.write(location.dir + '\n');
    for (const dtype of dtypes) {
      const missing = missingFiles(location.dir, dtype);
      const fix = location.downloadable ? `run "${download(dtype)}"` : 'point --model at a complete Marian export';
      if (missing.length > 0) ctx.log(`(not complete for ${dtype}: missing ${missing.join(', ')}; ${fix})`);
    }
    return 0;
  }
  if (args.action === 'download') {
    if (!location.downloadable) throw new Da2enError('usage', `${model} is a local directory; nothing to download`);
    for (const [i, dtype] of dtypes.entries()) {
      const progress = createProgress(args.progress ?? (!args.quiet && Boolean(ctx.stderr.isTTY)), ctx.stderr);
      const bar = progress.download();
      let fetched: string[];
      let converted: boolean | undefined;
      try {
        // repair: every file is checked against the manifest, so a truncated or changed file is fetched
        // again (what `model verify` tells the user to do) instead of being reported as "already there".
        // A hub checkpoint converts the later dtypes too, from one download.
        ({ fetched, converted } = await ensureModel({ model, modelsDir, dtype, offline: args.offline, modelTyped: args.model !== undefined, remoteHost: defaultRemoteHost(), keepSource: args.keepSource, repair: true, moreDtypes: dtypes.slice(i + 1), onStart: bar.start, onProgress: bar.progress, onNotice: ctx.log, signal: ctx.signal }));
      } finally {
        progress.stop();
      }
      // Files converted from a checkpoint were not downloaded as they are (and --offline downloads nothing).
      const how = converted ? `made ${fetched.length} file(s) from its checkpoint` : `downloaded ${fetched.length} file(s)`;
      ctx.log(fetched.length === 0 ? `${model} (${dtype}) is already in ${location.dir}` : `${model} (${dtype}) is ready in ${location.dir}; ${how}: ${fetched.join(', ')}`);
    }
    return 0;
  }
  for (const dtype of dtypes) {
    const report = await verifyModel(location.dir, dtype).catch((err: unknown) => {
      // Only a damaged manifest fails the check itself; a download writes a new one.
      if (!isDa2enError(err, 'model-corrupt')) throw err;
      const fix = location.downloadable ? `run "${download(dtype)}" to repair it` : 'rebuild or re-copy the directory';
      throw new Da2enError('model-corrupt', `${err.message}; ${fix}`, { cause: err, settings: err.settings });
    });
    for (const problem of report.problems) ctx.stderr.write(`  ${problem}\n`);
    if (report.problems.length > 0 && report.onlyMissing) {
      const fix = location.downloadable ? `run "${download(dtype)}"` : 'point --model at a complete Marian export';
      // As for a download (typoOfFolder): only a typed --model can be a mistyped folder.
      const folder = args.model !== undefined && location.downloadable && !existsSync(location.dir) ? lookalikeFolder(model, modelsDir) : undefined;
      if (folder !== undefined) throw new Da2enError('model-missing', `no model directory at ${folder}, and the hub model ${location.id} is not downloaded (not in ${location.dir}); check the path, or ${fix}`);
      throw new Da2enError('model-missing', `model ${location.id} (${dtype}) is not in ${location.dir} (${report.problems.length} file(s) missing); ${fix}`);
    }
    if (report.problems.length > 0) {
      const fix = location.downloadable ? `run "${download(dtype)}" to fetch them again` : 'rebuild or re-copy the directory';
      throw new Da2enError('model-corrupt', `model in ${location.dir} failed verification (${report.problems.length} problem(s) above); ${fix}`);
    }
    // The copies da2en made on first load are checked by their sizes when loaded; their bytes only here.
    // Imported here: it brings ONNX Runtime, which the other model commands do without.
    const { checkCachedCopies } = await import('../../engine/generation/cached-copies.js');
    const copies = await checkCachedCopies(location.dir, dtype);
    for (const file of copies.damaged) ctx.stderr.write(`  ${file}: damaged (not the bytes da2en made); removed, made again now\n`);
    // Checksums say the bytes are the published ones; loading says ONNX Runtime accepts them (and makes the removed copies again).
    const translator = await ctx.loadTranslator({ model, modelsDir, dtype, offline: true });
    await translator.dispose();
    ctx.stdout.write(`ok: ${location.dir} (${report.checked.length + copies.checked.length} files checked, loads as ${dtype})\n`);
  }
  return 0;
}

/** The model folder `convert` cannot write: its full-disk advice names --out (the usual words are translate's outputs). */
function convertOutputError(err: Da2enError): Da2enError {
  return inCommandWords(err, { outputFolder: 'give another --out' });
}

async function runConvert(args: ModelArgs, dtypes: Dtype[], ctx: CliContext): Promise<number> {
  if (!args.checkpoint) throw new Da2enError('usage', '"da2en model convert" needs the checkpoint folder: da2en model convert <checkpoint-dir> --out <dir>');
  if (!args.out) throw new Da2enError('usage', '"da2en model convert" needs --out <dir>, the model folder to write');
  const { convertCheckpoint } = await import('../../converter/convert.js');
  ctx.stopNote = `nothing was written; ${args.out} is as it was`;
  try {
    const report = await convertCheckpoint({ checkpointDir: args.checkpoint, outDir: args.out, dtypes, quantization: args.q8Scales, onStage: (s) => ctx.verbose(`converting: ${s}`), signal: ctx.signal });
    for (const note of report.notes) ctx.verbose(`  ${note}`);
    const bytes = report.files.reduce((a, f) => a + f.bytes, 0);
    ctx.log(`converted ${args.checkpoint} (${report.weightsFile}) into ${report.dir}: ${dtypes.join(', ')}, ${report.files.length} files, ${(bytes / 1e6).toFixed(1)} MB, ${report.seconds.toFixed(1)} s`);
    ctx.stdout.write(`${report.dir}\n`);
    return 0;
  } catch (err) {
    // A checkpoint given on the command line is the user's input.
    if (isDa2enError(err, 'model-corrupt')) throw new Da2enError('input', err.message, { cause: err, settings: err.settings });
    // The file system refusing the model folder or its temporary twin (permission denied, a
    // read-only or full disk): exit 8 naming --out, as for any output (was exit 1, "unexpected
    // error: EACCES … mkdir '<out>.converting-<pid>'").
    if (!(err instanceof Da2enError) && typeof (err as NodeJS.ErrnoException).code === 'string') throw convertOutputError(outputError(args.out, err));
    throw isDa2enError(err, 'output') ? convertOutputError(err) : err;
  }
}
