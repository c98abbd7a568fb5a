/**
 * Whether a downloaded file is a web page instead of the model file asked for: a captive portal, a
 * login page or a mirror's error page answered with HTTP 200. Its size and checksum prove nothing
 * when the server states them for the page it sends.
 */
import { open } from 'node:fs/promises';

/**
 * No model file starts like this: JSON starts with `{`, ONNX and SentencePiece files are protobuf,
 * safetensors a little-endian header length (bytes spelling `<html` would make it exabytes), a
 * pytorch_model.bin a zip. The byte-order mark and white space a page may start with are skipped.
 */
const WEB_PAGE_START = /^(?:\uFEFF)?\s*<(?:!doctype\s+html|html|head|body|\?xml|!--)/i;

/** Whether `file` starts as an HTML (or XML) page does; false when it cannot be read. */
export async function isWebPage(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return false;
  }
  try {
    const { buffer, bytesRead } = await handle.read({ buffer: Buffer.alloc(256), position: 0 });
    return WEB_PAGE_START.test(buffer.subarray(0, bytesRead).toString('utf8'));
  } catch {
    return false; // a folder in the file's place: its check says what is wrong
  } finally {
    await handle.close();
  }
}
