/**
 * The model interface agents call. One streaming call; `complete` is the non-streaming convenience.
 * Implementations: `OpenAIChatModel` (OpenAI, Azure OpenAI, any OpenAI-compatible server).
 */
import { BatonError, type BatonErrorCode } from '../errors.js';
import type { ChatMessage } from './messages.js';
import type { ToolDefinition } from './tool.js';

export interface ChatModelRequest {
  /** System instructions, sent first. */
  instructions?: string;
  messages: readonly ChatMessage[];
  tools?: readonly ToolDefinition[];
  toolChoice?: 'auto' | 'none' | 'required';
  /** Whether the model may call several tools in one response (default: the provider's default). */
  parallelToolCalls?: boolean;
  signal?: AbortSignal;
}

/** Tokens of one model call (or a sum of calls), as the provider counted them. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Input tokens served from the provider's prompt cache (part of `inputTokens`), when reported. */
  cachedInputTokens?: number;
  /** Output tokens spent on hidden reasoning (part of `outputTokens`), when reported. */
  reasoningTokens?: number;
}

/** A sum of calls' usage and how many calls it covers: a turn's or a conversation's. */
export interface UsageTotals extends Usage {
  modelCalls: number;
}

export function emptyUsage(): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0, modelCalls: 0 };
}

/** Adds one call's usage to a running total, in place (optional counts only once some call reported them). */
export function addUsage(total: UsageTotals, call: Usage): UsageTotals {
  total.inputTokens += call.inputTokens;
  total.outputTokens += call.outputTokens;
  total.totalTokens += call.totalTokens;
  total.modelCalls += 1;
  if (call.cachedInputTokens !== undefined)
    total.cachedInputTokens = (total.cachedInputTokens ?? 0) + call.cachedInputTokens;
  if (call.reasoningTokens !== undefined)
    total.reasoningTokens = (total.reasoningTokens ?? 0) + call.reasoningTokens;
  return total;
}

export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'other';

export interface ChatModelResponse {
  /** The assistant message: text and/or function calls (arguments raw and parsed). */
  message: ChatMessage;
  finishReason: FinishReason;
  usage?: Usage;
}

export type ChatModelStreamEvent =
  | { type: 'text_delta'; delta: string }
  | { type: 'tool_call_delta'; index: number; callId?: string; name?: string; argumentsDelta: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'response'; response: ChatModelResponse };

export interface ChatModel {
  /** For logs and errors: the model or deployment name. */
  readonly modelId: string;
  /** `gen_ai.provider.name` on telemetry, e.g. `openai`, `azure.ai.openai` (default `openai`). */
  readonly providerName?: string;
  /** Streams one model response. The last event is always `response` (the assembled message). */
  stream(request: ChatModelRequest): AsyncIterable<ChatModelStreamEvent>;
  /** One model response without streaming events. */
  complete(request: ChatModelRequest): Promise<ChatModelResponse>;
}

/** Base for model errors: the conversation driver shows the user a short notice and keeps the state. */
export class ModelError extends BatonError {
  readonly code: BatonErrorCode = 'BATON_MODEL';
  override readonly name: string = 'ModelError';
  constructor(
    message: string,
    readonly modelId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The provider answered with an HTTP error after the SDK's retries ran out. */
export class ModelHttpError extends ModelError {
  override readonly code: BatonErrorCode = 'BATON_MODEL_HTTP';
  override readonly name: string = 'ModelHttpError';
  constructor(
    message: string,
    modelId: string,
    readonly status: number,
    readonly requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, modelId, options);
  }
}

/** HTTP 429 after retries. `retryAfterMs` is the provider's hint, when it gave one. */
export class ModelRateLimitError extends ModelHttpError {
  override readonly code: BatonErrorCode = 'BATON_MODEL_RATE_LIMIT';
  override readonly name: string = 'ModelRateLimitError';
  constructor(
    message: string,
    modelId: string,
    readonly retryAfterMs?: number,
    requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, modelId, 429, requestId, options);
  }
}

/** No response (or no stream progress) within the configured time. */
export class ModelTimeoutError extends ModelError {
  override readonly code: BatonErrorCode = 'BATON_MODEL_TIMEOUT';
  override readonly name: string = 'ModelTimeoutError';
}

/** The provider's response could not be understood (malformed JSON, an unknown stream shape). */
export class ModelResponseError extends ModelError {
  override readonly code: BatonErrorCode = 'BATON_MODEL_RESPONSE';
  override readonly name: string = 'ModelResponseError';
}

/** Collects a stream into its final response (for `complete` implementations). */
export async function collectResponse(
  events: AsyncIterable<ChatModelStreamEvent>,
): Promise<ChatModelResponse> {
  let response: ChatModelResponse | undefined;
  for await (const e of events) if (e.type === 'response') response = e.response;
  if (!response) throw new Error('The model stream ended without a response event.');
  return response;
}
