import { useState } from 'preact/hooks';
import { call, client, type Schemas } from '../api';
import { Field, FormMessage, useFormState } from '../form';
import { TableHead } from '../table-head';

type Message = Schemas['ConversationMessageDto'];
const ROLES = new Set(['user', 'assistant', 'system']);

/** "role: text" per line (a line without a known role continues the message before it). */
export function parseConversation(text: string): Message[] {
  const messages: Message[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(user|assistant|system)\s*:\s?(.*)$/i.exec(line);
    const role = match?.[1]?.toLowerCase();
    if (match && role && ROLES.has(role))
      messages.push({ role: role as Message['role'], content: match[2] ?? '' });
    else if (messages.length > 0 && line.trim())
      messages[messages.length - 1]!.content += `\n${line}`;
    else if (line.trim()) messages.push({ role: 'user', content: line });
  }
  return messages;
}

/** Paste a conversation, see what extraction would decide (dry run), then apply it. */
export function ExtractView() {
  const form = useFormState();
  const [text, setText] = useState('');
  const [receipt, setReceipt] = useState<Schemas['ExtractionReceiptView'] | null>(null);
  const run = (dryRun: boolean) =>
    form.run(async () =>
      setReceipt(
        await call(
          client.POST('/api/v1/memories/extract', {
            body: { messages: parseConversation(text), dryRun },
          }),
        ),
      ),
    );
  return (
    <div>
      <form
        class="card"
        aria-label="Extraction"
        onSubmit={(event) => {
          event.preventDefault();
          void run(true);
        }}
      >
        <Field
          label="Conversation (one “user: …” or “assistant: …” line per message)"
          name="messages"
          form={form}
        >
          {(props) => (
            <textarea
              {...props}
              rows={8}
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          )}
        </Field>
        <FormMessage form={form} />
        <div class="actions">
          <button type="submit" disabled={form.busy}>
            Dry run
          </button>
          <button
            type="button"
            class="secondary"
            disabled={form.busy || !receipt?.dryRun}
            onClick={() => run(false)}
          >
            Apply
          </button>
        </div>
      </form>
      {receipt && (
        <section class="card" aria-label="Decisions">
          <h2>{receipt.dryRun ? 'Decisions (dry run: nothing written)' : 'Applied'}</h2>
          <p class="muted">
            {receipt.model ?? 'no model'}, {receipt.chatCalls} chat calls,{' '}
            {receipt.usage.total.promptTokens}+{receipt.usage.total.completionTokens} tokens
          </p>
          {receipt.decisions.length === 0 && <p>No facts to remember.</p>}
          <table class="table">
            <TableHead columns={['Action', 'Fact', 'Acts on']} />
            <tbody>
              {receipt.decisions.map((decision) => (
                <tr>
                  <td>{decision.action}</td>
                  <td>
                    {String((decision.fact as { content?: unknown }).content ?? '')}
                    {decision.note && <p class="muted">{decision.note}</p>}
                  </td>
                  <td>{decision.content ?? decision.targetId ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
