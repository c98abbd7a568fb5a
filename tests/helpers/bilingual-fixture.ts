/** A hand-made BilingualDocument with hostile and awkward content, for renderer tests. */
import type { BilingualDocument, BilingualParagraph, DocumentFrame, ParagraphKind, QaFinding } from '../../src/document/types.js';

function para(
  index: number,
  kind: ParagraphKind,
  prefix: string,
  source: string,
  target: string,
  qa?: QaFinding[],
): BilingualParagraph {
  const srcBody = source.slice(prefix.length);
  const tgtBody = target.slice(prefix.length);
  return {
    index,
    kind,
    prefix,
    source,
    target,
    chunks: [{ index: 0, text: srcBody, joinBefore: '', tokens: 7, target: tgtBody, origin: 'model' }],
    ...(qa ? { qa } : {}),
  };
}

export const NASTY_DA = '<script>window.__pwned = 1; alert(1)</script> Pris: 5 & 6 | "citat" *fed* _kursiv_ [link](http://x) \\ 🎉';
export const NASTY_EN = '<script>window.__pwned = 2; alert(1)</script> Price: 5 & 6 | "quote" *bold* _italic_ [link](http://x) \\ 🎉';

export function fixtureDocument(): BilingualDocument {
  return {
    title: { source: 'Borgmester <b>vil</b> bygge ny bro', target: 'Mayor <b>wants</b> to build new bridge' },
    metadata: { date: '2025-03', source: 'samples/bro.da.txt', detectedLanguage: 'da' },
    model: { id: 'Helsinki-NLP/opus-mt-da-en', dtype: 'q8', decoding: { beams: 1 } },
    timings: { loadMs: 1200, translateMs: 3400, totalMs: 4600 },
    paragraphs: [
      para(0, 'heading', '', 'Borgmester vil bygge ny bro', 'Mayor wants to build new bridge'),
      para(1, 'text', '', 'Byrådet mødtes kl. 14 i går.\nMødet varede ca. 3 timer.', 'The city council met at 2 pm yesterday.\nThe meeting lasted about 3 hours.'),
      para(2, 'quote', '- ', '- Det er en god dag for byen, siger borgmesteren.', '- It is a good day for the city, says the mayor.'),
      para(3, 'text', '', NASTY_DA, NASTY_EN, [
        { kind: 'missing-number', message: 'number "5" <missing> in target' },
        { kind: 'length-ratio', message: 'target is 2.3× the source & "odd"' },
      ]),
      para(4, 'heading', '## ', '## Økonomi', '## Economy'),
      para(5, 'text', '', 'Broen koster 1.200 mio. kr. Den åbner i 2027.', 'The bridge costs DKK 1,200 million. It opens in 2027.'),
      para(6, 'text', '', '   ***   ', '   ***   '),
      para(7, 'text', '', 'En meget lang sætning '.repeat(30).trim(), 'A very long sentence '.repeat(30).trim()),
    ],
  };
}

/** Like fixtureDocument, but the targets lack the prefix (renderers must add it once). */
export function fixtureWithoutTargetPrefixes(): BilingualDocument {
  const doc = fixtureDocument();
  for (const p of doc.paragraphs) p.target = p.target.slice(p.prefix.length);
  return doc;
}

/** A plain document frame (no title, fixed timings), for tests that only write paragraphs. */
export const PLAIN_FRAME: DocumentFrame = {
  title: { source: '', target: '' },
  metadata: { source: 'a.da.txt' },
  model: { id: 'test', dtype: 'q8', decoding: {} },
  timings: { loadMs: 1, translateMs: 2, totalMs: 3 },
};
