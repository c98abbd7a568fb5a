// Type shapes for two small packages that ship none (only the calls da2en makes).
declare module 'html-encoding-sniffer' {
  export default function sniffHtmlEncoding(
    bytes: Uint8Array,
    options?: { transportLayerEncodingLabel?: string; defaultEncoding?: string },
  ): string;
}
declare module 'whatwg-encoding' {
  export function labelToName(label: string): string | null;
  export function decode(bytes: Uint8Array, encodingName: string): string;
  export function isSupported(encodingName: string): boolean;
}
