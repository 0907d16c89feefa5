import { Injectable, Logger } from '@nestjs/common';
import type { RestoreFollowUp } from '@memory-system/core';
import { LexicalSearch } from '@memory-system/retrieval';
import { StateStore } from '@memory-system/state';
import {
  type CollectionInfo,
  collectionNameForHash,
  homeHashOf,
  scanIds,
  SPACE_TAG,
  userHashOf,
  userHashOfCollection,
  VectorStore,
} from '@memory-system/vector';
import { withoutImpliedKeys } from '../domain/memory-record.mapper.js';
import { SPACES } from '../spaces/user-spaces.js';
import { SubjectErasures } from './subject-erasures.js';
import { subjectSpaces } from './subject-spaces.js';

type CollectionSpace = Omit<CollectionInfo, 'count'>;

const PAGE = 500;

/**
 * Subjects once had collections of their own (named by their own hash, as users' are); they now
 * live in homes their account's subjects share (homeHashOf). This moves what is still in the old
 * place into the new, tagged as the subject's, and drops the old collection: at every start (a
 * replica of an earlier version may have written there meanwhile: a rolling upgrade), and after
 * every restore (an archive may be older than the layout). A subject's reads see its home only,
 * so until then they miss what has not moved; the move is idempotent (an upsert by id), so one
 * cut short is simply run again. Looking costs a listing of collection names and of subjects.
 */
@Injectable()
export class SubjectHomeMoves implements RestoreFollowUp {
  readonly name = 'subject homes';
  private readonly logger = new Logger('SubjectHomes');

  constructor(
    private readonly state: StateStore,
    private readonly vectors: VectorStore,
    private readonly lexical: LexicalSearch,
    private readonly erasures: SubjectErasures,
  ) {}

  async afterRestore(): Promise<void> {
    await this.moveAll();
  }

  /** Moves every subject's own collections into its home; how many collections moved. */
  async moveAll(): Promise<number> {
    const collectionsByHash = new Map<string, CollectionSpace[]>();
    for (const collection of await this.vectors.listCollectionSpaces()) {
      const hash = userHashOfCollection(collection.name);
      if (hash) collectionsByHash.set(hash, [...(collectionsByHash.get(hash) ?? []), collection]);
    }
    // No memory collection at all (a first start): the state store need not be read.
    if (collectionsByHash.size === 0) return 0;
    let moved = 0;
    for await (const spaces of this.subjectsAndUnfinishedErasures()) {
      for (const space of spaces) {
        const hash = userHashOf(space);
        const own = collectionsByHash.get(hash);
        if (!own) continue;
        collectionsByHash.delete(hash);
        for (const collection of own) {
          await this.move(space, collection);
          moved++;
        }
        // A marker of the subject's own space says nothing any more: its home has its own.
        await this.state.delete(SPACES, hash);
        await this.lexical.changedElsewhere(hash);
      }
    }
    if (moved > 0) {
      this.logger.log(`Moved ${moved} subject collection(s) into their accounts' shared homes`);
    }
    return moved;
  }

  /** Subjects known, and subjects whose erasure was cut short (which must find their records). */
  private async *subjectsAndUnfinishedErasures(): AsyncGenerator<string[]> {
    yield* subjectSpaces(this.state);
    yield await this.erasures.allUnfinished();
  }

  private async move(space: string, own: CollectionSpace): Promise<void> {
    const home = {
      name: collectionNameForHash(homeHashOf(space), own),
      model: own.model,
      dimension: own.dimension,
    };
    const tag = userHashOf(space);
    const ids = scanIds((offset, limit) => this.vectors.readIds(own.name, { offset, limit }), {
      block: 10_000,
      overlap: 1_000,
    });
    for await (const block of ids) {
      for (let i = 0; i < block.length; i += PAGE) {
        const records = await this.vectors.readRecords(own.name, block.slice(i, i + PAGE));
        await this.vectors.writeCollection(
          home,
          records.map((record) => ({
            ...record,
            metadata: { ...withoutImpliedKeys(record.metadata), [SPACE_TAG]: tag },
          })),
        );
      }
    }
    await this.vectors.dropCollection(own.name);
  }
}
