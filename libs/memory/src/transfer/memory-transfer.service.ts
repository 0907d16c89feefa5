import { Injectable } from '@nestjs/common';
import { MemoryHistory } from '../history/memory-history.js';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  type Caller,
  DomainError,
  InvalidRequest,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  validateAs,
  vectorProblem,
} from '@memory-system/core';
import { sameSpace } from '@memory-system/inference';
import { scanIds, VectorStore } from '@memory-system/vector';
import type { ImportedMemory } from '../domain/memory.js';
import { toMemory } from '../domain/memory-record.mapper.js';
import { MemoryService } from '../memory.service.js';
import { UserSpaces } from '../spaces/user-spaces.js';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportHeader,
  ExportedMemoryLine,
  type ExportedVersion,
} from './export-format.js';

export interface ImportReport {
  /** Memories in the file. */
  memories: number;
  created: number;
  /** Already stored (same id, or same content and type): left as they are. */
  existing: number;
  /** Expired before the import: not stored, since they would never be returned. */
  expired: number;
  /** The file came from another embedding model or dimension than this user's: embedded anew. */
  reembedded: boolean;
  /** Whether the stored vectors are the file's (an export with embeddings, of this model). */
  vectorsFromFile: boolean;
}

/** Progress of a long export or import (the CLI prints it). */
export type TransferProgress = (done: number, total?: number) => void;

/** Memories read from and written to the store per step. */
const PAGE = 500;
/** Errors listed in one refusal; a file with more is mostly not an export. */
const MAX_LINE_ERRORS = 100;
/** Longest the check of a file runs before it lets other requests in (it then goes on). */
const SLICE_MS = 10;

/**
 * A user's memories as NDJSON, out and back in: for moving to another server, keeping a copy, or
 * loading memories prepared elsewhere. An import checks every line before it stores any.
 */
@Injectable()
export class MemoryTransferService {
  constructor(
    private readonly memories: MemoryService,
    private readonly spaces: UserSpaces,
    private readonly store: VectorStore,
    private readonly history: MemoryHistory,
  ) {}

