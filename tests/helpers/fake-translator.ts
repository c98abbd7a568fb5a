import type { Translator, TranslationResult } from '../../src/engine/translator.js';

/**
 * A stand-in engine for pure pipeline tests: "translates" by upper-casing and tagging each input,
 * so a test can tell exactly which source produced which target. It records every call.
 */
export class FakeTranslator implements Translator {
  readonly modelId = 'fake/upper';
  readonly dtype = 'none';
  readonly decoding = { kind: 'fake' };
  readonly maxInputTokens = 512;
  readonly calls: string[][] = [];

  constructor(
    private readonly delayMs: (texts: string[]) => number = () => 0,
    /** Flags to report for a text, as a runaway guard would (none by default). */
    private readonly flagsFor: (text: string) => string[] = () => [],
  ) {}

  countTokens(text: string): number {
    return text.split(/\s+/).filter(Boolean).length + 1;
  }

  async translateBatch(texts: string[], options: { signal?: AbortSignal } = {}): Promise<TranslationResult[]> {
    this.calls.push([...texts]);
    const delay = this.delayMs(texts);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (options.signal?.aborted) throw options.signal.reason;
    return texts.map((t) => ({ text: `EN(${t.toUpperCase()})`, flags: this.flagsFor(t), tokens: this.countTokens(t) }));
  }

  async dispose(): Promise<void> {}
}
