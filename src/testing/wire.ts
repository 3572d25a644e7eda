/**
 * Pure helpers that turn scripted turns into the Chat Completions wire format the `openai` v6 SDK
 * parses (`ChatCompletion`, `ChatCompletionChunk`), and requests into {@link RecordedRequest}s.
 * Nothing here touches sockets, so the shapes can be read in one place.
 */
import type { RecordedRequest, ScriptedTurn } from './types.js';

export type FinishReason = NonNullable<ScriptedTurn['finishReason']>;

/** A tool call with its id assigned and its arguments encoded. */
export interface ResolvedToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

/** A turn with every default applied; what both the JSON and the SSE encodings are built from. */
export interface ResolvedTurn {
  id: string;
  created: number;
  model: string;
  text: string | undefined;
  toolCalls: ResolvedToolCall[];
  finishReason: FinishReason;
  usage: Usage;
}

export const DEFAULT_CHUNK_SIZE = 8;

/** The only model `GET /v1/models` lists; requests may still name any model, which is echoed back. */
export const SCRIPTED_MODEL_ID = 'scripted';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** A message's text: the string itself, or its `text` parts joined with newlines. */
function messageText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  return content
    .filter(isRecord)
    .map((part) => part.text)
    .filter((text): text is string => typeof text === 'string')
    .join('\n');
}

/** Whether the request asked for the trailing usage chunk (`stream_options.include_usage`). */
export function includeUsageRequested(request: RecordedRequest): boolean {
  const options = request.body.stream_options;
  return isRecord(options) && options.include_usage === true;
}

export function toRecordedRequest(
  path: string,
  method: string,
  headers: Record<string, string>,
  body: Record<string, unknown>,
): RecordedRequest {
  const messages = records(body.messages);
  const tools = records(body.tools);
  const lastUser = messages.findLast((message) => message.role === 'user');
  return {
    path,
    method,
    headers,
    body,
    model: typeof body.model === 'string' ? body.model : SCRIPTED_MODEL_ID,
    stream: body.stream === true,
    messages,
    tools,
    toolChoice: body.tool_choice,
    parallelToolCalls: typeof body.parallel_tool_calls === 'boolean' ? body.parallel_tool_calls : undefined,
    lastUserText: lastUser === undefined ? undefined : messageText(lastUser.content),
    toolNames: tools.flatMap((tool) => {
      const fn = tool.function;
      return tool.type === 'function' && isRecord(fn) && typeof fn.name === 'string' ? [fn.name] : [];
    }),
  };
}

function roughTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/**
 * Applies the defaults to a turn. `nextToolCallId` is called once per tool call without an id, so
 * ids stay unique across the server's lifetime.
 */
export function resolveTurn(
  turn: ScriptedTurn,
  request: RecordedRequest,
  ids: { completionId: string; nextToolCallId: () => string },
): ResolvedTurn {
  const toolCalls = (turn.toolCalls ?? []).map(
    (call): ResolvedToolCall => ({
      id: call.id ?? ids.nextToolCallId(),
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    }),
  );
  const completionChars =
    (turn.text ?? '').length +
    toolCalls.reduce((sum, call) => sum + call.name.length + call.arguments.length, 0);
  const promptTokens = turn.usage?.prompt_tokens ?? roughTokens(JSON.stringify(request.messages).length);
  const completionTokens = turn.usage?.completion_tokens ?? roughTokens(completionChars);
  return {
    id: ids.completionId,
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    text: turn.text,
    toolCalls,
    finishReason: turn.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: turn.usage?.cached_tokens ?? 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: turn.usage?.reasoning_tokens ?? 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
  };
}

/** The non-streaming `chat.completion` object. */
export function completionBody(turn: ResolvedTurn): Record<string, unknown> {
  const message: Record<string, unknown> = {
    role: 'assistant',
    // Like the real API: null when the model only called tools, never undefined.
    content: turn.text ?? (turn.toolCalls.length > 0 ? null : ''),
    refusal: null,
  };
  if (turn.toolCalls.length > 0) {
    message.tool_calls = turn.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: turn.id,
    object: 'chat.completion',
    created: turn.created,
    model: turn.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: turn.finishReason }],
    usage: turn.usage,
  };
}

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/**
 * The `chat.completion.chunk` objects of a streamed turn, in order: the role chunk, text deltas,
 * for each tool call a header delta (id, type, name, empty arguments) then argument pieces, and the
 * chunk with `finish_reason`. The usage chunk is separate ({@link usageChunk}) because it is only
 * sent on request and is not paced by `delayMs`.
 */
export function streamChunks(
  turn: ResolvedTurn,
  chunkSize: number,
  includeUsage: boolean,
): Array<Record<string, unknown>> {
  const chunk = (delta: Record<string, unknown>, finishReason: FinishReason | null = null) => ({
    id: turn.id,
    object: 'chat.completion.chunk',
    created: turn.created,
    model: turn.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    // The real API sends `usage: null` on every chunk when usage was requested.
    ...(includeUsage ? { usage: null } : {}),
  });
  const text = turn.text ?? '';
  const chunks = [chunk({ role: 'assistant', content: turn.text === undefined ? null : '', refusal: null })];
  for (const piece of pieces(text, chunkSize)) chunks.push(chunk({ content: piece }));
  turn.toolCalls.forEach((call, index) => {
    chunks.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
    );
    for (const piece of pieces(call.arguments, chunkSize)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  chunks.push(chunk({}, turn.finishReason));
  return chunks;
}

/** The trailing chunk sent when `stream_options.include_usage` is true. */
export function usageChunk(turn: ResolvedTurn): Record<string, unknown> {
  return {
    id: turn.id,
    object: 'chat.completion.chunk',
    created: turn.created,
    model: turn.model,
    choices: [],
    usage: turn.usage,
  };
}

export interface ErrorBody {
  error: { message: string; type: string; param: null; code: string | null };
}

export function errorBody(message: string, type: string, code: string | null): ErrorBody {
  return { error: { message, type, param: null, code } };
}

export function modelObject(id: string): Record<string, unknown> {
  return { id, object: 'model', created: 0, owned_by: 'baton-testing' };
}
