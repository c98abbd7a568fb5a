/** `<!doctype html` or `<html` at the start (after a BOM, white space and comments are skipped). */
export function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1').replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, '');
  return /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html[\s>])/i.test(head);
}
