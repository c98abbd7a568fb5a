import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';
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
 * Time left, for the bar: "--" until there is a rate to go by (cli-progress' own ETA shows its
 * NULL and INF placeholders cut to two letters, "LLs" and "NFs", at the start and end), "0s" when
 * done, else 45s, 3m05s, 1h20m.
 */
export function formatEta(done: number, total: number, perSecond: number): string {
  if (total > 0 && done >= total) return '0s';
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) return '--';
  const seconds = Math.ceil((total - done) / perSecond);
  if (!Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Progress bars on stderr. `enabled` is normally "stderr is a terminal and not --quiet", so piped
 * or redirected stderr gets nothing; `--progress` forces them, and then a non-terminal stream
 * gets a plain line every `plainEveryMs` instead of a redrawn bar. stdout is never touched.
 */
export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr, plainEveryMs = 2000): ProgressSink {
  if (!enabled) return SILENT;
  const common = { stream, hideCursor: true, noTTYOutput: true, notTTYSchedule: plainEveryMs } as const;
  // Loaded only for bars that are shown (~20 ms to import, before the model can start).
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;
  let bar: cliProgressModule.SingleBar | null = null;
  const stopBar = () => {
    bar?.stop();
    bar = null;
  };
  return {
    translation(label, paragraphsTotal) {
      let started = 0;
      let startedAt = 0;
      return (p) => {
        const total = p.paragraphsTotal ?? paragraphsTotal;
        if (!bar) {
          started = performance.now();
          // Without a total (standard input) there is no bar or ETA to show, only the count and rate.
          const format = total === undefined ? `${label} {value} paragraphs | {rate} par/s` : `${label} {bar} {value}/{total} paragraphs | {rate} par/s | ETA {timeLeft}`;
          bar = new cliProgress.SingleBar({ ...common, format, clearOnComplete: false }, cliProgress.Presets.shades_classic);
          bar.start(total ?? 0, p.paragraphsDone, { rate: '0.0', timeLeft: formatEta(p.paragraphsDone, total ?? 0, 0) });
          startedAt = p.paragraphsDone;
        }
        const seconds = (performance.now() - started) / 1000;
        const perSecond = seconds > 0 ? (p.paragraphsDone - startedAt) / seconds : 0;
        bar.update(p.paragraphsDone, { rate: seconds > 0 ? (p.paragraphsDone / seconds).toFixed(1) : '0.0', timeLeft: formatEta(p.paragraphsDone, total ?? 0, perSecond) });
        if (total !== undefined && p.paragraphsDone >= total) stopBar();
      };
    },
    download() {
      // Sizes become known file by file (a mirror states each one only when the file is opened), so
      // the total grows as they do; a file of unknown size counts what has arrived of it.
      const files = new Map<string, { loaded: number; total: number | undefined }>();
      return {
        start(list) {
          files.clear();
          for (const f of list) files.set(f.file, { loaded: 0, total: f.total });
          const total = list.reduce((n, f) => n + (f.total ?? 0), 0);
          stopBar();
          bar = new cliProgress.SingleBar({ ...common, format: 'downloading model {bar} {mb}/{totalMb} MB | {file}' }, cliProgress.Presets.shades_classic);
          bar.start(Math.max(total, 1), 0, { mb: '0.0', totalMb: megabytes(total), file: '' });
        },
        progress(p) {
          const entry = files.get(p.file) ?? { loaded: 0, total: undefined };
          files.set(p.file, entry);
          entry.loaded = p.loaded;
          if (p.total !== undefined) entry.total = p.total;
          let sum = 0;
          let total = 0;
          let finished = true;
          for (const f of files.values()) {
            sum += f.loaded;
            total += Math.max(f.total ?? 0, f.loaded);
            if (f.total === undefined || f.loaded < f.total) finished = false;
          }
          bar?.setTotal(Math.max(total, 1));
          bar?.update(sum, { mb: megabytes(sum), totalMb: megabytes(total), file: p.file });
          // The bar ends once every file has all its bytes (the download states each file's size when
          // it is done), drawn at once: a redraw left to the timer could be overtaken by what comes next
          // (loading the model, a notice on stderr), leaving the bar short of its total on screen.
          if (finished) stopBar();
        },
      };
    },
    stop: stopBar,
  };
}
