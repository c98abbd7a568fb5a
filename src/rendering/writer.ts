/**
 * The pieces every renderer is made of. A rendered file is always
 *
 *     head(frame, n) + paragraph(p₀) + paragraph(p₁) + … + tail(frame, n)
 *
 * for a document's frame (everything but the paragraphs) and its n paragraphs. The
 * whole-document renderers (renderHtml, …) are exactly that concatenation (`renderWhole`), and the
 * streaming writers (src/io/stream-output.ts) write the same pieces as paragraphs arrive, so a
 * streamed file is byte-identical to the whole-document render of the same final document.
 */
import type { BilingualDocument, BilingualParagraph, DocumentFrame } from '../document/types.js';

export type { DocumentFrame };

/**
 * One renderer for one output. Stateful (it counts the paragraphs it has rendered), so create a
 * fresh one per file; `paragraph` must be called in document order.
 */
export interface StreamRenderer {
  /**
   * True when the head shows something known only once translation is over (the timings, the
   * paragraph count): a streaming writer then renders the head last and puts it in front of the
   * paragraphs already written (see stream-output.ts). When false the head depends on nothing
   * of the kind and may be written before the first paragraph.
   */
  readonly headNeedsFinal: boolean;
  /** Everything before the first paragraph. `paragraphCount` is the document's paragraph count. */
  head(frame: DocumentFrame, paragraphCount: number): string;
  /** One paragraph, with whatever separates it from the previous one. */
  paragraph(p: BilingualParagraph): string;
  /** Everything after the last paragraph (closing markup, the QA summary in JSON). */
  tail(frame: DocumentFrame, paragraphCount: number): string;
}

/** The frame of a whole document (the document less its paragraphs). */
export function frameOf(doc: BilingualDocument): DocumentFrame {
  const { paragraphs: _paragraphs, ...frame } = doc;
  return frame;
}

/** A whole document rendered with a fresh writer: head + paragraphs + tail. */
export function renderWhole(writer: StreamRenderer, doc: BilingualDocument): string {
  const frame = frameOf(doc);
  const n = doc.paragraphs.length;
  const body = doc.paragraphs.map((p) => writer.paragraph(p)).join('');
  return writer.head(frame, n) + body + writer.tail(frame, n);
}
