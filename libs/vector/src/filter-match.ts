import type { Metadata, VectorFilter } from './vector-store.port.js';

type Scalar = string | number | boolean;
type Comparison = Partial<Record<'$eq' | '$ne' | '$gt' | '$gte' | '$lt' | '$lte', Scalar>> &
  Partial<Record<'$in' | '$nin', Scalar[]>>;

/**
 * Whether a record's metadata passes a Chroma-style `where` filter, as Chroma decides it: a key
 * the record lacks matches only the negative conditions `$ne` and `$nin` (measured on Chroma
 * 1.x), values compare only with values of the same type, and ordering applies to numbers. For
 * records read from a copy (the keyword index) instead of Chroma.
 */
export function matchesFilter(metadata: Metadata, filter: VectorFilter | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, condition]) => {
    if (key === '$and')
      return (condition as VectorFilter[]).every((f) => matchesFilter(metadata, f));
    if (key === '$or') return (condition as VectorFilter[]).some((f) => matchesFilter(metadata, f));
    if (!(key in metadata)) return onlyNegative(condition);
    const value = metadata[key]!;
    if (typeof condition !== 'object' || condition === null) return value === condition;
    return Object.entries(condition as Comparison).every(([op, operand]) =>
      compare(value, op, operand),
    );
  });
}

function compare(value: Scalar, op: string, operand: unknown): boolean {
  switch (op) {
    case '$eq':
      return value === operand;
    case '$ne':
      return value !== operand;
    case '$in':
      return (operand as Scalar[]).includes(value);
    case '$nin':
      return !(operand as Scalar[]).includes(value);
  }
  if (typeof value !== 'number' || typeof operand !== 'number') return false;
  switch (op) {
    case '$gt':
      return value > operand;
    case '$gte':
      return value >= operand;
    case '$lt':
      return value < operand;
    case '$lte':
      return value <= operand;
  }
  throw new Error(`unsupported filter operator ${op}`);
}

/** `{ $ne: x }` or `{ $nin: [...] }` (or both): what a record without the key still passes. */
function onlyNegative(condition: unknown): boolean {
  if (typeof condition !== 'object' || condition === null) return false;
  const ops = Object.keys(condition);
  return ops.length > 0 && ops.every((op) => op === '$ne' || op === '$nin');
}
