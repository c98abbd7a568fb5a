/**
 * The reading page at `/`: paste Danish text (or a URL), read the translation side by side as it
 * arrives, download the HTML or Markdown file. It looks like the HTML output because it uses the
 * same stylesheet and the same markup for a pair. Its script and style are files from this server
 * (CSP: nothing else may load or run); the script builds every node with textContent, so nothing
 * from a translated text can become markup.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HTML_STYLES } from '../rendering/html.js';
import type { ServerContext } from './context.js';
import { PAGE_SCRIPT } from './page-script.js';

export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'none'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PAGE_STYLES = `${HTML_STYLES}
form.input { display: grid; gap: .6rem; margin: 0 0 1rem; }
form.input label { font-size: .8rem; font-weight: 600; color: var(--muted); }
form.input textarea, form.input input, form.input select { width: 100%; font: inherit; padding: .5rem .6rem; color: var(--fg);
  background: var(--bg); border: 1px solid var(--rule); border-radius: .4rem; }
form.input textarea { min-height: 9rem; resize: vertical; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.actions button { font: inherit; padding: .4rem .9rem; border-radius: .4rem; border: 1px solid var(--rule);
  background: var(--bg); color: var(--fg); cursor: pointer; }
.actions button.primary { background: #2f6f9f; border-color: #2f6f9f; color: #fff; }
.actions button:disabled { opacity: .5; cursor: default; }
#status { font-size: .85rem; color: var(--muted); min-height: 1.2em; margin: 0; }
#status.error { color: #b3261e; }
#notices { font-size: .85rem; color: var(--muted); margin: 0; padding-left: 1.2rem; }
.hidden { display: none !important; }
`;

function page(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>da2en — Danish to English, side by side</title>
<link rel="stylesheet" href="/assets/page.css">
<script src="/assets/page.js" defer></script>
</head>
<body>
<header class="doc">
<h1 id="title">da2en — Danish to English, side by side</h1>
<p class="source-title" id="source-title" lang="da"></p>
</header>
<form class="input" id="form">
<label for="text">Danish text (the first line is the title)</label>
<textarea id="text" name="text" lang="da" spellcheck="false" placeholder="Indsæt en dansk artikel her…"></textarea>
<label for="url">…or the address of a Danish web page (or of a text or Markdown file)</label>
<input id="url" name="url" type="url" placeholder="https://…" autocomplete="off">
<label for="encoding">Its encoding (the API's "encoding" field), where it does not say or says wrongly</label>
<select id="encoding" name="encoding">
<option value="auto" selected>auto: as it says, else UTF-8, or Windows-1252 detected</option>
<option value="utf8">UTF-8</option>
<option value="cp1252">Windows-1252 (Latin-1)</option>
<option value="utf16le">UTF-16LE</option>
<option value="utf16be">UTF-16BE</option>
</select>
<div id="key-row" class="hidden"><label for="key">API key</label><input id="key" name="key" type="password" autocomplete="off"></div>
<div class="actions">
<button type="submit" class="primary" id="go">Translate</button>
<button type="button" id="stop" disabled>Stop</button>
<button type="button" id="dl-html" disabled>Download HTML</button>
<button type="button" id="dl-md" disabled>Download Markdown</button>
</div>
<p id="status" role="status" aria-live="polite"></p>
<ul id="notices" class="hidden" aria-label="What reading the input found and fixed"></ul>
</form>
<main class="pairs hidden" id="pairs" aria-live="polite">
<div class="colhead" lang="da">Dansk</div><div class="colhead">English</div>
</main>
<footer class="doc">Machine translation by da2en, on this computer. Check important details against the Danish original.</footer>
</body>
</html>
`;
}

// X-Content-Type-Options comes with every answer (the app's onSend hook).
function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('Content-Security-Policy', PAGE_CSP)
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Frame-Options', 'DENY')
    .header('Cache-Control', 'no-cache');
}

export function pageRoutes(app: FastifyInstance, _ctx: ServerContext): void {
  const html = page();
  app.get('/', async (_request, reply) => securityHeaders(reply).type('text/html; charset=utf-8').send(html));
  app.get('/assets/page.css', async (_request, reply) => securityHeaders(reply).type('text/css; charset=utf-8').send(PAGE_STYLES));
  app.get('/assets/page.js', async (_request, reply) => securityHeaders(reply).type('text/javascript; charset=utf-8').send(PAGE_SCRIPT));
}
