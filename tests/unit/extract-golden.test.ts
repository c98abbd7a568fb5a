/**
 * Golden tests: the article extracted from each of the team's news-like pages
 * (tests/fixtures/pages), block by block — type, heading level, text — exactly; nothing from the
 * navigation, cookie banner, "read also" box, comments, share buttons or footer.
 */
import { describe, expect, it } from 'vitest';
import { extractArticle, NoArticleError, type ArticleBlock } from '../../src/input/index.js';
import { articleTitle } from '../../src/input/html/article-title.js';
import { page } from '../helpers/news-server.js';

type Golden = ([string, string] | [string, number, string])[];

const summary = (b: ArticleBlock): [string, string] | [string, number, string] => (b.level !== undefined ? [b.type, b.level, b.text] : [b.type, b.text]);

const GOLDEN: Record<string, Golden> = {
  'dr-like.html': [
    ['title', 'Storm lukker færgeruter til Bornholm'],
    ['paragraph', 'Stormen Ingrid får rederiet til at aflyse alle afgange mellem Rønne og Ystad i mindst to døgn.'],
    ['byline', 'Af Mette Holm og Jonas Krag 14. jan. 2026 kl. 06.12'],
    ['paragraph', 'Alle færgeafgange mellem Rønne og Ystad er aflyst fra onsdag morgen, fordi stormen Ingrid ventes at give vindstød af orkanstyrke over Østersøen. Rederiet oplyser, at omkring 4.000 passagerer er berørt.'],
    ['paragraph', '– Vi kan ikke sejle sikkert i de bølger, der er varslet, og derfor aflyser vi hellere i god tid, siger driftschef Lars Møller til Nyhedsradioen.'],
    ['caption', 'Færgen ligger til kaj i Rønne, mens vinden tager til. Foto: Anna Berg'],
    ['heading', 2, 'Sådan bliver du berørt'],
    ['paragraph', 'Rederiet kontakter alle passagerer med en billet direkte. Har du spørgsmål, kan du gøre følgende:'],
    ['list-item', 'Tjek din e-mail for en besked om ombooking.'],
    ['list-item', 'Ring til kundeservice, der har udvidet åbningstiden til kl. 22.'],
    ['list-item', 'Følg trafikinformationen på rederiets hjemmeside.'],
    ['heading', 2, 'Flere storme i vente'],
    ['paragraph', 'Ifølge meteorologerne er Ingrid den tredje storm på en måned. Det er usædvanligt mange, men ikke rekordagtigt, fortæller vagthavende meteorolog Sofie Dahl.'],
    ['quote', 'Vi har set vintre med fem eller seks storme, så det her er inden for det normale, selv om det føles voldsomt.'],
    ['paragraph', 'Færgerne ventes at sejle igen fredag morgen, hvis vinden har lagt sig som forventet.'],
  ],
  'tv2-like.html': [
    ['title', 'Rekordmange vil være lærere'],
    ['paragraph', 'Søgningen til læreruddannelsen er steget med 23 procent, og især de mindre byer mærker fremgangen.'],
    ['paragraph', 'Efter flere år med faldende søgning ser det nu ud til at vende for læreruddannelsen. I år har 5.312 søgt ind, mod 4.318 sidste år, viser nye tal fra Uddannelses- og Forskningsministeriet.'],
    ['paragraph', 'Fremgangen er størst i Jelling, Tønder og Haderslev, hvor søgningen er steget med mere end en tredjedel.'],
    ['heading', 3, 'Tre grunde til fremgangen'],
    ['paragraph', 'Rektor på professionshøjskolen Karen Vinther peger på tre forklaringer:'],
    ['list-item', 'Den nye uddannelse har mere praktik fra første semester.'],
    ['list-item', 'Lønnen for nyuddannede lærere steg sidste år.'],
    ['list-item', 'Flere unge vælger at blive i deres egen landsdel.'],
    ['paragraph', 'Danmarks Lærerforening glæder sig over tallene, men advarer mod at tage dem som et tegn på, at lærermanglen er løst. Det vil tage mange år at uddanne nok lærere.'],
    ['paragraph', 'Ministeren vil i foråret fremlægge en plan for, hvordan flere af de studerende gennemfører uddannelsen.'],
  ],
  'politiken-like.html': [
    ['title', 'Byens træer fortjener bedre'],
    ['paragraph', 'Når kommunen fælder de gamle lindetræer, mister vi mere end skygge, skriver Ida Sørensen.'],
    ['byline', 'Ida Sørensen, landskabsarkitekt · 21. maj 2019'],
    ['paragraph', 'Hvert forår står jeg under lindetræerne på Søndre Boulevard og tænker på, hvor heldige vi er. Træerne er over hundrede år gamle, og de giver skygge, ly og fuglesang til tusindvis af mennesker hver dag.'],
    ['paragraph', 'Nu vil kommunen fælde 38 af dem for at gøre plads til en bredere cykelsti. Det er en dårlig idé, og der findes bedre løsninger, som både cyklister og træer kan leve med.'],
    ['heading', 2, '»Det tager hundrede år at gro et træ«'],
    ['paragraph', 'En ny cykelsti kan lægges på få måneder. Et træ som dem på boulevarden tager tre generationer at erstatte. Det regnestykke burde være enkelt for politikerne – men det er det tilsyneladende ikke.'],
    ['quote', 'Vi planter nye træer, der med tiden bliver lige så flotte, har borgmesteren sagt.'],
    ['paragraph', 'Men »med tiden« betyder her år 2120. Så længe kan byens borgere ikke vente på skygge, når somrene bliver varmere.'],
  ],
  'english-like.html': [
    ['title', 'Harbour bath opens early this year'],
    ['paragraph', "The city's harbour bath will open on the first of May this year, two weeks earlier than usual, because the water has already reached fourteen degrees after an unusually warm spring."],
    ['paragraph', 'Lifeguards will be on duty every day from ten in the morning until seven in the evening, and the new sauna on the pier will be free to use during the first week.'],
    ['paragraph', 'The council expects more than two hundred thousand visits over the summer, which would be a new record for the bath since it opened in two thousand and two.'],
  ],
};

