/**
 * A caller of the model process that the test kills outright (SIGKILL) in the middle of a long run
 * inside ONNX Runtime: prints the model process's pid, then "running".
 */
import { WorkerGenerator } from '../../src/engine/generation/worker-generator.js';

const dir = process.argv[2]!;
const generator = await WorkerGenerator.start({ dir, dtype: 'fp32', engine: 'ort', intraOpThreads: 1 });
process.stdout.write(`model process ${generator.pid}\n`);
const rows = Array.from({ length: 64 }, (_, i) => [10 + (i % 7), 20 + (i % 5), 30, 40 + (i % 3), 0]);
const run = generator.generate({ inputs: rows, beams: 4, maxNewTokens: rows.map(() => 500), flagLengthCap: true, repetitionGuard: false, lengthPenalty: 1, earlyStopping: false, bannedIds: [] });
process.stdout.write('running\n');
await run;
