import type Database from 'better-sqlite3';
import {
  asksQuestion,
  neighbourField,
  type NeighbourWindow,
  type ThreadPosition,
} from '../signals/conversation-thread.js';

/** The id and FTS tables of one owner's index (see SqliteLexicalIndex). */
export interface NeighbourTables {
  ids: string;
  fts: string;
}

type Prepare = <P extends unknown[], R>(sql: string) => Database.Statement<P, R>;

interface ThreadRow {
  rid: number;
  body: string;
  context: string;
  /** The text as written: whether it asks a question shows in its punctuation. */
  document: string;
}

/** A message that was added to or taken out of a conversation: its slot changed. */
export type ChangedSlot = ThreadPosition & { id: string };

/**
 * Keeps each message's neighbour field (the `context` column of the id table, indexed by FTS5
 * beside `body`) in step with its conversation, whatever the order messages arrive, move or go
 * in: after a change, only the messages whose window holds the changed slot are written again.
 */
export class SqliteNeighbourFields {
  constructor(
    private readonly prepare: Prepare,
    private readonly window: NeighbourWindow,
  ) {}

  /** Refreshes the messages around each changed slot (after the change is written). */
  refreshAround(tables: NeighbourTables, slots: ChangedSlot[]): void {
    const { before, after } = this.window;
    if (before + after === 0) return;
    for (const slot of slots) {
      // A slot's change reaches `after` messages before it and `before` after it; those need
      // their own windows read too.
      const earlier = this.prepare<[string, number, number, string, number], ThreadRow>(
        `SELECT rid, body, context, document FROM ${tables.ids} WHERE thread = ?
           AND (said < ? OR (said = ? AND id < ?)) ORDER BY said DESC, id DESC LIMIT ?`,
      )
        .all(slot.thread, slot.at, slot.at, slot.id, before + after)
        .reverse();
      const later = this.prepare<[string, number, number, string, number], ThreadRow>(
        `SELECT rid, body, context, document FROM ${tables.ids} WHERE thread = ?
           AND (said > ? OR (said = ? AND id >= ?)) ORDER BY said, id LIMIT ?`,
      ).all(slot.thread, slot.at, slot.at, slot.id, before + after + 1);
      const rows = [...earlier, ...later];
      const first = Math.max(0, earlier.length - after);
      const last = Math.min(rows.length - 1, earlier.length + before);
      this.rewrite(tables, rows, first, last);
    }
  }

  /** Writes every conversation's neighbour fields (after a rebuild). */
  refreshAll(tables: NeighbourTables): void {
    if (this.window.before + this.window.after === 0) return;
    const threads = this.prepare<[], { thread: string }>(
      `SELECT DISTINCT thread FROM ${tables.ids} WHERE thread IS NOT NULL`,
    ).all();
    for (const { thread } of threads) {
      const rows = this.prepare<[string], ThreadRow>(
        `SELECT rid, body, context, document FROM ${tables.ids} WHERE thread = ? ORDER BY said, id`,
      ).all(thread);
      this.rewrite(tables, rows, 0, rows.length - 1);
    }
  }

  /** Rows first..last get the field their window in `rows` gives, where it changed. */
  private rewrite(tables: NeighbourTables, rows: ThreadRow[], first: number, last: number): void {
    const bodies = rows.map((row) => row.body);
    const asks = rows.map((row) => asksQuestion(row.document));
    for (let i = first; i <= last; i++) {
      const row = rows[i]!;
      const context = neighbourField(bodies, i, this.window, asks);
      if (context === row.context) continue;
      // FTS5 is told the old words, so its statistics forget them.
      this.prepare(
        `INSERT INTO ${tables.fts} (${tables.fts}, rowid, body, context) VALUES ('delete', ?, ?, ?)`,
      ).run(row.rid, row.body, row.context);
      this.prepare(`UPDATE ${tables.ids} SET context = ? WHERE rid = ?`).run(context, row.rid);
      this.prepare(`INSERT INTO ${tables.fts} (rowid, body, context) VALUES (?, ?, ?)`).run(
        row.rid,
        row.body,
        context,
      );
      row.context = context;
    }
  }
}
