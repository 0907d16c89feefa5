/** Limits every write is checked against before anything is stored. */
export const MemoryLimits = {
  contentMaxChars: 32_768,
  queryMaxChars: 8_192,
  typePattern: /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
  metadataMaxKeys: 32,
  metadataKeyPattern: /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/,
  metadataStringMaxChars: 2_048,
  tagsMax: 32,
  conversationIdMaxChars: 128,
  tagPattern: /^[\p{L}\p{N}_.:-][\p{L}\p{N}_.: -]{0,62}[\p{L}\p{N}_.:-]$|^[\p{L}\p{N}_.:-]$/u,
  batchMax: 500,
  searchLimitMax: 100,
  listLimitMax: 100,
  listLimitDefault: 20,
  /** Ten years. */
  ttlMaxSeconds: 315_360_000,
} as const;
