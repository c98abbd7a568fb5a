/**
 * The CLI exactly as shipped, in its own process, but with the FakeTranslator (LongRunFakeTranslator)
 * in place of the model: for tests of what the CLI itself does with a large input (reading,
 * progress, writing, memory), where the model would only add hours. Prints the process's peak
 * RSS as a last stderr line, `peak-rss-kb=N` (tools/report-rss.mjs).
 */
import '../../tools/report-rss.mjs';
import { main } from '../../src/cli/main.js';
import { LongRunFakeTranslator } from './large-article.js';

process.exitCode = await main(process.argv.slice(2), { loadTranslator: async () => new LongRunFakeTranslator() });