const PROVENANCE: Record<string, object> = {
  'dr-like.html': { byline: 'Mette Holm, Jonas Krag', published: '2026-01-14T06:12:00+01:00', siteName: 'Nyhedsradioen', lang: 'da', pageTitle: 'Storm lukker færgeruter til Bornholm | Nyheder | DR-lignende' },
  'tv2-like.html': { byline: 'Peter Lund', published: '2026-03-02T17:45:00Z', siteName: 'Kanal Syd Nyheder', lang: 'da-DK', pageTitle: 'Rekordmange vil være lærere - TV 2-lignende' },
  'politiken-like.html': { byline: 'Ida Sørensen', published: '2019-05-21', lang: 'da', pageTitle: 'Debat: Byens træer fortjener bedre – Politiken-lignende' },
  'english-like.html': { lang: 'en', pageTitle: 'Harbour bath opens early this year' },
};

describe('golden pages', () => {
  for (const [name, golden] of Object.entries(GOLDEN)) {
    it(name, () => {
      const article = extractArticle(page(name), { url: 'https://nyheder.example.dk/artikel' });
      expect(article.blocks.map(summary)).toEqual(golden);
      expect(article.title).toBe(golden[0]![1]);
      expect(article.provenance).toEqual({ url: 'https://nyheder.example.dk/artikel', ...PROVENANCE[name] });
    });
  }

  it('nothing from the page around the article', () => {
    for (const name of Object.keys(GOLDEN)) {
      const text = extractArticle(page(name)).blocks.map((b) => b.text).join('\n');
      for (const noise of ['cookie', 'Accepter', 'Læs også', 'Kommentar', 'Del på', 'Mest læste', 'Annonce', 'Relateret', 'Forside', 'HIJACKED', 'Log ind', 'rettigheder']) {
        expect(text).not.toContain(noise);
      }
    }
  });

  it('list items carry their list: numbered from the start, depth', () => {
    const items = extractArticle(page('tv2-like.html')).blocks.filter((b) => b.type === 'list-item');
    expect(items.map((b) => [b.ordered, b.number, b.depth])).toEqual([[true, 1, 1], [true, 2, 1], [true, 3, 1]]);
  });

  it('a front page of teasers has no article: the error says so and offers --input-format text', () => {
    expect(() => extractArticle(page('front-page.html'), { inputName: 'forside.html' })).toThrow(NoArticleError);
    expect(() => extractArticle(page('front-page.html'), { inputName: 'forside.html' })).toThrow(/forside\.html: no article text found.*; to translate all of its text, use the text input format$/);
  });

  it('the whole page, asked for, is all of its visible text in page order: no article search, no scripts', () => {
    const html = page('front-page.html').replace('<footer>', '<script>alert("x")</script><style>p{}</style><footer>');
    const whole = extractArticle(html, { url: 'https://nyheder.example.dk/', wholePage: true });
    expect(whole.blocks.map((b) => [b.type, b.text])).toEqual([
      ['title', 'Forside – Nyheder'],
      ['paragraph', 'Forside Indland Sport'],
      ['list-item', 'Storm lukker færger'],
      ['list-item', 'Ny lærerløn'],
      ['list-item', 'Vejret: sol i weekenden'],
      ['paragraph', '© Nyheder'],
    ]);
    expect(whole.provenance).toMatchObject({ url: 'https://nyheder.example.dk/', pageTitle: 'Forside – Nyheder', lang: 'da' });
    expect(() => extractArticle('<!DOCTYPE html><html><body><script>x()</script></body></html>', { inputName: 'tom.html', wholePage: true })).toThrow(/^tom\.html: no visible text in the page/);
  });
});

