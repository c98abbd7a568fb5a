/**
 * Worker-thread side of convertCheckpoint (convert.ts): runs one conversion (write-conversion.ts)
 * on the job in workerData, posting its stages, then what it wrote or why it failed. Here its long
 * synchronous stretches block this thread only: the main thread still sees a stop signal, and
 * ends this one at once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isDa2enError, type ErrorKind, type SettingName } from '../errors.js';
import { writeConversion, type ConversionJob, type WrittenConversion } from './write-conversion.js';

export type ConversionMessage =
  | { stage: string }
  | { done: WrittenConversion }
  /** `kind` (and the settings its message names) for a Da2enError and `code` for a system error, so the other side can rebuild them. */
  | { failed: { name: string; message: string; kind?: ErrorKind; settings?: SettingName[]; code?: string } };

const port = parentPort!;
const post = (message: ConversionMessage) => port.postMessage(message);

writeConversion(workerData as ConversionJob, (stage) => post({ stage })).then(
  (done) => post({ done }),
  (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as NodeJS.ErrnoException).code;
    post({ failed: { name: e.name, message: e.message, ...(isDa2enError(e) ? { kind: e.kind, settings: [...e.settings] } : {}), ...(typeof code === 'string' ? { code } : {}) } });
  },
);
