/** A tensor read from a checkpoint, always widened to float32 (the converter writes fp32 graphs). */
export interface CheckpointTensor {
  shape: number[];
  data: Float32Array;
}

/** The element types a Marian checkpoint stores its weights in. */
export type FloatDtype = 'F32' | 'F16' | 'BF16' | 'F64';

export const BYTES_PER_ELEMENT: Record<FloatDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

/**
 * Where a converter gets its weights: names and shapes without reading any data, then one
 * tensor at a time, so a big checkpoint is never held twice (file bytes + float32 copy) at once.
 */
export interface TensorSource {
  readonly file: string;
  names(): string[];
  shape(name: string): number[] | undefined;
  /** The element type as stored (for reports, e.g. "F16"). */
  dtype(name: string): string | undefined;
  read(name: string): Promise<CheckpointTensor>;
  close(): void;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

const f16Table = (() => {
  // float16 → float32 for every 16-bit pattern: exact (every half is a float), and a table is
  // several times faster than bit manipulation per element on large embeddings.
  const out = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) out[h] = sign * frac * 2 ** -24;
    else if (exp === 31) out[h] = frac === 0 ? sign * Infinity : NaN;
    else out[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
})();

/** Little-endian raw bytes of `dtype` → float32 values. */
export function toFloat32(bytes: Uint8Array, dtype: FloatDtype): Float32Array {
  const n = bytes.byteLength / BYTES_PER_ELEMENT[dtype];
  if (!Number.isInteger(n)) throw new RangeError(`${bytes.byteLength} bytes is not a whole number of ${dtype} values`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = f16Table[view.getUint16(i * 2, true)]!;
      break;
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const u32 = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) u32[i] = view.getUint16(i * 2, true) << 16;
      break;
    }
  }
  return out;
}
