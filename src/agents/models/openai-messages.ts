/** Converts Baton messages to Chat Completions messages, keeping what the wire format demands valid. */
import type {
  ChatCompletionContentPart,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { ChatMessage, Content, FunctionResultContent } from '../messages.js';
import type { ToolDefinition } from '../tool.js';

const NAME_PATTERN = /[^A-Za-z0-9_-]/g;

/** The `name` field must match ^[A-Za-z0-9_-]{1,64}$ on OpenAI. */
function wireName(authorName: string | undefined): string | undefined {
  if (!authorName) return undefined;
  const n = authorName.replace(NAME_PATTERN, '_').slice(0, 64);
  return n || undefined;
}

export function functionResultText(r: FunctionResultContent): string {
  if (r.error !== undefined) return `Error: ${r.error}`;
  return typeof r.result === 'string' ? r.result : JSON.stringify(r.result ?? null);
}

function userParts(contents: readonly Content[]): ChatCompletionContentPart[] {
  const parts: ChatCompletionContentPart[] = [];
  for (const c of contents) {
    switch (c.type) {
      case 'text':
        parts.push({ type: 'text', text: c.text });
        break;
      case 'uri':
        if (c.mediaType.startsWith('image/')) parts.push({ type: 'image_url', image_url: { url: c.uri } });
        else
          parts.push({
            type: 'text',
            text: `[Attached file${c.name ? ` ${c.name}` : ''} (${c.mediaType}): ${c.uri}]`,
          });
        break;
      case 'data': {
        const url = `data:${c.mediaType};base64,${c.data}`;
        if (c.mediaType.startsWith('image/')) parts.push({ type: 'image_url', image_url: { url } });
        // Chat Completions accepts inline files only as PDF; anything else would fail every later turn.
        else if (c.mediaType === 'application/pdf') {
          parts.push({ type: 'file', file: { file_data: url, filename: c.name ?? 'attachment.pdf' } });
        } else
          parts.push({
            type: 'text',
            text: `[Attached file${c.name ? ` ${c.name}` : ''} (${c.mediaType}), not shown to the model]`,
          });
        break;
      }
      default:
        // Approval plumbing and tool traffic are not user-visible content.
        break;
    }
  }
  return parts;
}

function textOf(contents: readonly Content[]): string {
  return contents
    .filter((c) => c.type === 'text')
    .map((c) => (c.type === 'text' ? c.text : ''))
    .join('\n');
}

export function toOpenAIMessages(
  instructions: string | undefined,
  messages: readonly ChatMessage[],
): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (instructions) out.push({ role: 'system', content: instructions });
  for (const m of messages) {
    switch (m.role) {
      case 'system': {
        const text = textOf(m.contents);
        if (text) out.push({ role: 'system', content: text });
        break;
      }
      case 'user': {
        const parts = userParts(m.contents);
        if (parts.length === 0) break;
        const name = wireName(m.authorName);
        const onlyText = parts.every((p) => p.type === 'text');
        const content = onlyText ? parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n') : parts;
        out.push(name ? { role: 'user', content, name } : { role: 'user', content });
        break;
      }
      case 'assistant': {
        const text = textOf(m.contents);
        const toolCalls: ChatCompletionMessageFunctionToolCall[] = [];
        for (const c of m.contents) {
          if (c.type === 'function_call') {
            toolCalls.push({
              id: c.callId,
              type: 'function',
              function: { name: c.name, arguments: c.arguments },
            });
          }
        }
        if (!text && toolCalls.length === 0) break;
        const name = wireName(m.authorName);
        const prev = out.at(-1);
        // One model response may be stored as two messages (public text + private calls): join them again.
        if (prev && prev.role === 'assistant' && !prev.tool_calls?.length && prev.name === name) {
          if (text) prev.content = prev.content ? `${String(prev.content)}\n${text}` : text;
          if (toolCalls.length) prev.tool_calls = toolCalls;
          break;
        }
        out.push({
          role: 'assistant',
          content: text || null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          ...(name ? { name } : {}),
        });
        break;
      }
      case 'tool':
        for (const c of m.contents) {
          if (c.type === 'function_result') {
            out.push({ role: 'tool', tool_call_id: c.callId, content: functionResultText(c) });
          }
        }
        break;
    }
  }
  return repairToolPairs(out);
}

/**
 * Chat Completions rejects a request where an assistant `tool_calls` message is not followed by a tool
 * message for each call, or where a tool message answers no call. A transcript restored after a crash can
 * have either; repair rather than fail the conversation.
 */
export function repairToolPairs(messages: ChatCompletionMessageParam[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === 'tool') continue; // emitted right after their assistant message below
    out.push(m);
    if (m.role !== 'assistant' || !m.tool_calls?.length) continue;
    const results = new Map<string, ChatCompletionMessageParam>();
    for (let j = i + 1; j < messages.length && messages[j]!.role === 'tool'; j++) {
      const t = messages[j]!;
      if (t.role === 'tool') results.set(t.tool_call_id, t);
    }
    // Results may also arrive later (after a pause for approval); look ahead past other messages.
    for (let j = i + 1; j < messages.length; j++) {
      const t = messages[j]!;
      if (t.role === 'tool' && !results.has(t.tool_call_id)) results.set(t.tool_call_id, t);
    }
    for (const call of m.tool_calls) {
      out.push(
        results.get(call.id) ?? {
          role: 'tool',
          tool_call_id: call.id,
          content: 'Error: no result was recorded for this call.',
        },
      );
    }
  }
  return out;
}

export function toOpenAITools(tools: readonly ToolDefinition[]): ChatCompletionTool[] {
  return tools.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: t.parameters },
  }));
}
