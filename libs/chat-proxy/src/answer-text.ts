/**
 * The assistant's text in a chat completion answer, read back from its bytes: the message
 * content of a JSON answer, or the content deltas of a server-sent event stream. Undefined when
 * there is none (tool calls only, or an answer that could not be read).
 */
export function answerText(body: string, streamed: boolean): string | undefined {
  const text = streamed ? streamedText(body) : jsonText(body);
  return text?.trim() ? text : undefined;
}

function jsonText(body: string): string | undefined {
  try {
    const content = (JSON.parse(body) as { choices?: Array<{ message?: { content?: unknown } }> })
      .choices?.[0]?.message?.content;
    return typeof content === 'string' ? content : undefined;
  } catch {
    return undefined;
  }
}

function streamedText(body: string): string | undefined {
  let text = '';
  for (const line of body.split('\n')) {
    const data = line.startsWith('data:') ? line.slice(5).trim() : '';
    if (!data || data === '[DONE]') continue;
    try {
      const delta = (
        JSON.parse(data) as { choices?: Array<{ index?: number; delta?: { content?: unknown } }> }
      ).choices?.find((c) => (c.index ?? 0) === 0)?.delta?.content;
      if (typeof delta === 'string') text += delta;
    } catch {
      return undefined;
    }
  }
  return text;
}
