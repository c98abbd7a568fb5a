import cliProgress from 'cli-progress';
import type { FileProgress } from '../engine/model-store/download.js';

/** Where a translation has got; the total is unknown for standard input. */
export interface ParagraphProgress {
  paragraphsDone: number;
  paragraphsTotal?: number | undefined;
}

export interface ProgressSink {
  translation(label: string, paragraphsTotal?: number): (p: ParagraphProgress) => void;
  download(): { start: (files: { file: string; total: number | undefined }[]) => void; progress: (p: FileProgress) => void };
  stop(): void;
}

const SILENT: ProgressSink = {
  translation: () => () => {},
  download: () => ({ start: () => {}, progress: () => {} }),
  stop: () => {},
};

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/**
 * Progress bars on stderr. `enabled` is normally "stderr is a terminal and not --quiet", so piped
 * or redirected stderr gets nothing; `--progress` forces them, and then a non-terminal stream
 * gets a plain line every `plainEveryMs` instead of a redrawn bar. stdout is never touched.
 */
export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr, plainEveryMs = 2000): ProgressSink {
  if (!enabled) return SILENT;
  const common = { stream, hideCursor: true, noTTYOutput: true, notTTYSchedule: plainEveryMs } as const;
  let bar: cliProgress.SingleBar | null = null;
  const stopBar = () => {
    bar?.stop();
    bar = null;
  };
  return {
    translation(label, paragraphsTotal) {
      let started = 0;
      return (p) => {
        const total = p.paragraphsTotal ?? paragraphsTotal;
        if (!bar) {
          started = performance.now();
          // Without a total (standard input) there is no bar or ETA to show, only the count and rate.
          const format = total === undefined ? `${label} {value} paragraphs | {rate} par/s` : `${label} {bar} {value}/{total} paragraphs | {rate} par/s | ETA {eta_formatted}`;
          bar = new cliProgress.SingleBar({ ...common, format, clearOnComplete: false, etaBuffer: 50 }, cliProgress.Presets.shades_classic);
          bar.start(total ?? 0, p.paragraphsDone, { rate: '0.0' });
        }
        const seconds = (performance.now() - started) / 1000;
        bar.update(p.paragraphsDone, { rate: seconds > 0 ? (p.paragraphsDone / seconds).toFixed(1) : '0.0' });
        if (total !== undefined && p.paragraphsDone >= total) stopBar();
      };
    },
    download() {
      const loaded = new Map<string, number>();
      let total = 0;
      return {
        start(files) {
          total = files.reduce((n, f) => n + (f.total ?? 0), 0);
          stopBar();
          bar = new cliProgress.SingleBar({ ...common, format: 'downloading model {bar} {mb}/{totalMb} MB | {file}' }, cliProgress.Presets.shades_classic);
          bar.start(Math.max(total, 1), 0, { mb: '0.0', totalMb: megabytes(total), file: '' });
        },
        progress(p) {
          loaded.set(p.file, p.loaded);
          const sum = [...loaded.values()].reduce((a, b) => a + b, 0);
          if (sum > total) total = sum;
          bar?.setTotal(Math.max(total, 1));
          bar?.update(sum, { mb: megabytes(sum), totalMb: megabytes(total), file: p.file });
        },
      };
    },
    stop: stopBar,
  };
}
