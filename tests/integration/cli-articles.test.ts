/**
 * The CLI on articles as people find them: URLs (served by the loopback news server), saved web
 * pages and Markdown, through the real engine (the builder's tiny model: its English is
 * nonsense, but structure, order and pairing are what is checked here).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Heading, ListItem, Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BilingualJson } from '../../src/rendering/json.js';
import { builtModel } from '../../tools/builder-models.js';
import { page, startNewsServer, type NewsServer } from '../helpers/news-server.js';
import { runCli } from '../helpers/run-cli.js';

let model: string;
let dir: string;
let server: NewsServer;

beforeAll(async () => {
  model = await builtModel('tiny');
  dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-articles-'));
  server = await startNewsServer();
});
afterAll(async () => {
  await server.close();
});

async function translate(input: string, extra: string[] = ['--format', 'json,html,md']) {
  const out = mkdtempSync(path.join(dir, 'out-'));
  const result = await runCli([input, '--model', model, '--offline', '--no-cache', '--quiet', '--out-dir', out, ...extra]);
  const files = readdirSync(out).sort();
  const read = (ext: string) => readFileSync(path.join(out, files.find((f) => f.endsWith(ext))!), 'utf8');
  return { ...result, out, files, read };
}

function walk(node: Nodes, visit: (n: Nodes) => void): void {
  visit(node);
  if ('children' in node) for (const c of node.children as Nodes[]) walk(c, visit);
}

describe('a URL', () => {
  it('is fetched, its article extracted and translated block by block, structure kept in JSON, HTML and Markdown', async () => {
    const url = `${server.url}/nyheder/storm`;
    const r = await translate(url);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.files).toEqual(['storm.da-en.html', 'storm.da-en.json', 'storm.da-en.md']);

    const json = JSON.parse(r.read('.json')) as BilingualJson;
    expect(json.metadata).toMatchObject({
      source: url,
      inputFormat: 'url',
      url,
      pageTitle: 'Storm lukker færgeruter til Bornholm | Nyheder | DR-lignende',
      byline: 'Mette Holm, Jonas Krag',
      published: '2026-01-14T06:12:00+01:00',
      siteName: 'Nyhedsradioen',
    });
    expect(Date.parse(json.metadata.fetchedAt!)).toBeGreaterThan(Date.now() - 600_000);
    expect(json.title.source).toBe('Storm lukker færgeruter til Bornholm');
    // One paragraph per extracted block, in order, each with its kind, level and list.
    expect(json.paragraphs.map((p) => [p.kind, p.level ?? p.list?.depth ?? null])).toEqual([
      ['heading', 1], ['text', null], ['byline', null], ['text', null], ['text', null], ['caption', null], ['heading', 2], ['text', null],
      ['list-item', 1], ['list-item', 1], ['list-item', 1], ['heading', 2], ['text', null], ['quote', null], ['text', null],
    ]);
    expect(json.paragraphs.every((p, i) => p.index === i && p.target !== '' && p.structured === true)).toBe(true);
    expect(json.paragraphs[4]!.links).toEqual([{ text: 'Lars Møller', href: `${server.url}/profil/lars-moeller` }]);

    const html = r.read('.html');
    expect(html).toContain(`<meta name="dcterms.source" content="${url}">`);
    expect(html).toContain('<meta name="author" content="Mette Holm, Jonas Krag">');
    expect(html).toMatch(/<dt>Published<\/dt><dd>2026-01-14T06:12:00\+01:00<\/dd>/);
    expect(html.match(/<section class="pair kind-heading level-2"/g)).toHaveLength(2);
    // The page's <h2> stays <h2> in both columns (it once came out as <h3>).
    expect(html.match(/<h2 class="text" dir="auto">/g)).toHaveLength(4);
    expect(html).not.toMatch(/<h[3-6]\b/);
    expect(html.match(/<section class="pair kind-list-item"/g)).toHaveLength(3);
    expect(html.match(/<ul class="text" dir="auto"><li>/g)).toHaveLength(6); // both columns
    expect(html.match(/<blockquote class="text" dir="auto">/g)).toHaveLength(2);
    expect(html).not.toContain('HIJACKED'); // the page's own script is gone, not shown, not run
    expect(html).not.toMatch(/cdn\.example\.invalid|images\.example\.invalid/);

    const md = fromMarkdown(r.read('.md')) as Root;
    const headings: [number, string][] = [];
    let items = 0;
    let quotes = 0;
    walk(md, (n) => {
      if (n.type === 'heading') headings.push([(n as Heading).depth, (n as Heading).children.map((c) => ('value' in c ? c.value : '')).join('')]);
      if (n.type === 'listItem') items += (n as ListItem).children.filter((c) => c.type === 'paragraph').length === 2 ? 1 : 0;
      if (n.type === 'blockquote') quotes++;
    });
    expect(headings.map(([d]) => d)).toEqual([1, 1, 2, 2, 2, 2]); // each heading in both languages, at its level
    expect(headings[0]![1]).toBe('Storm lukker færgeruter til Bornholm');
    expect(items).toBe(3); // each list item holds its Danish and its English paragraph
    expect(quotes).toBe(2);
  });

  it('in Windows-1252, gzip-compressed, and after redirects', async () => {
    for (const route of ['/debat/traeer', '/arkiv/traeer', '/indland/laerere', '/kort']) {
      const r = await translate(`${server.url}${route}`, ['--format', 'json']);
      expect(r.code, route).toBe(0);
      const json = JSON.parse(r.read('.json')) as BilingualJson;
      expect(json.paragraphs.length).toBeGreaterThan(5);
      expect(JSON.stringify(json)).not.toMatch(/\\u00[89][0-9a-f]|\ufffd/);
    }
  });

  it('with credentials in it: no message and no output carries them; links resolve without them', async () => {
    const secret = 'hemmelig-kode';
    const at = (route: string, password = secret) => `${server.url.replace('://', `://ana:${password}@`)}${route}`;
    // Redirected by a relative Location: the credentials would go along to the final URL.
    const r = await translate(at('/gammel/storm'));
    expect(r.code, r.stderr).toBe(0);
    for (const file of r.files) expect(readFileSync(path.join(r.out, file), 'utf8'), file).not.toContain(secret);
    const json = JSON.parse(r.read('.json')) as BilingualJson;
    expect(json.metadata).toMatchObject({ source: at('/gammel/storm', '***'), url: at('/gammel/storm', '***'), finalUrl: at('/nyheder/storm', '***') });
    expect(JSON.stringify(json)).toContain(`"href":"${server.url}/profil/lars-moeller"`);
    // Every kind of failure line names the URL as given, the password hidden.
    for (const route of ['/findes-ikke', '/loop-a', '/forside']) {
      const failed = await translate(at(route), ['--format', 'json']);
      expect(failed.stderr, route).toContain(`da2en: ${at(route, '***')}: `);
      expect(failed.stderr, route).not.toContain(secret);
    }
    const unparsable = await translate(`http://ana:${secret}@`, ['--format', 'json']);
    expect(unparsable.stderr).toBe('da2en: http://***@: not a valid URL\n');
  });

  it('of a page in English gets the same notice as English text', async () => {
    const out = mkdtempSync(path.join(dir, 'out-'));
    const r = await runCli([`${server.url}/english`, '--model', model, '--offline', '--no-cache', '--format', 'json', '--out-dir', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/looks like en, not Danish; translated anyway/);
  });
});

describe('URL failures: one line, their own exit code, no output', () => {
  const cases: [string, string, number, RegExp][] = [
    ['404', '/findes-ikke', 22, /page not found \(HTTP 404\)/],
    ['503', '/fejl', 23, /server failed \(HTTP 503\)/],
    ['403', '/forbudt', 24, /refused the page \(HTTP 403\)/],
    ['PDF', '/rapport.pdf', 25, /application\/pdf, not an HTML page/],
    ['10 MB', '/stor', 26, /larger than 8 MiB/],
    ['slow', '/langsom', 27, /no complete answer within the time limit/],
    ['redirect loop', '/loop-a', 28, /redirect loop/],
    ['no article', '/forside', 7, /no article text found in the page; to translate all of its text, pass --input-format text/],
  ];
  for (const [name, route, code, message] of cases) {
    it(name, async () => {
      const r = await translate(`${server.url}${route}`, ['--format', 'json', '--fetch-timeout', '1']);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.files).toEqual([]);
    });
  }
  it('a --fetch-timeout with decimals is used as given (2.01 s is 2009.999… ms, which timers refuse)', async () => {
    for (const seconds of ['2.01', '8.12', '0.0001']) {
      const r = await translate(`${server.url}/findes-ikke`, ['--format', 'json', '--fetch-timeout', seconds]);
      // A tenth of a millisecond may run out before the 404 arrives: either is the fetch's own answer.
      expect(seconds === '0.0001' ? [22, 27] : [22], `${seconds}: ${r.stderr}`).toContain(r.code);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
  it('no article: the hint works for a URL (--input-format text: all of the page\'s text); --input-format md is refused', async () => {
    const url = `${server.url}/forside`;
    const whole = await translate(url, ['--format', 'json', '--input-format', 'text']);
    expect(whole.stderr).toBe('');
    expect(whole.code).toBe(0);
    const json = JSON.parse(whole.read('.json')) as BilingualJson;
    expect(json.metadata).toMatchObject({ inputFormat: 'url', url });
    expect(json.title.source).toBe('Forside – Nyheder');
    expect(json.paragraphs.map((p) => p.source)).toEqual(['Forside – Nyheder', 'Forside Indland Sport', 'Storm lukker færger', 'Ny lærerløn', 'Vejret: sol i weekenden', '© Nyheder']);
    const html = await translate(url, ['--format', 'json', '--input-format', 'html']);
    expect([html.code, html.stderr.trim()]).toEqual([7, `da2en: ${url}: no article text found in the page; to translate all of its text, pass --input-format text`]);
    const md = await translate(url, ['--format', 'json', '--input-format', 'md']);
    expect(md.code).toBe(2);
    expect(md.stderr).toMatch(/the server sent an HTML page, which is read as a web page, not as Markdown; leave out --input-format md/);
    expect(md.files).toEqual([]);
  });

  it('DNS and refused', async () => {
    const dns = await translate('http://nyheder.da2en-test.invalid/x', ['--format', 'json']);
    expect([dns.code, dns.stderr.trim().split('\n').length]).toEqual([20, 1]);
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((res) => probe.listen(0, '127.0.0.1', res));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((res) => probe.close(() => res()));
    const refused = await translate(`http://127.0.0.1:${port}/x`, ['--format', 'json']);
    expect(refused.code).toBe(21);
    expect(refused.stderr).toMatch(/connection refused/);
  });
});

describe('saved pages and Markdown files', () => {
  it('a saved page is read as a web page by its extension or by its first bytes; --input-format text reads it as text', async () => {
    for (const name of ['saved.html', 'saved-page']) {
      const file = path.join(dir, name);
      writeFileSync(file, page('tv2-like.html'));
      const r = await translate(file, ['--format', 'json']);
      expect(r.code).toBe(0);
      const json = JSON.parse(r.read('.json')) as BilingualJson;
      expect(json.metadata.inputFormat).toBe('html');
      expect(json.title.source).toBe('Rekordmange vil være lærere');
      expect(json.paragraphs.filter((p) => p.kind === 'list-item').map((p) => p.list)).toEqual([
        { ordered: true, number: 1, depth: 1 },
        { ordered: true, number: 2, depth: 1 },
        { ordered: true, number: 3, depth: 1 },
      ]);
    }
    const front = path.join(dir, 'forside.html');
    writeFileSync(front, page('front-page.html'));
    const bad = await translate(front, ['--format', 'json']);
    expect(bad.code).toBe(7);
    expect(bad.stderr).toMatch(/--input-format text/);
    const asText = await translate(front, ['--format', 'json', '--input-format', 'text']);
    expect(asText.code).toBe(0);
    expect(JSON.parse(asText.read('.json')).paragraphs[0].source).toMatch(/^<!DOCTYPE html>/);
  });

  it('Markdown footnotes: their text is translated in every output, labels and references kept', async () => {
    // The footnote's text was dropped from every output, and "[^1]" from the sentence.
    const file = path.join(dir, 'fodnote.md');
    writeFileSync(file, '# Titel\n\nFodnote her[^1]. Mere tekst følger.\n\n[^1]: Fodnoten forklarer.\n');
    const r = await translate(file, ['--format', 'json,html,md,txt,en']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.read('.json')) as BilingualJson;
    const [, text, note] = json.paragraphs;
    expect(text!.source).toBe('Fodnote her[^1]. Mere tekst følger.');
    expect(text!.target).toContain('[^1].');
    expect(note).toMatchObject({ kind: 'text', prefix: '[^1]: ', source: '[^1]: Fodnoten forklarer.' });
    expect(note!.target).toMatch(/^\[\^1\]: \S/);

    const html = r.read('.html').replace(/<span class="s" data-s="\d+-\d+" tabindex="0">([^<]*)<\/span>/g, '$1');
    expect(html).toContain('<div class="cell da" lang="da"><p class="text" dir="auto">Fodnote her[^1]. Mere tekst følger.</p>');
    expect(html).toContain('<div class="cell da" lang="da"><p class="text" dir="auto">[^1]: Fodnoten forklarer.</p>');
    expect(html).toMatch(/<div class="cell en" lang="en"><p class="text" dir="auto">[^<]*\[\^1\]\.[^<]*<\/p>/);
    expect(html).toMatch(/<div class="cell en" lang="en"><p class="text" dir="auto">\[\^1\]: \S/);

    // Markdown: GFM footnotes a reader can follow (was "\\[^1\\]", text): the references link in both
    // columns, and the one definition holds the Danish note and its English, so no label is defined twice.
    const md = r.read('.md');
    expect(md).toContain('\nFodnote her[^1]. Mere tekst følger.\n\n');
    expect(md).toMatch(/\n\[\^1\]: Fodnoten forklarer\.\n\n {4}\S/);
    const tree = fromMarkdown(md, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }) as Root;
    const references: string[] = [];
    const definitions: string[] = [];
    walk(tree, (n) => {
      if (n.type === 'footnoteReference') references.push(n.identifier);
      if (n.type === 'footnoteDefinition') definitions.push(n.identifier);
    });
    expect(references).toEqual(['1', '1']); // the Danish sentence and its English
    expect(definitions).toEqual(['1']);

    expect(r.read('.da-en.txt')).toMatch(/\n\[\^1\]: Fodnoten forklarer\.\n\[\^1\]: \S/);
    expect(r.read('.en.txt')).toMatch(/\n\[\^1\]: \S/);
  });

  it('Markdown footnotes of several blocks: every block is translated and stays in its note in every output', async () => {
    // All but a note's first paragraph left the note (in Markdown they stood in the article's text),
    // and a note that opened with a list lost its label, so its reference led nowhere.
    const file = path.join(dir, 'lange-noter.md');
    writeFileSync(file, 'Tekst[^1] og[^2].\n\n[^1]: Første afsnit.\n\n    Andet afsnit.\n\n    - punkt en\n\n[^2]:\n    - liste først\n\nSlut her.\n');
    const r = await translate(file, ['--format', 'json,html,md,txt,en']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.read('.json')) as BilingualJson;
    expect(json.paragraphs.map((p) => [p.footnote, p.source])).toEqual([
      [undefined, 'Tekst[^1] og[^2].'],
      ['1', '[^1]: Første afsnit.'],
      ['1', 'Andet afsnit.'],
      ['1', 'punkt en'],
      ['2', 'liste først'],
      [undefined, 'Slut her.'],
    ]);
    const english = json.paragraphs.map((p) => p.target);
    for (const en of english) expect(en.trim()).not.toBe('');

    const tree = fromMarkdown(r.read('.md'), { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }) as Root;
    const definitions = tree.children.flatMap((n) => (n.type === 'footnoteDefinition' ? [[n.identifier, n.children.map((c) => c.type)]] : []));
    // Each Danish block followed by its English (a list item: the English as its second paragraph).
    expect(definitions).toEqual([
      ['1', ['paragraph', 'paragraph', 'paragraph', 'paragraph', 'list']],
      ['2', ['list']],
    ]);
    const items = tree.children.flatMap((n) => (n.type === 'footnoteDefinition' ? n.children.filter((c) => c.type === 'list').flatMap((l) => l.children) : []));
    expect(items.map((i) => i.children.length)).toEqual([2, 2]);

    const html = r.read('.html').replace(/<span class="s" data-s="\d+-\d+" tabindex="0">([^<]*)<\/span>/g, '$1');
    expect(html).toContain('<section class="pair kind-text in-note" id="p3"><div class="cell da" lang="da"><p class="text" dir="auto">Andet afsnit.</p>');
    expect(html).toContain('<section class="pair kind-list-item in-note" id="p5"><div class="cell da" lang="da"><p class="text note-label">[^2]:</p>');
    expect(r.read('.da-en.txt')).toContain('\n\n    Andet afsnit.\n    ');
    expect(r.read('.da-en.txt')).toContain('\n\n[^2]:\n    - liste først\n    - ');
    expect(r.read('.en.txt')).toContain('\n\n[^2]:\n    - ');
  });

  it('Markdown in, bilingual Markdown out: headings, lists, quotes kept, code untouched', async () => {
    const file = path.join(dir, 'noter.md');
    writeFileSync(file, '# Havnebadet åbner\n\n1\\. maj åbner **badet** i år.\n\n## Priser\n\n1. Voksne: 40 kr.\n2. Børn: gratis\n\n> Vandet er varmt, siger livredderen.\n\n```sh\nda2en noter.md   # ikke oversat\n```\n');
    const out = path.join(dir, 'noter.da-en.md');
    const r = await runCli([file, '--model', model, '--offline', '--no-cache', '--quiet', '-o', out]);
    expect(r.code).toBe(0);
    // The QA notes (the tiny model drops numbers) follow the article; its structure is what comes before.
    const [text = '', qaNotes] = readFileSync(out, 'utf8').split('\n**QA notes**');
    if (qaNotes !== undefined) expect(qaNotes).toMatch(/^ \(check these against the Danish\)\n\n- paragraph \d+, /);
    expect(text).toContain('```sh\nda2en noter.md   # ikke oversat\n```');
    expect(text).toContain('\n1\\. maj åbner badet i år.\n'); // text that would start a list stays text
    const tree = fromMarkdown(text) as Root;
    const types = tree.children.map((n) => (n.type === 'heading' ? `h${n.depth}` : n.type === 'list' ? `list${n.ordered ? '-ol' : ''}:${n.children.length}` : n.type));
    expect(types).toEqual(['paragraph', 'h1', 'h1', 'paragraph', 'paragraph', 'h2', 'h2', 'list-ol:2', 'blockquote', 'blockquote', 'code']);
    const code = tree.children.find((n) => n.type === 'code');
    expect(code && 'value' in code ? code.value : '').toBe('da2en noter.md   # ikke oversat');
  });
});
