/**
 * The reading page's script, served as /assets/page.js (a string here: the project compiles without
 * the DOM library, and `tsc` copies no other files into dist). It posts the input to /v1/articles
 * asking for NDJSON and adds one pair per `paragraph` event, with the same markup as the HTML output
 * (src/rendering/html.ts renderPair). What reading the input found and fixed (the events'
 * `notices`: Windows-1252 detected, NULs removed) is listed under the status line. Every text goes
 * in through textContent.
 */
export const PAGE_SCRIPT = String.raw`'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const form = $('form'), text = $('text'), url = $('url'), key = $('key'), status = $('status');
  const pairs = $('pairs'), go = $('go'), stop = $('stop'), dlHtml = $('dl-html'), dlMd = $('dl-md');
  const notices = $('notices'), encoding = $('encoding');
  let controller = null;
  let files = {};
  let baseName = 'article';

  fetch('/frontend/settings').then((r) => r.json()).then((s) => {
    if (s.keyRequired) $('key-row').classList.remove('hidden');
  }).catch(() => {});

  function setStatus(message, isError) {
    status.textContent = message;
    status.classList.toggle('error', !!isError);
  }

  /** The answer's notices, one item each (none: the list is hidden). */
  function showNotices(list) {
    notices.replaceChildren(...(list || []).map((n) => el('li', '', String(n))));
    notices.classList.toggle('hidden', notices.children.length === 0);
  }

  function headingLevel(prefix) {
    const m = /^(#{1,6})\s$/.exec(prefix || '');
    return m ? m[1].length : 0;
  }

  function shown(p, text) {
    let t = text;
    if (t.trim() !== '' && p.prefix && !t.startsWith(p.prefix)) t = p.prefix + t;
    if (t.trim() === '') t = '';
    if (p.kind === 'heading' && headingLevel(p.prefix) > 0 && t.startsWith(p.prefix)) t = t.slice(p.prefix.length);
    return t;
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** A text block takes its direction from its first strong letter, as in the HTML output: an Arabic or Hebrew quote reads right to left. */
  function textBlock(tag, text) {
    const e = el(tag, 'text', text);
    e.dir = 'auto';
    return e;
  }

  function pairOf(p) {
    const level = headingLevel(p.prefix);
    const section = el('section', 'pair kind-' + p.kind + (p.kind === 'heading' ? ' level-' + (level || 2) : ''));
    section.id = 'p' + (p.index + 1);
    const tag = p.kind === 'heading' ? 'h' + Math.min(6, (level || 1) + 1) : p.kind === 'quote' ? 'blockquote' : 'p';
    const da = el('div', 'cell da');
    da.lang = 'da';
    da.appendChild(textBlock(tag, shown(p, p.source)));
    const en = el('div', 'cell en');
    en.lang = 'en';
    const target = shown(p, p.target);
    en.appendChild(target === '' ? el('p', 'text empty', '(no translation)') : textBlock(tag, target));
    if (p.qa && p.qa.length) {
      const details = el('details', 'qa');
      const summary = el('summary', '', p.qa.length === 1 ? '1 QA note' : p.qa.length + ' QA notes');
      summary.title = p.qa.map((f) => f.kind + ': ' + f.message).join('\n');
      details.appendChild(summary);
      const ul = el('ul');
      for (const f of p.qa) {
        const li = el('li');
        li.appendChild(el('strong', '', f.kind));
        li.appendChild(document.createTextNode(': ' + f.message));
        ul.appendChild(li);
      }
      details.appendChild(ul);
      en.appendChild(details);
    }
    section.appendChild(da);
    section.appendChild(en);
    return section;
  }

  function clearPairs() {
    for (const s of Array.from(pairs.querySelectorAll('section.pair'))) s.remove();
  }

  function download(format) {
    const body = files[format];
    if (body === undefined) return;
    const type = format === 'html' ? 'text/html' : 'text/markdown';
    const a = el('a');
    a.href = URL.createObjectURL(new Blob([body], { type: type + ';charset=utf-8' }));
    a.download = baseName + '.da-en.' + format;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }
  dlHtml.addEventListener('click', () => download('html'));
  dlMd.addEventListener('click', () => download('md'));
  stop.addEventListener('click', () => { if (controller) controller.abort(); });

  function handle(event, total) {
    if (event.event === 'start') {
      total.count = event.paragraphs;
      $('source-title').textContent = event.title && event.title.source || '';
      setStatus('Translating ' + event.paragraphs + ' paragraphs…');
      showNotices(event.notices);
    } else if (event.event === 'paragraph') {
      pairs.appendChild(pairOf(event.paragraph));
      total.done++;
      setStatus('Translated ' + total.done + ' of ' + total.count + ' paragraphs…');
    } else if (event.event === 'done') {
      const doc = event.document;
      clearPairs();
      for (const p of doc.paragraphs) pairs.appendChild(pairOf(p));
      $('title').textContent = doc.title.target || doc.title.source || 'Translation';
      $('source-title').textContent = doc.title.source || '';
      baseName = (doc.title.target || 'article').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'article';
      files = event.files || {};
      dlHtml.disabled = files.html === undefined;
      dlMd.disabled = files.md === undefined;
      const flagged = doc.qa ? doc.qa.paragraphsFlagged : 0;
      setStatus('Done: ' + doc.paragraphs.length + ' paragraphs in ' + (doc.timings.totalMs / 1000).toFixed(1) + ' s' + (flagged ? ', ' + flagged + ' with QA notes' : '') + '.');
      showNotices(event.notices);
      pairs.dataset.state = 'done';
    } else if (event.event === 'error') {
      setStatus(event.error, true);
      pairs.dataset.state = 'error';
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { render: ['html', 'md'] };
    if (url.value.trim() !== '') {
      body.url = url.value.trim();
      // The advice of the Windows-1252 notice; the pasted text is text already (the API refuses it there).
      if (encoding.value !== 'auto') body.encoding = encoding.value;
    }
    else if (text.value.trim() !== '') body.text = text.value;
    else { setStatus('Paste some Danish text or give an address first.', true); return; }
    if (key.value) body.api_key = key.value;
    clearPairs();
    showNotices([]);
    files = {};
    dlHtml.disabled = dlMd.disabled = true;
    pairs.classList.remove('hidden');
    pairs.dataset.state = 'running';
    go.disabled = true;
    stop.disabled = false;
    controller = new AbortController();
    setStatus('Sending…');
    const total = { count: 0, done: 0 };
    try {
      const response = await fetch('/v1/articles', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      if (!response.ok) {
        let message = 'The server answered ' + response.status;
        try { message = (await response.json()).error || message; } catch (_) {}
        setStatus(message, true);
        pairs.dataset.state = 'error';
        return;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let nl;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim() !== '') handle(JSON.parse(line), total);
        }
      }
    } catch (err) {
      setStatus(err && err.name === 'AbortError' ? 'Stopped.' : 'Connection failed: ' + (err && err.message), err && err.name !== 'AbortError');
      pairs.dataset.state = 'stopped';
    } finally {
      go.disabled = false;
      stop.disabled = true;
      controller = null;
    }
  });
})();
`;
