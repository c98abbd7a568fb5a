import ort from 'onnxruntime-node';

export type OrtTensor = ort.Tensor;
export type Feeds = Record<string, ort.Tensor>;

export function int64Tensor(values: ArrayLike<number>, dims: number[]): ort.Tensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
  return new ort.Tensor('int64', data, dims);
}

export function boolScalar(value: boolean): ort.Tensor {
  return new ort.Tensor('bool', new Uint8Array([value ? 1 : 0]), [1]);
}

export function emptyFloat(dims: number[]): ort.Tensor {
  return new ort.Tensor('float32', new Float32Array(0), dims);
}

/**
 * Keeps the given rows (first dimension) of a tensor. Used to drop finished sequences from a
 * batch and to reorder beams, so later decoder steps only pay for live rows.
 */
export function selectRows(tensor: ort.Tensor, rows: readonly number[]): ort.Tensor {
  const dims = tensor.dims as number[];
  const rowSize = dims.slice(1).reduce((a, b) => a * b, 1);
  const src = tensor.data as Float32Array | BigInt64Array;
  const out = new (src.constructor as Float32ArrayConstructor)(rows.length * rowSize) as Float32Array;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out.set((src as Float32Array).subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
  }
  return new ort.Tensor(tensor.type as 'float32', out, [rows.length, ...dims.slice(1)]);
}

export function isIdentitySelection(rows: readonly number[], size: number): boolean {
  if (rows.length !== size) return false;
  for (let i = 0; i < size; i++) if (rows[i] !== i) return false;
  return true;
}
