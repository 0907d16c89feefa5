import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Response shapes, for the OpenAPI document. */
export class MemoryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() content!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) sessionId!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'the conversation (thread) it was said in',
  })
  conversationId!: string | null;
  @ApiProperty({
    format: 'date-time',
    description: 'when it was said or happened (createdAt unless given)',
  })
  occurredAt!: string;
  @ApiProperty({ description: 'sha256 of type and content' }) contentHash!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() embeddingModel!: string;
  @ApiProperty({
    enum: ['current', 'superseded', 'retracted'],
    description:
      'current: returned by search and lists; superseded: a newer memory contradicts it; ' +
      'retracted: the user took it back (both shown only with includeSuperseded=true)',
  })
  status!: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'the memory that superseded this one',
  })
  supersededBy!: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'never returned after this; removed by the expiry sweep',
  })
  expiresAt!: string | null;
  @ApiProperty({ description: 'pinned memories never expire or decay in ranking' })
  pinned!: boolean;
}

export class ScoringView {
  @ApiProperty({ enum: ['hybrid', 'vector', 'keyword'] }) mode!: string;
  @ApiPropertyOptional({ description: 'cosine similarity to the query (1 − distance)' })
  vector?: number;
  @ApiPropertyOptional({
    description:
      'BM25 of the query terms in this memory, and (weighted lower) in the messages around it in ' +
      'its conversation; 0: none occurs',
  })
  keyword?: number;
  @ApiPropertyOptional({ description: "the reranker's relevance score, when it reordered results" })
  rerank?: number;
  @ApiPropertyOptional({
    description: 'the recency factor (0.5^(age/half-life)) the score was multiplied by',
  })
  recency?: number;
  @ApiPropertyOptional({
    description: 'added: it occurred within a date the query names ("in May", "last week")',
  })
  time?: number;
  @ApiPropertyOptional({
    description: 'added: the weak prior for memories that occurred shortly before referenceDate',
  })
  recencyPrior?: number;
  @ApiPropertyOptional({
    description: 'added: it names, or its metadata speaker is, a person the query names',
  })
  people?: number;
  @ApiPropertyOptional({
    description:
      'added (a share of its fused score): it holds the kind of answer the query asks for (a ' +
      'time for "When ...", a number or amount for "How much/many ...")',
  })
  answerKind?: number;
  @ApiPropertyOptional({
    description:
      'added (a share of its fused score): it tells rather than asks (its text does not end ' +
      'in a question mark)',
  })
  statement?: number;
  @ApiPropertyOptional({
    description: 'word overlap (0-1) with a result above it, held against it by diversity (MMR)',
  })
  overlap?: number;
  @ApiPropertyOptional({
    description:
      'the sub-question the chat model split the query into (SEARCH_DECOMPOSE) that found this ' +
      'memory with a higher score than the whole query did',
  })
  subQuestion?: string;
}

export class RerankReportView {
  @ApiProperty({
    enum: ['off', 'applied', 'failed'],
    description:
      'off: no reranker configured or rerank=false; applied: results are in the reranker order; ' +
      'failed: the reranker did not answer and results are in their first-stage order',
  })
  status!: string;
  @ApiPropertyOptional({ description: 'why the reranker failed' }) detail?: string;
}

export class ScoredMemoryView extends MemoryView {
  @ApiProperty({
    description:
      'ranking score, higher is better: vector mode 1 − cosine distance; keyword mode BM25 relative ' +
      'to the best match; hybrid mode the weighted sum of both plus what the signals added ' +
      '(scoring.time, recencyPrior, people, answerKind, statement), in [0, 1]',
  })
  score!: number;
  @ApiProperty({
    description: 'cosine distance, lower is closer; null in keyword mode',
    nullable: true,
    type: Number,
  })
  distance!: number | null;
  @ApiProperty({ type: ScoringView, description: 'how this result scored' }) scoring!: ScoringView;
}

export class SearchResultsView {
  @ApiProperty({ type: [ScoredMemoryView] }) results!: ScoredMemoryView[];
  @ApiProperty({ type: RerankReportView }) rerank!: RerankReportView;
}

export class MemoryPageView {
  @ApiProperty({ type: [MemoryView] }) items!: MemoryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class BatchItemResultView {
  @ApiProperty() index!: number;
  @ApiProperty({ enum: [200, 201], description: '201 stored now, 200 already stored' })
  status!: number;
  @ApiProperty({ type: MemoryView }) memory!: MemoryView;
}

export class BatchResultView {
  @ApiProperty() created!: number;
  @ApiProperty() existing!: number;
  @ApiProperty({ type: [BatchItemResultView] }) results!: BatchItemResultView[];
}

export class MemoryVersionView {
  @ApiProperty({ format: 'uuid' }) memoryId!: string;
  @ApiProperty({ description: '1 for the first version replaced, counting up' }) version!: number;
  @ApiProperty() content!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When this version came to be' })
  validFrom!: string;
  @ApiProperty({ format: 'date-time', description: 'When a change replaced it' })
  replacedAt!: string;
  @ApiProperty({
    enum: ['current', 'superseded', 'retracted'],
    description: 'the status this version had',
  })
  status!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) supersededBy!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty() pinned!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) conversationId?: string | null;
  @ApiPropertyOptional({ format: 'date-time' }) occurredAt?: string;
  @ApiProperty({
    enum: ['updated', 'deleted', 'restored', 'superseded', 'retracted', 'expired'],
    description: 'What replaced it',
  })
  event!: string;
  @ApiProperty({
    description:
      'Who made the change: { via: "jwt" | "api-key" | "system", cause: "request" | ' +
      '"extraction" | "expiry" }',
  })
  by!: { via: string; cause: string };
  @ApiPropertyOptional({
    description:
      'Set when the version came from an import: its "by" is what the file claimed. ' +
      "{ at: when it was imported, via: the importer's credential }",
  })
  imported?: { at: string; via: string };
}

export class MemoryHistoryView {
  @ApiProperty({ type: [MemoryVersionView], description: 'Oldest first' })
  items!: MemoryVersionView[];
}
