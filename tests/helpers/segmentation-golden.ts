/**
 * Golden cases for src/segmentation. The test files iterate over these tables, so each name
 * below is also a test name; the lead can list them with GOLDEN_CASE_NAMES.
 */
export type Join = '' | ' ' | '\n';

export interface SentenceCase {
  name: string;
  input: string;
  /** Sentences after the Danish pass, trimmed. */
  expected: string[];
}

/** Sentence splitting: Intl.Segmenter + the Danish merge pass. */
export const SENTENCE_CASES: SentenceCase[] = [
  { name: 'title Hr. before a name', input: 'Hr. Jensen kom i går. Han gik igen.', expected: ['Hr. Jensen kom i går.', 'Han gik igen.'] },
  { name: 'title hr. before a name', input: 'Vi mødte hr. Jensen i går. Han smilede.', expected: ['Vi mødte hr. Jensen i går.', 'Han smilede.'] },
  { name: 'title dr. before a name', input: 'Hun talte med dr. Hansen om sagen.', expected: ['Hun talte med dr. Hansen om sagen.'] },
  { name: 'date d. 3. jan.', input: 'Mødet er d. 3. jan. i Aarhus. Så er det slut.', expected: ['Mødet er d. 3. jan. i Aarhus.', 'Så er det slut.'] },
  { name: 'date d. 3. jan. 2022 (month abbreviation before a year)', input: 'Det sker d. 3. jan. 2022. Så er det slut.', expected: ['Det sker d. 3. jan. 2022.', 'Så er det slut.'] },
  { name: 'ordinal before capitalised month (12. Marts)', input: 'Det sker d. 12. Marts. Så er det slut.', expected: ['Det sker d. 12. Marts.', 'Så er det slut.'] },
  { name: 'ordinal 1. maj', input: 'Det sker 1. maj hvert år. Vi glæder os.', expected: ['Det sker 1. maj hvert år.', 'Vi glæder os.'] },
  { name: 'ca. before a number', input: 'Det koster ca. 200 kr. om måneden.', expected: ['Det koster ca. 200 kr. om måneden.'] },
  { name: 'ca. before a number with a thousands dot (1.200)', input: 'Der er ca. 1.200 deltagere. Det er rekord.', expected: ['Der er ca. 1.200 deltagere.', 'Det er rekord.'] },
  { name: 'bl.a. before lower case', input: 'Der var bl.a. politi til stede.', expected: ['Der var bl.a. politi til stede.'] },
  { name: 'bl.a. before a proper noun', input: 'Ifølge bl.a. Politiken er det slut. Det er trist.', expected: ['Ifølge bl.a. Politiken er det slut.', 'Det er trist.'] },
  { name: 'f.eks. before lower case', input: 'Man kan f.eks. cykle.', expected: ['Man kan f.eks. cykle.'] },
  { name: 'f.eks. before a proper noun', input: 'Se f.eks. Danmark. Eller Sverige.', expected: ['Se f.eks. Danmark.', 'Eller Sverige.'] },
  { name: 'kl. 10', input: 'Vi mødes kl. 10 i morgen.', expected: ['Vi mødes kl. 10 i morgen.'] },
  { name: 'kl. 14.30 after ca.', input: 'Han kom ca. kl. 14.30 i dag. Så gik han.', expected: ['Han kom ca. kl. 14.30 i dag.', 'Så gik han.'] },
  { name: 'kl. 14 ending a sentence', input: 'Det sker kl. 14. Bagefter spiser vi.', expected: ['Det sker kl. 14.', 'Bagefter spiser vi.'] },
  { name: 'mio. kr.', input: 'Det koster 3 mio. kr. i alt.', expected: ['Det koster 3 mio. kr. i alt.'] },
  { name: 'mia. before lower case', input: 'Der er brugt 2 mia. kroner.', expected: ['Der er brugt 2 mia. kroner.'] },
  { name: 'mio. ending a sentence', input: 'Udgiften var 3 mio. Det er meget.', expected: ['Udgiften var 3 mio.', 'Det er meget.'] },
  { name: 'nr. before a number', input: 'Han bor i nr. 5 på vejen.', expected: ['Han bor i nr. 5 på vejen.'] },
  { name: 'nr. 3. ending a sentence', input: 'Han blev nr. 3. Det var flot.', expected: ['Han blev nr. 3.', 'Det var flot.'] },
  { name: 'osv. mid-sentence', input: 'De købte æbler, pærer osv. på torvet.', expected: ['De købte æbler, pærer osv. på torvet.'] },
  { name: 'osv. ending a sentence', input: 'De købte æbler osv. Det var godt.', expected: ['De købte æbler osv.', 'Det var godt.'] },
  { name: 'jf. before §', input: 'Se jf. § 3 i loven.', expected: ['Se jf. § 3 i loven.'] },
  { name: 'jf. in brackets before upper case', input: 'Se side 3 (jf. Bilag 2). Det er vigtigt.', expected: ['Se side 3 (jf. Bilag 2).', 'Det er vigtigt.'] },
  { name: 'pga. before lower case', input: 'Det skete pga. vejret.', expected: ['Det skete pga. vejret.'] },
  { name: 'pga. before upper case', input: 'Kampen blev aflyst pga. Corona. Alle gik hjem.', expected: ['Kampen blev aflyst pga. Corona.', 'Alle gik hjem.'] },
  { name: 'evt.', input: 'Der kan evt. komme regn. Tag en jakke.', expected: ['Der kan evt. komme regn.', 'Tag en jakke.'] },
  { name: 'inkl.', input: 'Prisen er inkl. moms.', expected: ['Prisen er inkl. moms.'] },
  { name: 'ekskl. before upper case', input: 'Prisen er ekskl. Moms og fragt. Betal nu.', expected: ['Prisen er ekskl. Moms og fragt.', 'Betal nu.'] },
  { name: 'tlf. before a number', input: 'Ring på tlf. 12345678. Vi svarer hurtigt.', expected: ['Ring på tlf. 12345678.', 'Vi svarer hurtigt.'] },
  { name: 'str. before a number', input: 'Den fås i str. 42. Den er blå.', expected: ['Den fås i str. 42.', 'Den er blå.'] },
  { name: 'sentence-initial Ca.', input: 'Ca. 300 mødte op. Det var flot.', expected: ['Ca. 300 mødte op.', 'Det var flot.'] },
  { name: 'initials H.C. Andersen', input: 'Forfatteren H.C. Andersen blev født i Odense.', expected: ['Forfatteren H.C. Andersen blev født i Odense.'] },
  { name: 'initials A.P. Møller', input: 'Firmaet A.P. Møller-Mærsk tjener penge.', expected: ['Firmaet A.P. Møller-Mærsk tjener penge.'] },
  { name: 'exclamation inside a quote before lower case', input: 'Han sagde: "Nej!" og gik. Døren smækkede.', expected: ['Han sagde: "Nej!" og gik.', 'Døren smækkede.'] },
  { name: 'number 1.200 ending a sentence', input: 'Det er 1.200 kroner. Ja.', expected: ['Det er 1.200 kroner.', 'Ja.'] },
  { name: 'inline quote dash starts a sentence', input: 'Han fik en idé. - Det var sjovt, siger han.', expected: ['Han fik en idé.', '- Det var sjovt, siger han.'] },
  // Issue 11 §7 and the classes they stand for: titles and positions, degrees, company forms, list numbers.
  { name: 'stacked titles Prof. dr. med. before a name', input: 'Prof. dr. med. Hans Jensen udtaler sig. Han er glad.', expected: ['Prof. dr. med. Hans Jensen udtaler sig.', 'Han er glad.'] },
  { name: 'the word med ending a sentence is no title', input: 'Han tog hunden med. Det var godt. Dr. med. Ole Lund kom.', expected: ['Han tog hunden med.', 'Det var godt.', 'Dr. med. Ole Lund kom.'] },
  { name: 'position adm. dir. before a name', input: 'Det siger adm. dir. Lise Holm. Hun smiler.', expected: ['Det siger adm. dir. Lise Holm.', 'Hun smiler.'] },
  { name: 'sentence-initial Dir. before a name', input: 'Dir. Holm siger nej. Sagen er lukket.', expected: ['Dir. Holm siger nej.', 'Sagen er lukket.'] },
  { name: 'other positions: fmd., kons., overl.', input: 'Det mener fmd. Per Lund og overl. Eva Dahl. Begge er enige.', expected: ['Det mener fmd. Per Lund og overl. Eva Dahl.', 'Begge er enige.'] },
  { name: 'degree cand.polit. before a name', input: 'Det vurderer cand.polit. Ole Berg. Han er økonom.', expected: ['Det vurderer cand.polit. Ole Berg.', 'Han er økonom.'] },
  { name: 'degree stud.scient. before a name', input: 'Det fortæller stud.scient. Anne Lund. Hun læser kemi.', expected: ['Det fortæller stud.scient. Anne Lund.', 'Hun læser kemi.'] },
  { name: 'degrees mag.art. and dr.phil. before names', input: 'Bogen er skrevet af mag.art. Jens Bo og dr.phil. Ida Krogh. Den udkom i år.', expected: ['Bogen er skrevet af mag.art. Jens Bo og dr.phil. Ida Krogh.', 'Den udkom i år.'] },
  { name: 'company form & Co. ApS', input: 'Firmaet Jensen & Co. ApS er solgt. Køberen er tysk.', expected: ['Firmaet Jensen & Co. ApS er solgt.', 'Køberen er tysk.'] },
  { name: 'company form & Co. A/S', input: 'Hansen & Co. A/S vokser. Det går godt.', expected: ['Hansen & Co. A/S vokser.', 'Det går godt.'] },
  { name: 'Co. ending a sentence', input: 'Han arbejder hos Jensen & Co. Det er et godt firma.', expected: ['Han arbejder hos Jensen & Co.', 'Det er et godt firma.'] },
  { name: 'numbered list line', input: '1. Åbning kl. 10.00', expected: ['1. Åbning kl. 10.00'] },
  { name: 'numbered list line with two sentences', input: '12. Frokost. Alle er velkomne.', expected: ['12. Frokost.', 'Alle er velkomne.'] },
  { name: 'plain sentences are split', input: 'Solen skinner. Det er varmt! Er det sommer?', expected: ['Solen skinner.', 'Det er varmt!', 'Er det sommer?'] },
];

