/** Progress bars (issue 11, item 8): no "ETA NFs"/"ETA LLs", and the download bar ends at its total. */
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createProgress, formatEta } from '../../src/cli/progress.js';
import { writesToTerminal } from '../../src/cli/terminal-output.js';
import { FakeTranslator } from '../helpers/fake-translator.js';

/** A non-terminal stderr: with progress forced on, cli-progress writes one plain line per redraw. */
function logStream() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  stream.isTTY = false as unknown as true;
  return { stream, lines: () => text.split('\n').map((l) => l.trim()).filter(Boolean) };
}

describe('formatEta', () => {
  it('shows -- until there is a rate, 0s when done, and minutes and hours as such', () => {
    expect(formatEta(0, 10, 0)).toBe('--');
    expect(formatEta(3, 10, Number.NaN)).toBe('--');
    expect(formatEta(3, 10, Number.POSITIVE_INFINITY)).toBe('--');
    expect(formatEta(10, 10, 0)).toBe('0s');
    expect(formatEta(0, 10, 1)).toBe('10s');
    expect(formatEta(0, 185, 1)).toBe('3m05s');
    expect(formatEta(0, 4800, 1)).toBe('1h20m');
  });
});

describe('createProgress', () => {
  it('a translation bar never shows cli-progress placeholders (NULL, INF, LLs, NFs), from the first line to the last', () => {
    const log = logStream();
    const progress = createProgress(true, log.stream, 0);
    const onProgress = progress.translation('translating', 4);
    for (let done = 0; done <= 4; done++) onProgress({ paragraphsDone: done, paragraphsTotal: 4 });
    progress.stop();
    const lines = log.lines();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toMatch(/NULL|INF|LLs|NFs|NaN/);
    expect(lines[0]).toMatch(/ETA --/);
    expect(lines.at(-1)).toMatch(/4\/4 paragraphs .*ETA 0s$/);
  });

  it('the download bar ends at its total (112.6/112.6 MB, not short of it)', () => {
    const log = logStream();
    const progress = createProgress(true, log.stream, 0);
    const download = progress.download();
    const files = [
      { file: 'tokenizer.json', total: 5_685_484 },
      { file: 'onnx/encoder_model_quantized.onnx', total: 49_791_389 },
      { file: 'onnx/decoder_model_merged_quantized.onnx', total: 57_080_167 },
    ];
    download.start(files);
    for (const f of files) {
      for (let loaded = 0; loaded < f.total; loaded += 4_000_000) download.progress({ file: f.file, loaded, total: f.total });
      download.progress({ file: f.file, loaded: f.total, total: f.total });
    }
    // What follows the download (loading the model, a notice) may come before any timer redraw.
    const finalLine = log.lines().at(-1);
    expect(finalLine).toMatch(/112\.6\/112\.6 MB/);
    progress.stop();
    expect(log.lines().filter((l) => l.includes('MB')).at(-1)).toMatch(/112\.6\/112\.6 MB/);
  });

  // cli-progress redraws a non-terminal stream on a timer (every 0 ms here), not on each update.
  const redrawn = () => new Promise((resolve) => setTimeout(resolve, 5));

  it('the download bar goes on past the first file when the other sizes are learnt only as each file opens', async () => {
    const log = logStream();
    const progress = createProgress(true, log.stream, 0);
    const download = progress.download();
    // A mirror states a file's size when it is opened: only the first one's is known at the start.
    download.start([
      { file: 'config.json', total: 1_000_000 },
      { file: 'tokenizer.json', total: undefined },
      { file: 'onnx/encoder_model_quantized.onnx', total: undefined },
    ]);
    download.progress({ file: 'config.json', loaded: 1_000_000, total: 1_000_000 });
    await redrawn();
    download.progress({ file: 'config.json', loaded: 1_000_000, total: 1_000_000 });
    await redrawn();
    download.progress({ file: 'tokenizer.json', loaded: 0, total: 2_000_000 });
    await redrawn();
    download.progress({ file: 'tokenizer.json', loaded: 2_000_000, total: 2_000_000 });
    await redrawn();
    download.progress({ file: 'tokenizer.json', loaded: 2_000_000, total: 2_000_000 });
    await redrawn();
    // A server that sends no size: counted as it arrives, its size stated once it is whole.
    download.progress({ file: 'onnx/encoder_model_quantized.onnx', loaded: 0, total: undefined });
    await redrawn();
    download.progress({ file: 'onnx/encoder_model_quantized.onnx', loaded: 4_000_000, total: undefined });
    await redrawn();
    expect(log.lines().at(-1)).toMatch(/7\.0\/7\.0 MB \| onnx\/encoder_model_quantized\.onnx/);
    download.progress({ file: 'onnx/encoder_model_quantized.onnx', loaded: 4_000_000, total: 4_000_000 });
    await redrawn();
    const lines = log.lines();
    expect(lines.some((l) => /3\.0\/3\.0 MB \| tokenizer\.json/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/7\.0\/7\.0 MB/);
    // Ended there: nothing is drawn after the last file is whole.
    download.progress({ file: 'onnx/encoder_model_quantized.onnx', loaded: 4_000_000, total: 4_000_000 });
    await redrawn();
    progress.stop();
    expect(log.lines()).toEqual(lines);
  });
});

describe('the translate command on a terminal', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-progress-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * `printf … | da2en - …` with stdout and stderr on the terminal: what each received. With
   * `stderrDevice`, standard error's descriptor is open on that device (a terminal's stand-in).
   */
  async function onTerminal(args: string[], stderrDevice?: string) {
    const terminal = () => Object.assign(new PassThrough(), { isTTY: true, columns: 80 }) as unknown as NodeJS.WriteStream;
    const stdout = terminal();
    const stderr = terminal();
    const fd = stderrDevice !== undefined ? openSync(stderrDevice, 'w') : undefined;
    if (fd !== undefined) Object.assign(stderr, { fd });
    const text = { stdout: '', stderr: '' };
    stdout.on('data', (c: Buffer) => (text.stdout += c.toString()));
    stderr.on('data', (c: Buffer) => (text.stderr += c.toString()));
    const code = await main(['-', '--model', dir, '--offline', '--no-cache', ...args], {
      stdout,
      stderr,
      stdin: Readable.from([Buffer.from('Hej verden. Det er en god dag.\n\nEn to.\n')]),
      loadTranslator: async () => new FakeTranslator(),
    }).finally(() => fd !== undefined && closeSync(fd));
    return { code, ...text };
  }

  it('draws no bar over an output written to that terminal (it would garble the text)', async () => {
    const run = await onTerminal(['--format', 'txt']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Hej verden.');
    expect(run.stderr).not.toContain('translating');
  });

  it('draws one while the output goes to a file', async () => {
    const run = await onTerminal(['--format', 'txt', '--out-dir', path.join(dir, 'out')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('translating');
  });

  it('draws none over an output file that is the terminal standard error is on (-o /dev/stdout, -o /dev/pts/N), one over another device', async () => {
    const same = await onTerminal(['--format', 'txt', '-o', '/dev/null'], '/dev/null');
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).not.toContain('translating');
    const other = await onTerminal(['--format', 'txt', '-o', '/dev/zero'], '/dev/null');
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toContain('translating');
  });

  it('/dev/tty is the process\'s own terminal, whatever terminal standard error is on', async () => {
    const fd = openSync('/dev/null', 'w');
    try {
      expect(await writesToTerminal('/dev/tty', fd)).toBe(existsSync('/dev/tty'));
      expect(await writesToTerminal(path.join(dir, 'a-file.txt'), fd)).toBe(false);
    } finally {
      closeSync(fd);
    }
  });
});
