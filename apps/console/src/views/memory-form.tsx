import { useState } from 'preact/hooks';
import { call, client, type Memory } from '../api';
import { Field, FormMessage, useFormState } from '../form';

/** A datetime-local value (local time, no zone) for an ISO instant, and back. */
const toLocalInput = (iso: string | null) =>
  iso
    ? new Date(new Date(iso).getTime() - new Date().getTimezoneOffset() * 60_000)
        .toISOString()
        .slice(0, 16)
    : '';
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : null);
const tagList = (text: string) =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);

interface Props {
  /** The memory to edit; a new one when absent. */
  memory?: Memory;
  onSaved: (memory: Memory) => void;
  onCancel: () => void;
}

/** Creates a memory, or edits one: only what changed is sent, so an unchanged field keeps its value. */
export function MemoryForm({ memory, onSaved, onCancel }: Props) {
  const form = useFormState();
  const [content, setContent] = useState(memory?.content ?? '');
  const [type, setType] = useState(memory?.type ?? 'text');
  const [tags, setTags] = useState(memory?.tags.join(', ') ?? '');
  const [expires, setExpires] = useState(toLocalInput(memory?.expiresAt ?? null));
  const [pinned, setPinned] = useState(memory?.pinned ?? false);

  const save = (event: Event) => {
    event.preventDefault();
    void form.run(async () => {
      const expiresAt = fromLocalInput(expires);
      if (!memory) {
        const body = {
          content,
          type,
          tags: tagList(tags),
          pinned,
          ...(expiresAt ? { expiresAt } : {}),
        };
        onSaved(await call(client.POST('/api/v1/memories', { body })));
        return;
      }
      const changes = {
        ...(content !== memory.content ? { content } : {}),
        ...(type !== memory.type ? { type } : {}),
        ...(tags !== memory.tags.join(', ') ? { tags: tagList(tags) } : {}),
        ...(expires !== toLocalInput(memory.expiresAt) ? { expiresAt } : {}),
        ...(pinned !== memory.pinned ? { pinned } : {}),
      };
      onSaved(
        Object.keys(changes).length === 0
          ? memory
          : await call(
              client.PATCH('/api/v1/memories/{id}', {
                params: { path: { id: memory.id } },
                body: changes,
              }),
            ),
      );
    });
  };

  return (
    <form class="card" onSubmit={save} aria-label={memory ? 'Edit memory' : 'New memory'}>
      <h2>{memory ? 'Edit memory' : 'New memory'}</h2>
      <Field label="Content" name="content" form={form}>
        {(props) => (
          <textarea
            {...props}
            rows={3}
            value={content}
            onInput={(e) => setContent(e.currentTarget.value)}
          />
        )}
      </Field>
      <div class="row">
        <Field label="Type" name="type" form={form}>
          {(props) => (
            <input {...props} value={type} onInput={(e) => setType(e.currentTarget.value)} />
          )}
        </Field>
        <Field label="Tags (comma-separated)" name="tags" form={form}>
          {(props) => (
            <input {...props} value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
          )}
        </Field>
        <Field label="Expires" name="expiresAt" form={form}>
          {(props) => (
            <input
              {...props}
              type="datetime-local"
              value={expires}
              onInput={(e) => setExpires(e.currentTarget.value)}
            />
          )}
        </Field>
      </div>
      <label class="check">
        <input
          type="checkbox"
          checked={pinned}
          onChange={(e) => setPinned(e.currentTarget.checked)}
        />{' '}
        Pinned (never expires or decays)
      </label>
      <FormMessage form={form} />
      <div class="actions">
        <button type="submit" disabled={form.busy}>
          Save
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
