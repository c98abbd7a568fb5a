import cliProgress from 'cli-progress';
import type { PipelineProgress } from '../pipeline/translate-document.js';
import type { FileProgress } from '../engine/model-store/download.js';

export interface ProgressSink {
  translation(label: string): (p: PipelineProgress) => void;
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
 * Progress bars on stderr, only for a person watching a terminal: piped or redirected stderr,
 * and --quiet, get nothing, and stdout is never touched.
 */
export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  if (!enabled) return SILENT;
  let bar: cliProgress.SingleBar | null = null;
  const stopBar = () => {
    bar?.stop();
    bar = null;
  };
  return {
    translation(label) {
      let started = 0;
      return (p) => {
        if (!bar) {
          started = performance.now();
          bar = new cliProgress.SingleBar(
            { stream, format: `${label} {bar} {value}/{total} paragraphs | {rate} par/s | ETA {eta_formatted}`, hideCursor: true, clearOnComplete: false, etaBuffer: 20 },
            cliProgress.Presets.shades_classic,
          );
          bar.start(p.paragraphsTotal, p.paragraphsDone, { rate: '0.0' });
        }
        const seconds = (performance.now() - started) / 1000;
        bar.update(p.paragraphsDone, { rate: seconds > 0 ? (p.paragraphsDone / seconds).toFixed(1) : '0.0' });
        if (p.paragraphsDone >= p.paragraphsTotal) stopBar();
      };
    },
    download() {
      const loaded = new Map<string, number>();
      let total = 0;
      return {
        start(files) {
          total = files.reduce((n, f) => n + (f.total ?? 0), 0);
          stopBar();
          bar = new cliProgress.SingleBar(
            { stream, format: 'downloading model {bar} {mb}/{totalMb} MB | {file}', hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
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