  /** The header line, then one line per memory (paged by id, so deletes meanwhile skip nothing). */
  async *export(
    caller: Caller,
    options: { embeddings: boolean },
    progress: TransferProgress = () => undefined,
  ): AsyncGenerator<string> {
    const space = (await this.spaces.of(caller.userId)).serving.space;
    const header: ExportHeader = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: new Date().toISOString(),
      embeddingModel: space.model,
      dimension: space.dimension,
      embeddings: options.embeddings,
    };
    yield JSON.stringify(header) + '\n';
    const scope = { userId: caller.userId, ...space };
    const ids = scanIds((offset, limit) => this.store.ids(scope, { offset, limit }), {
      block: 10_000,
      overlap: 1_000,
    });
    let done = 0;
    for await (const block of ids) {
      for (let i = 0; i < block.length; i += PAGE) {
        const page = block.slice(i, i + PAGE);
        const records = await this.store.get(scope, page, { embeddings: options.embeddings });
        let lines = '';
        for (const record of records) {
          const memory = toMemory(record, space.model);
          const line: ExportedMemoryLine = {
            id: memory.id,
            content: memory.content,
            type: memory.type,
            tags: memory.tags,
            metadata: memory.metadata,
            ...(memory.sessionId ? { sessionId: memory.sessionId } : {}),
            ...(memory.conversationId ? { conversationId: memory.conversationId } : {}),
            ...(memory.occurredAt !== memory.createdAt ? { occurredAt: memory.occurredAt } : {}),
            createdAt: memory.createdAt,
            updatedAt: memory.updatedAt,
            ...(memory.expiresAt ? { expiresAt: memory.expiresAt } : {}),
            ...(memory.pinned ? { pinned: true } : {}),
            ...(memory.status !== 'current' ? { status: memory.status } : {}),
            ...(memory.supersededBy ? { supersededBy: memory.supersededBy } : {}),
            ...(options.embeddings && record.embedding ? { embedding: record.embedding } : {}),
          };
          const history = await this.history.versions(caller, memory.id);
          if (history.length) {
            line.history = history.map(({ memoryId: _, userId: __, ...version }) => version);
          }
          lines += JSON.stringify(line) + '\n';
        }
        done += records.length;
        progress(done);
        if (lines) yield lines;
      }
    }
  }

  /**
   * Checks the whole file (header and every line) and refuses it, naming each bad line, before
   * anything is stored; then stores it in pages. If the store fails midway, what this import
   * stored is removed again, so a file is imported whole or not at all.
   */
  async import(
    caller: Caller,
    text: string,
    progress: TransferProgress = () => undefined,
  ): Promise<ImportReport> {
    const space = (await this.spaces.of(caller.userId)).serving.space;
    const { header, items, histories, expired } = await this.parse(text, space);
    const created: string[] = [];
    let existing = 0;
    try {
      for (let i = 0; i < items.length; i += PAGE) {
        const outcomes = await this.memories.importMany(caller, items.slice(i, i + PAGE));
        for (const outcome of outcomes) {
          if (!outcome.created) {
            existing++;
            continue;
          }
          created.push(outcome.memory.id);
          // History comes along only with a memory stored now: a second import adds none.
          const versions = histories.get(outcome.memory.id) ?? [];
          await this.history.import(caller, outcome.memory.id, versions);
        }
        progress(Math.min(i + PAGE, items.length), items.length);
      }
    } catch (error) {
      await this.undo(caller, created);
      throw error;
    }
    return {
      memories: items.length + expired,
      created: created.length,
      existing,
      expired,
      reembedded: !sameSpace({ model: header.embeddingModel, dimension: header.dimension }, space),
      vectorsFromFile:
        header.embeddings &&
        sameSpace({ model: header.embeddingModel, dimension: header.dimension }, space),
    };
  }

  /** Best effort: if the store is down for this too, running the import again completes it. */
  private async undo(caller: Caller, ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += PAGE) {
      await this.memories.removeMany(caller, ids.slice(i, i + PAGE)).catch(() => undefined);
    }
  }

  private async parse(
    text: string,
    space: { model: string; dimension: number },
  ): Promise<{
    header: ExportHeader;
    items: ImportedMemory[];
    histories: Map<string, ExportedVersion[]>;
    expired: number;
  }> {
    const lines = text.split('\n');
    while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
    const header = this.header(lines[0]);
    // The file's vectors are used only where they are in this user's space.
    const keepVectors =
      header.embeddings &&
      sameSpace({ model: header.embeddingModel, dimension: header.dimension }, space);
    const errors: Array<{ field: string; messages: string[] }> = [];
    const items: ImportedMemory[] = [];
    const histories = new Map<string, ExportedVersion[]>();
    let expired = 0;
    const lineOfId = new Map<string, number>();
    let sliceStarted = performance.now();
    for (let index = 1; index < lines.length && errors.length < MAX_LINE_ERRORS; index++) {
      // Checking a large file takes seconds of CPU: in slices, so other requests are answered.
      if (performance.now() - sliceStarted > SLICE_MS) {
        await nextTurn();
        sliceStarted = performance.now();
      }
      const number = index + 1;
      const field = `line ${number}`;
      const raw = lines[index]!;
      if (raw.trim() === '') {
        errors.push({ field, messages: ['empty line'] });
        continue;
      }
      try {
        const line = await this.line(raw);
        const earlier = lineOfId.get(line.id.toLowerCase());
        if (earlier) throw new InvalidRequest(`id repeats line ${earlier}`);
        lineOfId.set(line.id.toLowerCase(), number);
        if (keepVectors && line.embedding && line.embedding.length !== space.dimension) {
          throw new InvalidRequest(
            `embedding has ${line.embedding.length} numbers; the header says ${space.dimension}`,
          );
        }
        // A vector Chroma cannot keep (it would store NaN) would make every later backup unrestorable.
        const unfit = keepVectors && line.embedding ? vectorProblem(line.embedding) : undefined;
        if (unfit) throw new InvalidRequest(`embedding ${unfit}`);
        if (line.expiresAt && Date.parse(line.expiresAt) <= Date.now() && !line.pinned) {
          expired++; // it would never be returned: nothing to store
          continue;
        }
        if (line.history?.length) histories.set(line.id.toLowerCase(), line.history);
        items.push({
          id: line.id.toLowerCase(),
          content: line.content,
          type: line.type,
          tags: line.tags,
          metadata: line.metadata,
          conversationId: line.conversationId,
          occurredAt: line.occurredAt,
          createdAt: new Date(line.createdAt).toISOString(),
          updatedAt: new Date(line.updatedAt).toISOString(),
          expiresAt: line.expiresAt,
          pinned: line.pinned,
          status: line.status,
          supersededBy: line.supersededBy,

          // Sessions are not carried across: the file's session ids name nothing here.
          ...(keepVectors && line.embedding ? { embedding: line.embedding } : {}),
        });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const fields = error.extensions.errors as Array<{ field: string; messages: string[] }>;
        errors.push({
          field,
          messages: fields?.length
            ? fields.map((f) => `${f.field}: ${f.messages.join(', ')}`)
            : [error.message],
        });
      }
    }
    if (errors.length > 0) {
      const summary = errors
        .slice(0, 5)
        .map((e) => `${e.field}: ${e.messages.join('; ')}`)
        .join(' | ');
      throw new InvalidRequest(
        `Nothing was imported: ${errors.length}${errors.length >= MAX_LINE_ERRORS ? '+' : ''} bad line(s). ${summary}`,
        errors,
      );
    }
    return { header, items, histories, expired };
  }

  private header(first: string | undefined): ExportHeader {
    const refuse = (why: string) =>
      new InvalidRequest(`line 1: ${why}`, [{ field: 'line 1', messages: [why] }]);
    if (!first) throw refuse('the file is empty');
    let header: Partial<ExportHeader>;
    try {
      header = JSON.parse(first) as Partial<ExportHeader>;
    } catch {
      throw refuse('not JSON; an export starts with its header line');
    }
    if (header?.format !== EXPORT_FORMAT) {
      throw refuse(`not a memory-system export (format must be "${EXPORT_FORMAT}")`);
    }
    if (!Number.isInteger(header.version) || header.version! > EXPORT_VERSION) {
      throw refuse(
        `version ${String(header.version)} is newer than this server reads (${EXPORT_VERSION})`,
      );
    }
    if (
      typeof header.embeddingModel !== 'string' ||
      !Number.isInteger(header.dimension) ||
      typeof header.embeddings !== 'boolean'
    ) {
      throw refuse('the header needs embeddingModel, dimension and embeddings');
    }
    return header as ExportHeader;
  }

  private async line(raw: string): Promise<ExportedMemoryLine> {
    // Judged before parsing: the validators recurse, and a line nested 100,000 deep overflows them.
    if (nestsDeeperThan(Buffer.from(raw), MAX_JSON_DEPTH)) {
      throw new InvalidRequest(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new InvalidRequest(`not JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InvalidRequest('not a JSON object');
    }
    return validateAs(ExportedMemoryLine, value);
  }
}
