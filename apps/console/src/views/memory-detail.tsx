import { useEffect, useState } from 'preact/hooks';
import { call, client, type Memory, type Schemas } from '../api';
import { diffWords } from '../diff';
import { FormMessage, useFormState } from '../form';
import { MemoryForm } from './memory-form';

type Version = Schemas['MemoryVersionView'];

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

function Diff({ before, after }: { before: string; after: string }) {
  return (
    <p class="diff">
      {diffWords(before, after).map((part) =>
        part.kind === 'added' ? (
          <ins>{part.text}</ins>
        ) : part.kind === 'removed' ? (
          <del>{part.text}</del>
        ) : (
          part.text
        ),
      )}
    </p>
  );
}

/** The memories that superseded this one, newest last (a chain of corrections). */
async function supersededChain(memory: Memory): Promise<Memory[]> {
  const chain: Memory[] = [];
  let next = memory.supersededBy;
  while (next && chain.length < 10) {
    const newer: Memory = await call(
      client.GET('/api/v1/memories/{id}', { params: { path: { id: next } } }),
    );
    chain.push(newer);
    next = newer.supersededBy;
  }
  return chain;
}

interface Props {
  memory: Memory;
  onChanged: (memory: Memory | null) => void;
  onOpen: (id: string) => void;
}

/** One memory: edit, pin, delete, its history with each version's diff and undo, its supersession chain. */
export function MemoryDetail({ memory, onChanged, onOpen }: Props) {
  const actions = useFormState();
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [history, setHistory] = useState<Version[] | null>(null);
  const [chain, setChain] = useState<Memory[]>([]);
  const path = { params: { path: { id: memory.id } } };

  useEffect(() => {
    setHistory(null);
    setEditing(false);
    setConfirmDelete(false);
    void supersededChain(memory).then(setChain, () => setChain([]));
  }, [memory.id, memory.updatedAt]);

  const loadHistory = () =>
    actions.run(async () => {
      const page: Schemas['MemoryHistoryView'] = await call(
        client.GET('/api/v1/memories/{id}/history', path),
      );
      setHistory(page.items);
    });
  const togglePin = () =>
    actions.run(async () =>
      onChanged(
        await call(
          client.PATCH('/api/v1/memories/{id}', { ...path, body: { pinned: !memory.pinned } }),
        ),
      ),
    );
  const remove = () =>
    actions.run(async () => {
      await call(client.DELETE('/api/v1/memories/{id}', path));
      onChanged(null);
    });
  const restore = (version: number) =>
    actions.run(async () => {
      const restored: Memory = await call(
        client.POST('/api/v1/memories/{id}/history/{version}/restore', {
          params: { path: { id: memory.id, version } },
        }),
      );
      onChanged(restored);
      const page: Schemas['MemoryHistoryView'] = await call(
        client.GET('/api/v1/memories/{id}/history', path),
      );
      setHistory(page.items);
    });

  if (editing) {
    return (
      <MemoryForm
        memory={memory}
        onSaved={(saved) => {
          setEditing(false);
          onChanged(saved);
        }}
        onCancel={() => setEditing(false)}
      />
    );
  }
  // Each version is compared with the one that replaced it (the last with the memory as it is now).
  const versions = history ?? [];
  const after = (index: number) => versions[index + 1]?.content ?? memory.content;
  return (
    <section class="card" aria-label="Memory">
      <h2>Memory</h2>
      <p class="content">{memory.content}</p>
      <dl class="facts">
        <dt>Type</dt>
        <dd>{memory.type}</dd>
        <dt>Tags</dt>
        <dd>{memory.tags.join(', ') || '—'}</dd>
        <dt>Status</dt>
        <dd>{memory.status}</dd>
        <dt>Pinned</dt>
        <dd>{memory.pinned ? 'yes' : 'no'}</dd>
        <dt>Expires</dt>
        <dd>{when(memory.expiresAt)}</dd>
        <dt>Session</dt>
        <dd>{memory.sessionId ?? '—'}</dd>
        <dt>Conversation</dt>
        <dd>{memory.conversationId ?? '—'}</dd>
        <dt>Updated</dt>
        <dd>{when(memory.updatedAt)}</dd>
      </dl>
      {chain.length > 0 && (
        <div class="chain">
          <h3>Superseded by</h3>
          <ol>
            {chain.map((newer) => (
              <li>
                <button type="button" class="link" onClick={() => onOpen(newer.id)}>
                  {newer.content}
                </button>{' '}
                <span class="badge">{newer.status}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
      <FormMessage form={actions} />
      <div class="actions">
        <button type="button" onClick={() => setEditing(true)}>
          Edit
        </button>
        <button type="button" onClick={togglePin} disabled={actions.busy}>
          {memory.pinned ? 'Unpin' : 'Pin'}
        </button>
        <button type="button" onClick={loadHistory} disabled={actions.busy}>
          History
        </button>
        {confirmDelete ? (
          <span class="confirm" role="group" aria-label="Confirm delete">
            Delete this memory?{' '}
            <button type="button" class="danger" onClick={remove} disabled={actions.busy}>
              Yes, delete
            </button>
            <button type="button" class="secondary" onClick={() => setConfirmDelete(false)}>
              Keep it
            </button>
          </span>
        ) : (
          <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        )}
      </div>
      {history && (
        <div class="history">
          <h3>History</h3>
          {versions.length === 0 && <p>No earlier versions.</p>}
          <ol>
            {versions.map((version, index) => (
              <li key={version.version}>
                <p class="muted">
                  Version {version.version}, {version.event} {when(version.replacedAt)}
                </p>
                <Diff before={version.content} after={after(index)} />
                <button
                  type="button"
                  onClick={() => restore(version.version)}
                  disabled={actions.busy}
                >
                  Restore version {version.version}
                </button>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
