/**
 * The public API: `src/index.ts` exports exactly what the README's "As a library" table lists, and
 * its types hold (the `expectTypeOf` assertions are checked by `npm run typecheck`, which CI runs).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as api from '../../src/index.js';
import type {
  BilingualDocument,
  BilingualParagraph,
  DocumentFrame,
  EngineOptions,
  ErrorKind,
  OutputFormat,
  PipelineStats,
  StreamedTranslation,
  StreamResult,
  TokenBudget,
  TranslateArticleOptions,
  TranslatedArticle,
  Translator,
} from '../../src/index.js';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

/** The names in the second column of the README's export table. */
function documentedExports(): string[] {
  const section = readme.slice(readme.indexOf('### As a library'), readme.indexOf('### Quality and evaluation'));
  const rows = section.split('\n').filter((l) => /^\| [^-|][^|]* \| `/.test(l));
  return rows.flatMap((row) => [...row.split('|')[2]!.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]!)).sort();
}

describe('public API', () => {
  it('exports exactly the values the README lists', () => {
    const documented = documentedExports();
    expect(documented.length).toBeGreaterThan(20);
    expect(Object.keys(api).sort()).toEqual(documented);
  });

  it('has the types it promises', () => {
    expectTypeOf(api.translateArticle).parameters.toEqualTypeOf<[text: string, options?: TranslateArticleOptions]>();
    expectTypeOf(api.translateArticle).returns.resolves.toEqualTypeOf<BilingualDocument>();
    expectTypeOf(api.translateArticleWithStats).returns.resolves.toEqualTypeOf<TranslatedArticle>();
    expectTypeOf<TranslatedArticle['stats']>().toEqualTypeOf<PipelineStats>();
    expectTypeOf<TranslateArticleOptions>().toMatchTypeOf<EngineOptions>();
    expectTypeOf<TranslateArticleOptions['translator']>().toEqualTypeOf<Translator | undefined>();
    // One path: the stream yields the paragraphs and a frame; a document is the two together.
    expectTypeOf(api.translateParagraphStream).returns.toEqualTypeOf<StreamedTranslation>();
    expectTypeOf<StreamedTranslation>().toMatchTypeOf<AsyncIterable<BilingualParagraph>>();
    expectTypeOf<StreamResult['frame']>().toEqualTypeOf<DocumentFrame>();
    expectTypeOf<Translator>().toMatchTypeOf<TokenBudget>();
    expectTypeOf(api.render).parameters.toEqualTypeOf<[format: OutputFormat, doc: BilingualDocument]>();
    expectTypeOf(api.render).returns.toEqualTypeOf<string>();
    expectTypeOf<InstanceType<typeof api.Da2enError>['kind']>().toEqualTypeOf<ErrorKind>();
    expectTypeOf<ErrorKind>().toEqualTypeOf<
      | 'usage'
      | 'input'
      | 'storage'
      | 'output'
      | 'model-missing'
      | 'model-corrupt'
      | 'network'
      | 'interrupted'
      | 'no-article'
      | 'fetch-dns'
      | 'fetch-refused'
      | 'fetch-not-found'
      | 'fetch-server-error'
      | 'fetch-http-status'
      | 'fetch-not-html'
      | 'fetch-too-big'
      | 'fetch-timeout'
      | 'fetch-redirects'
      | 'fetch-address-refused'
      | 'fetch-connection'
    >();
    expectTypeOf<(typeof api.ERROR_KINDS)[number]>().toEqualTypeOf<ErrorKind>();
  });

  it('errors carry their kind and cause at run time too', () => {
    const cause = new Error('inner');
    const err = new api.Da2enError('network', 'outer', { cause });
    expect(api.isDa2enError(err, 'network')).toBe(true);
    expect(err.cause).toBe(cause);
    expect(api.ERROR_KINDS).toContain(err.kind);
  });
});
