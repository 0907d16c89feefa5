/**
 * Bounds every stored vector keeps. Chroma works in float32 and normalises vectors for cosine:
 * a value past float32's range becomes Infinity, and a vector whose squared length overflows
 * float32 (3e38 in one place is enough) or underflows to 0 is stored as NaN, which no backup can
 * carry back. Real embeddings are near unit length; these bounds leave a million times room.
 */
export const VECTOR_LIMITS = { minNorm: 1e-6, maxNorm: 1e6 } as const;

const FLOAT32_MAX = 3.4028234663852886e38;

/** What makes `vector` unfit to store (or undefined): non-numbers, float32 overflow, its length. */
export function vectorProblem(vector: unknown): string | undefined {
  if (!Array.isArray(vector) && !ArrayBuffer.isView(vector)) return 'is not a list of numbers';
  const values = vector as ArrayLike<unknown>;
  if (values.length === 0) return 'is empty';
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return `holds ${String(value)} at ${i}, not a finite number`;
    }
    if (Math.abs(value) > FLOAT32_MAX) return `holds ${value} at ${i}, past float32's range`;
    squares += value * value;
  }
  const norm = Math.sqrt(squares);
  if (!(norm >= VECTOR_LIMITS.minNorm && norm <= VECTOR_LIMITS.maxNorm)) {
    return `has length ${norm.toPrecision(3)}, outside ${VECTOR_LIMITS.minNorm} to ${VECTOR_LIMITS.maxNorm}`;
  }
  return undefined;
}