describe('HTML → blocks mapping', () => {
  const body = (inner: string) =>
    `<!DOCTYPE html><html><head><title>T</title></head><body><article><h1>Overskrift</h1>
     <p>Første afsnit er langt nok til at Readability tager det med som en del af artiklen, og det har flere sætninger. Her er endnu en.</p>
     ${inner}
     <p>Sidste afsnit er også langt nok til at blive regnet med i artiklen, så siden som helhed har nok tekst.</p></article></body></html>`;

  it('nested lists, a start number, line breaks, a table cell by cell, code kept, scripts and javascript: links gone', () => {
    const article = extractArticle(
      body(`<ol start="3"><li>Tre<ul><li>Under tre</li></ul></li><li>Fire</li></ol>
        <p>Adresse:<br>Rådhuspladsen 1<br>1550 København V</p>
        <table><tr><th>By</th><th>Grader</th></tr><tr><td>Aarhus</td><td>14</td></tr></table>
        <pre>kode   med  mellemrum</pre>
        <p>Klik <a href="javascript:alert(1)">her</a> eller <a href="/mere">læs mere</a>.<script>alert(2)</script></p>`),
      { url: 'https://example.dk/a/b' },
    );
    const blocks = article.blocks.slice(2, -1);
    expect(blocks).toEqual([
      { type: 'list-item', text: 'Tre', ordered: true, depth: 1, number: 3 },
      { type: 'list-item', text: 'Under tre', ordered: false, depth: 2 },
      { type: 'list-item', text: 'Fire', ordered: true, depth: 1, number: 4 },
      { type: 'paragraph', text: 'Adresse:\nRådhuspladsen 1\n1550 København V' },
      { type: 'table-cell', text: 'By' },
      { type: 'table-cell', text: 'Grader' },
      { type: 'table-cell', text: 'Aarhus' },
      { type: 'table-cell', text: '14' },
      { type: 'code', text: 'kode   med  mellemrum' },
      { type: 'paragraph', text: 'Klik her eller læs mere.', links: [{ text: 'læs mere', href: 'https://example.dk/mere' }] },
    ]);
  });

  it('text around a block inside a list item or cell: separate blocks in document order, code kept as code', () => {
    const article = extractArticle(
      body(`<ul><li>Første punkt<p>Anden linje i punktet</p></li><li>Partierne før valget<ul><li>Venstre</li></ul>og efter valget</li><li>Kør<pre>npm   test</pre></li><li><a href="/x">Før<div>efter</div></a></li></ul>
        <table><tr><th>By</th><th>Note</th></tr><tr><td>Aarhus</td><td>Tekst<p>mere tekst</p></td></tr></table>`),
      { url: 'https://example.dk/a' },
    );
    expect(article.blocks.slice(2, -1)).toEqual([
      { type: 'list-item', text: 'Første punkt', ordered: false, depth: 1 },
      { type: 'paragraph', text: 'Anden linje i punktet', inListItem: 1 },
      { type: 'list-item', text: 'Partierne før valget', ordered: false, depth: 1 },
      { type: 'list-item', text: 'Venstre', ordered: false, depth: 2 },
      { type: 'paragraph', text: 'og efter valget', inListItem: 1 },
      { type: 'list-item', text: 'Kør', ordered: false, depth: 1 },
      { type: 'code', text: 'npm   test', inListItem: 1 },
      { type: 'list-item', text: 'Før\nefter', ordered: false, depth: 1, links: [{ text: 'Før efter', href: 'https://example.dk/x' }] },
      { type: 'table-cell', text: 'By' },
      { type: 'table-cell', text: 'Note' },
      { type: 'table-cell', text: 'Aarhus' },
      { type: 'table-cell', text: 'Tekst' },
      { type: 'paragraph', text: 'mere tekst' },
    ]);
  });

  it("what a list item holds after its first text stands in the item (its depth), as the Markdown reader has it; an item opening with no text is left as its blocks", () => {
    const article = extractArticle(
      body(`<ol><li><p>Første punkt.</p><p>Mere om første punkt.</p></li><li><p>Andet punkt.</p>
        <ul><li>Under<blockquote>Citat i punktet.</blockquote><table><tr><th>By</th><th>Grader</th></tr><tr><td>Aarhus</td><td>14</td></tr></table></li></ul><h4>Overskrift i punktet</h4></li>
        <li><pre>kode først</pre><p>Tekst efter koden.</p></li></ol>`),
    );
    expect(article.blocks.slice(2, -1)).toEqual([
      { type: 'list-item', text: 'Første punkt.', ordered: true, depth: 1, number: 1 },
      { type: 'paragraph', text: 'Mere om første punkt.', inListItem: 1 },
      { type: 'list-item', text: 'Andet punkt.', ordered: true, depth: 1, number: 2 },
      { type: 'list-item', text: 'Under', ordered: false, depth: 2 },
      { type: 'quote', text: 'Citat i punktet.', inListItem: 2 },
      { type: 'table-cell', text: 'By', inListItem: 2 },
      { type: 'table-cell', text: 'Grader', inListItem: 2 },
      { type: 'table-cell', text: 'Aarhus', inListItem: 2 },
      { type: 'table-cell', text: '14', inListItem: 2 },
      { type: 'heading', level: 4, text: 'Overskrift i punktet', inListItem: 1 },
      { type: 'code', text: 'kode først' },
      { type: 'paragraph', text: 'Tekst efter koden.' },
    ]);
  });

  it('numbered lists are numbered as the browser shows them: reversed (from the item count without a start), an item\'s value, an empty start', () => {
    const numbers = (lists: string) => extractArticle(body(lists)).blocks.filter((b) => b.type === 'list-item').map((b) => [b.text, b.number]);
    expect(numbers('<ol reversed start="3"><li>Tre</li><li>To</li><li>En</li></ol>')).toEqual([['Tre', 3], ['To', 2], ['En', 1]]);
    expect(numbers('<ol reversed><li>To</li><p>Løs tekst.</p><li>En</li></ol>')).toEqual([['To', 2], ['En', 1]]);
    expect(numbers('<ol><li>Et</li><li value="10">Ti</li><li>Elleve</li></ol>')).toEqual([['Et', 1], ['Ti', 10], ['Elleve', 11]]);
    expect(numbers('<ol reversed start="2"><li value=" 7x">Syv</li><li>Seks</li></ol>')).toEqual([['Syv', 7], ['Seks', 6]]);
    expect(numbers('<ol start=""><li>Et</li><li value="">To</li></ol>')).toEqual([['Et', 1], ['To', 2]]);
  });

  it('a table caption and loose text in a list are kept, in order', () => {
    const article = extractArticle(
      body(`<table><caption>Tabel 1: Besøgstal</caption><tr><th>År</th></tr><tr><td>2023</td></tr></table>
        <ol><li>Første punkt</li><p>Løs tekst i listen.</p><li>Andet punkt</li></ol>`),
    );
    expect(article.blocks.slice(2, -1)).toEqual([
      { type: 'caption', text: 'Tabel 1: Besøgstal' },
      { type: 'table-cell', text: 'År' },
      { type: 'table-cell', text: '2023' },
      { type: 'list-item', text: 'Første punkt', ordered: true, depth: 1, number: 1 },
      { type: 'paragraph', text: 'Løs tekst i listen.' },
      { type: 'list-item', text: 'Andet punkt', ordered: true, depth: 1, number: 2 },
    ]);
  });

  it('a script or style inside the headline is not part of the title, and the headline is shown once', () => {
    const article = extractArticle(
      `<!DOCTYPE html><html><head><title>Side</title></head><body><article><h1>Overskrift med <script>alert(13)</script><style>h1{}</style> og</h1>
       <p>Første afsnit er langt nok til at Readability tager det med som en del af artiklen, og det har flere sætninger. Her er endnu en.</p>
       <p>Sidste afsnit er også langt nok til at blive regnet med i artiklen, så siden som helhed har nok tekst.</p></article></body></html>`,
    );
    expect(article.title).toBe('Overskrift med og');
    expect(article.blocks.map((b) => b.text).filter((t) => t.startsWith('Overskrift'))).toEqual(['Overskrift med og']);
  });
});

