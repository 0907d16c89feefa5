import type { Manifest } from './backup-archive.js';

/** Bounds an archive is held to before anything in it is trusted. */
export const ARCHIVE_LIMITS = {
  /** The manifest names every collection; a million of them fit in this. */
  manifestBytes: 256 * 1024 * 1024,
  /** One record: a long memory with a large vector is well under a megabyte. */
  lineBytes: 16 * 1024 * 1024,
  dimension: 65_536,
  /**
   * Bytes a data member may expand to, per compressed byte (with a floor): records gzip 3-10
   * times; a decompression bomb a thousand times.
   */
  expansion: 100,
  expandedFloor: 64 * 1024 * 1024,
} as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0;

/** What is wrong with a parsed manifest's shape, or undefined. */
export function manifestProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'the manifest is not a JSON object';
  if (!Array.isArray(value.collections)) return 'the manifest lists no collections';
  const names = new Set<string>();
  for (const [i, c] of (value.collections as unknown[]).entries()) {
    if (
      !isObject(c) ||
      typeof c.name !== 'string' ||
      typeof c.model !== 'string' ||
      !Number.isInteger(c.dimension) ||
      (c.dimension as number) < 1 ||
      (c.dimension as number) > ARCHIVE_LIMITS.dimension ||
      !isCount(c.records)
    ) {
      return `collection ${i} of the manifest needs a name, a model, a dimension and a record count`;
    }
    if (names.has(c.name)) return `the manifest lists collection ${c.name} twice`;
    names.add(c.name);
  }
  if (!isObject(value.state) || !isCount(value.state.entries)) {
    return 'the manifest has no state entry count';
  }
  if (!isObject(value.files)) return 'the manifest has no file checksums';
  return undefined;
}

/** What is wrong with one archived record, given the manifest's collections, or undefined. */
export function recordProblem(
  value: unknown,
  collections: Map<string, Manifest['collections'][number]>,
): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  const collection =
    typeof value.collection === 'string' ? collections.get(value.collection) : undefined;
  if (!collection) {
    return `collection ${JSON.stringify(value.collection)} is not in the manifest`;
  }
  if (typeof value.id !== 'string' || value.id.length === 0) return 'no id';
  if (typeof value.document !== 'string') return `record ${value.id} has no document`;
  if (!isObject(value.metadata)) return `record ${value.id} has no metadata`;
  for (const item of Object.values(value.metadata)) {
    if (!['string', 'number', 'boolean'].includes(typeof item)) {
      return `record ${value.id} has metadata that is not flat`;
    }
  }
  // Values are judged when the record is restored (vectorProblem): one unfit vector (a NaN that
  // Chroma kept, written as null) is left out and named there, not a reason to refuse the archive.
  const embedding = value.embedding;
  if (!Array.isArray(embedding) || embedding.length !== collection.dimension) {
    return `record ${value.id} does not have a vector of ${collection.dimension} numbers, as ${collection.name} needs`;
  }
  return undefined;
}

/** What is wrong with one archived state entry, or undefined. */
export function stateEntryProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (typeof value.namespace !== 'string' || value.namespace.length === 0) return 'no namespace';
  if (typeof value.id !== 'string' || value.id.length === 0) return 'no id';
  if (!('value' in value)) return `entry ${value.namespace}/${value.id} has no value`;
  if (value.owner !== undefined && value.owner !== null && typeof value.owner !== 'string') {
    return `entry ${value.namespace}/${value.id} has an owner that is not text`;
  }
  if (value.expiresAt !== undefined && value.expiresAt !== null && !isCount(value.expiresAt)) {
    return `entry ${value.namespace}/${value.id} has an expiry that is not a time`;
  }
  return undefined;
}