export interface ParagraphExpectation {
  kind: 'text' | 'heading' | 'quote';
  prefix?: string;
  /** Source text (defaults to not checked). */
  text?: string;
  /** [joinBefore, text] per chunk. */
  chunks?: [Join, string][];
}

export interface DocumentCase {
  name: string;
  input: string;
  maxTokens?: number;
  packSentences?: boolean;
  title?: string;
  date?: string;
  paragraphs: ParagraphExpectation[];
}

/** Whole-document cases: input normalisation, kinds, prefixes, metadata, chunks and joins. */
export const DOCUMENT_CASES: DocumentCase[] = [
  {
    name: 'LF line ends, one blank line between paragraphs',
    input: 'Første afsnit.\n\nAndet afsnit.\n',
    paragraphs: [
      { kind: 'text', text: 'Første afsnit.', chunks: [['', 'Første afsnit.']] },
      { kind: 'text', text: 'Andet afsnit.', chunks: [['', 'Andet afsnit.']] },
    ],
  },
  {
    name: 'CRLF line ends',
    input: 'Første afsnit.\r\n\r\nAndet linje et.\r\nLinje to.\r\n',
    paragraphs: [
      { kind: 'text', text: 'Første afsnit.' },
      { kind: 'text', text: 'Andet linje et.\nLinje to.', chunks: [['', 'Andet linje et.'], ['\n', 'Linje to.']] },
    ],
  },
  {
    name: 'CR-only line ends',
    input: 'Første afsnit.\r\rAndet linje et.\rLinje to.\r',
    paragraphs: [
      { kind: 'text', text: 'Første afsnit.' },
      { kind: 'text', text: 'Andet linje et.\nLinje to.', chunks: [['', 'Andet linje et.'], ['\n', 'Linje to.']] },
    ],
  },
  {
    name: 'BOM is stripped',
    input: '\uFEFFHej med dig.\n\nFarvel.',
    title: '', // a sentence opens the text: no title
    paragraphs: [{ kind: 'text', text: 'Hej med dig.' }, { kind: 'text', text: 'Farvel.' }],
  },
  {
    name: 'many blank lines count as one separator',
    input: '\n\n\nEt.\n\n\n\n\nTo.\n\n\n',
    paragraphs: [{ kind: 'text', text: 'Et.' }, { kind: 'text', text: 'To.' }],
  },
  {
    name: 'whitespace-only lines are blank',
    input: 'Et.\n   \t \nTo.\n \u00A0 \nTre.',
    paragraphs: [{ kind: 'text', text: 'Et.' }, { kind: 'text', text: 'To.' }, { kind: 'text', text: 'Tre.' }],
  },
  {
    name: 'trailing spaces are trimmed',
    input: 'Linje et.   \nLinje to.\t\t\n\nSidste.  ',
    paragraphs: [
      { kind: 'text', text: 'Linje et.\nLinje to.', chunks: [['', 'Linje et.'], ['\n', 'Linje to.']] },
      { kind: 'text', text: 'Sidste.', chunks: [['', 'Sidste.']] },
    ],
  },
  {
    name: 'single line breaks are kept as hard lines (joinBefore \\n)',
    input: 'Adresse:\nHovedgaden 1\n8000 Aarhus C\n\nTak.',
    paragraphs: [
      {
        kind: 'text',
        text: 'Adresse:\nHovedgaden 1\n8000 Aarhus C',
        chunks: [['', 'Adresse:'], ['\n', 'Hovedgaden 1'], ['\n', '8000 Aarhus C']],
      },
      { kind: 'text' },
    ],
  },
  {
    name: 'soft-wrapped prose is joined with a space for translation, source keeps the break',
    input: 'Regeringen vil i år bruge\nflere penge på sygehusene end\nnogensinde før. Det siger ministeren.\nNy linje her.',
    paragraphs: [
      {
        kind: 'text',
        text: 'Regeringen vil i år bruge\nflere penge på sygehusene end\nnogensinde før. Det siger ministeren.\nNy linje her.',
        chunks: [
          ['', 'Regeringen vil i år bruge flere penge på sygehusene end nogensinde før.'],
          [' ', 'Det siger ministeren.'],
          ['\n', 'Ny linje her.'],
        ],
      },
    ],
  },
  {
    name: 'several sentences: one per chunk by default',
    input: 'Solen skinner. Det er varmt. Vi bader.',
    paragraphs: [{ kind: 'text', chunks: [['', 'Solen skinner.'], [' ', 'Det er varmt.'], [' ', 'Vi bader.']] }],
  },
  {
    name: 'packSentences packs sentences greedily within budget',
    input: 'Solen skinner. Det er varmt. Vi bader.',
    packSentences: true,
    maxTokens: 8,
    paragraphs: [{ kind: 'text', chunks: [['', 'Solen skinner. Det er varmt.'], [' ', 'Vi bader.']] }],
  },
  {
    name: 'quote dash "- " becomes kind quote with the prefix kept out of the chunks',
    input: '- Det er en god dag, siger borgmesteren.\n\nSlut.',
    paragraphs: [
      { kind: 'quote', prefix: '- ', text: '- Det er en god dag, siger borgmesteren.', chunks: [['', 'Det er en god dag, siger borgmesteren.']] },
      { kind: 'text' },
    ],
  },
  {
    name: 'en dash and em dash quotes keep the dash as written',
    input: '– Ja, siger hun.\n\n—  Nej, siger han.\n\nSlut.',
    paragraphs: [
      { kind: 'quote', prefix: '– ', chunks: [['', 'Ja, siger hun.']] },
      { kind: 'quote', prefix: '— ', text: '—  Nej, siger han.', chunks: [['', 'Nej, siger han.']] },
      { kind: 'text' },
    ],
  },
  {
    name: 'a dash without a space is not a quote',
    input: '-5 grader i nat.\n\nSlut.',
    paragraphs: [{ kind: 'text', prefix: '', chunks: [['', '-5 grader i nat.']] }, { kind: 'text' }],
  },
  {
    name: 'Markdown headings # to ###### keep their marker as prefix',
    input: '# Overskrift\n\n## Under\n\n###### Dyb\n\n####### Syv er ikke en overskrift.\n\n#hashtag er tekst.',
    title: 'Overskrift',
    paragraphs: [
      { kind: 'heading', prefix: '# ', text: '# Overskrift', chunks: [['', 'Overskrift']] },
      { kind: 'heading', prefix: '## ', chunks: [['', 'Under']] },
      { kind: 'heading', prefix: '###### ', chunks: [['', 'Dyb']] },
      { kind: 'text', prefix: '' },
      { kind: 'text', prefix: '' },
    ],
  },
  {
    name: 'short unpunctuated line followed by paragraphs is a detected heading',
    input: 'Seks nye borgmestre på vej\n\nMandag er første arbejdsdag.\n\nEt mellemrubrik\n\nMere tekst.',
    title: 'Seks nye borgmestre på vej',
    paragraphs: [
      { kind: 'heading', prefix: '', chunks: [['', 'Seks nye borgmestre på vej']] },
      { kind: 'text' },
      { kind: 'heading', prefix: '' },
      { kind: 'text' },
    ],
  },
  {
    name: 'heading detection is conservative',
    input: [
      'En sætning med punktum.',
      'Et spørgsmål uden svar?',
      'lille begyndelsesbogstav',
      '04 januar 2010 kl. 08.50',
      'To linjer\nuden punktum',
      'Dette er en meget lang linje uden punktum som bliver ved og ved og ved og ved med mange ord',
      'Sidste afsnit uden punktum',
    ].join('\n\n'),
    paragraphs: [
      { kind: 'text' }, { kind: 'text' }, { kind: 'text' }, { kind: 'text' }, { kind: 'text' }, { kind: 'text' },
      { kind: 'text' },
    ],
  },
  {
    name: 'a line cut by a stray blank line (next paragraph starts lower-case) is not a heading',
    input: 'Borgmesteren og hans kollega er nye i rollen, mens\n\nde andre har prøvet det før.\n\nSlut.',
    paragraphs: [{ kind: 'text' }, { kind: 'text' }, { kind: 'text' }],
  },
  {
    name: 'an unpunctuated sentence with a clause after a comma is not a heading',
    input: 'Alt i alt betyder det, at lufthavnen mistede passagerer\n\nMere tekst.',
    paragraphs: [{ kind: 'text' }, { kind: 'text' }],
  },
  {
    name: 'heading with a closing quote is still a heading',
    input: 'Politikere bange for at "ligne fjolser"\n\nBrødtekst.',
    paragraphs: [{ kind: 'heading' }, { kind: 'text' }],
  },
  {
    name: 'date marker (seed format) is metadata, removed from the text',
    input: ' date 2021-07 Over 1000 soldater er flygtet. Det oplyser komiteen.\n\nNæste afsnit.',
    date: '2021-07',
    title: '', // a lede, not a heading: no title (issue 11)
    paragraphs: [
      { kind: 'text', text: 'Over 1000 soldater er flygtet. Det oplyser komiteen.', chunks: [['', 'Over 1000 soldater er flygtet.'], [' ', 'Det oplyser komiteen.']] },
      { kind: 'text' },
    ],
  },
  {
    name: 'an article of one paragraph has no title (its first sentence is not one)',
    input: 'Kommunen bygger en ny skole. Den åbner i 2027 med plads til 400 elever.',
    title: '',
    paragraphs: [{ kind: 'text', text: 'Kommunen bygger en ny skole. Den åbner i 2027 med plads til 400 elever.' }],
  },
  {
    name: 'an article opening with a lede has no title; one opening with a heading has it',
    input: 'Regeringen vil sænke skatten. Det siger statsministeren.\n\nForslaget kommer i maj.',
    title: '',
    paragraphs: [{ kind: 'text' }, { kind: 'text' }],
  },
  {
    name: 'a Markdown heading opening a text is its title',
    input: '## Baggrund\n\nDet er godt.',
    title: 'Baggrund',
    paragraphs: [{ kind: 'heading', text: '## Baggrund' }, { kind: 'text' }],
  },
  {
    name: 'date marker with a day, on its own line',
    input: 'date 2025-03-14\n\nSolen skinner.',
    date: '2025-03-14',
    title: '', // one paragraph: no title
    paragraphs: [{ kind: 'text', text: 'Solen skinner.' }],
  },
  {
    name: 'the word date later in the text is not metadata',
    input: 'Et afsnit. date 2021-07 er her.',
    paragraphs: [{ kind: 'text', text: 'Et afsnit. date 2021-07 er her.' }],
  },
  {
    name: 'paragraphs of only punctuation, numbers or symbols still produce chunks',
    input: 'Tekst.\n\n***\n\n2021\n\n— —\n\n€ 42 %\n\nSlut.',
    paragraphs: [
      { kind: 'text' },
      { kind: 'text', chunks: [['', '***']] },
      { kind: 'text', chunks: [['', '2021']] },
      { kind: 'quote', prefix: '— ', chunks: [['', '—']] },
      { kind: 'text', chunks: [['', '€ 42 %']] },
      { kind: 'text' },
    ],
  },
  {
    name: 'emoji and combining characters survive unchanged',
    input: 'Vi fejrer det 🎉🇩🇰 i dag! Café (e\u0301) og 👩‍👩‍👧 er med.',
    paragraphs: [{ kind: 'text', chunks: [['', 'Vi fejrer det 🎉🇩🇰 i dag!'], [' ', 'Café (e\u0301) og 👩‍👩‍👧 er med.']] }],
  },
  {
    name: 'no-break spaces and tabs inside a line are one space in chunks',
    input: 'Han er 28\u00A0år\tgammel.',
    paragraphs: [{ kind: 'text', text: 'Han er 28\u00A0år\tgammel.', chunks: [['', 'Han er 28 år gammel.']] }],
  },
];

export const GOLDEN_CASE_NAMES: string[] = [
  ...SENTENCE_CASES.map((c) => `sentences: ${c.name}`),
  ...DOCUMENT_CASES.map((c) => `document: ${c.name}`),
];