describe('the title', () => {
  const paragraphs = ['Borgmesteren i kommunen meddelte i går aftes, at han træder tilbage med øjeblikkelig virkning. Det sker efter flere ugers kritik.', 'Byrådet skal nu finde en ny borgmester. Det forventes at ske på et ekstraordinært møde i næste uge, oplyser kommunen.']
    .map((p) => `<p>${p}</p>`)
    .join('');

  it("a site's logo <h1> outside the article is not the title; the article's headline is", () => {
    for (const title of ['Borgmester går af efter skandale - Lokalavisen', 'Borgmester går af efter skandale']) {
      const article = extractArticle(
        `<!DOCTYPE html><html><head><title>${title}</title></head><body>
         <div id="header"><h1 class="logo"><a href="/">Lokalavisen</a></h1><ul class="menu"><li><a href="/a">Nyheder</a></li><li><a href="/b">Sport</a></li></ul></div>
         <div id="content" class="story"><h1>Borgmester går af efter skandale</h1>${paragraphs}</div></body></html>`,
      );
      expect(article.title, title).toBe('Borgmester går af efter skandale');
      expect(article.blocks[0], title).toEqual({ type: 'title', text: 'Borgmester går af efter skandale' });
    }
  });

  it("a headline set as an <h2> (the <h1> being the site's logo) is the title, shown once", () => {
    // Readability keeps a short headline's site name in its title ("… - Lokalavisen", four words
    // or fewer), so that title matched no heading and was shown above the headline.
    const article = extractArticle(
      `<!DOCTYPE html><html><head><title>Borgmesteren træder tilbage nu - Lokalavisen</title></head><body>
       <header><h1 class="logo"><a href="/">Lokalavisen</a></h1></header>
       <main><article><h2>Borgmesteren træder tilbage nu</h2>${paragraphs}<h2>Byrådet samles</h2><p>Mødet er åbent for alle borgere i kommunen.</p></article></main></body></html>`,
    );
    expect(article.title).toBe('Borgmesteren træder tilbage nu');
    expect(article.blocks.map((b) => summary(b).slice(0, -1).join(' '))).toEqual(['title', 'paragraph', 'paragraph', 'heading 2', 'paragraph']);
    expect(article.blocks[0]).toEqual({ type: 'title', text: 'Borgmesteren træder tilbage nu' });
    expect(article.blocks[3]?.text).toBe('Byrådet samles');
  });

  it('a headline Readability keeps in the article is the title when Readability found no title', () => {
    const article = extractArticle(
      `<!DOCTYPE html><html><body><div id="header"><h1 class="logo">Lokalavisen</h1></div>
       <div class="story"><h1>Borgmester går af efter skandale</h1>${paragraphs}</div></body></html>`,
    );
    expect(article.title).toBe('Borgmester går af efter skandale');
  });

  it("the <h1> that Readability's title holds, with the site's name added, is the title; the site's name alone is not", () => {
    const page = { headlines: ['Lokalavisen', 'Borgmester går af efter skandale'] };
    expect(articleTitle(page, 'Borgmester går af efter skandale | Lokalavisen', [])).toBe('Borgmester går af efter skandale');
    expect(articleTitle({ headlines: ['Lokalavisen'] }, 'Borgmester går af efter skandale | Lokalavisen', [])).toBe('Borgmester går af efter skandale | Lokalavisen');
    expect(articleTitle({ headlines: ['Lokalavisen'] }, null, [])).toBe('Lokalavisen');
  });
});
