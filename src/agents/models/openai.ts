/**
 * `ChatModel` on the `openai` package's Chat Completions API: OpenAI, Azure OpenAI (the SDK's `AzureOpenAI`
 * client) and any OpenAI-compatible server (Ollama, vLLM, LM Studio) through `baseURL`.
 */
import OpenAI, { AzureOpenAI } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import { BaseChatModel } from '../base-model.js';
import { type ChatMessage, type Content, makeFunctionCall } from '../messages.js';
import {
  type ChatModelRequest,
  type ChatModelResponse,
  type ChatModelStreamEvent,
  type FinishReason,
  ModelError,
  ModelHttpError,
  ModelRateLimitError,
  ModelResponseError,
  ModelTimeoutError,
  type Usage,
} from '../model.js';
import { toOpenAIMessages, toOpenAITools } from './openai-messages.js';

export interface OpenAIChatModelOptions {
  /** Model name (OpenAI) or deployment name (Azure OpenAI). */
  model: string;
  apiKey?: string;
  /** An OpenAI-compatible server, e.g. `http://127.0.0.1:11434/v1` for Ollama. */
  baseURL?: string;
  /** A ready client (`new OpenAI(...)` or `new AzureOpenAI(...)`); overrides apiKey/baseURL. */
  client?: OpenAI;
  /** SDK retries for 408/409/429/5xx and connection errors (default 2). */
  maxRetries?: number;
  /** Time limit for the request until the response starts, in ms (default 60 000). */
  timeoutMs?: number;
  /** Longest silence allowed inside a streamed response, in ms (default 60 000). */
  streamIdleTimeoutMs?: number;
  /** Ask for a usage chunk at the end of streams (default true; some compatible servers reject it). */
  includeStreamUsage?: boolean;
  temperature?: number;
  maxOutputTokens?: number;
  /** `gen_ai.provider.name` on telemetry (default `openai`; `azure()` sets `azure.ai.openai`). */
  providerName?: string;
}

export interface AzureOpenAIChatModelOptions
  extends Omit<OpenAIChatModelOptions, 'model' | 'client' | 'baseURL'> {
  endpoint: string;
  deployment: string;
  apiVersion?: string;
}

export class OpenAIChatModel extends BaseChatModel {
  readonly modelId: string;
  readonly providerName: string;
  readonly client: OpenAI;
  private readonly options: OpenAIChatModelOptions;

  constructor(options: OpenAIChatModelOptions) {
    super();
    this.options = options;
    this.modelId = options.model;
    this.providerName = options.providerName ?? 'openai';
    this.client =
      options.client ??
      new OpenAI({
        apiKey: options.apiKey ?? 'not-needed',
        ...(options.baseURL ? { baseURL: options.baseURL } : {}),
        maxRetries: options.maxRetries ?? 2,
        timeout: options.timeoutMs ?? 60_000,
      });
  }

  /** Azure OpenAI with an API key; for Entra ID pass `client: new AzureOpenAI({ azureADTokenProvider, ... })`. */
  static azure(options: AzureOpenAIChatModelOptions): OpenAIChatModel {
    const client = new AzureOpenAI({
      endpoint: options.endpoint,
      deployment: options.deployment,
      apiVersion: options.apiVersion ?? '2024-10-21',
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      maxRetries: options.maxRetries ?? 2,
      timeout: options.timeoutMs ?? 60_000,
    });
    return new OpenAIChatModel({
      providerName: 'azure.ai.openai',
      ...options,
      model: options.deployment,
      client,
    });
  }

  private params(request: ChatModelRequest): ChatCompletionCreateParamsBase {
    const tools = request.tools?.length ? toOpenAITools(request.tools) : undefined;
    return {
      model: this.options.model,
      messages: toOpenAIMessages(request.instructions, request.messages),
      ...(tools ? { tools } : {}),
      ...(tools && request.toolChoice ? { tool_choice: request.toolChoice } : {}),
      ...(tools && request.parallelToolCalls !== undefined
        ? { parallel_tool_calls: request.parallelToolCalls }
        : {}),
      ...(this.options.temperature !== undefined ? { temperature: this.options.temperature } : {}),
      ...(this.options.maxOutputTokens !== undefined
        ? { max_completion_tokens: this.options.maxOutputTokens }
        : {}),
    };
  }

  private requestOptions(signal: AbortSignal) {
    return {
      signal,
      ...(this.options.maxRetries !== undefined ? { maxRetries: this.options.maxRetries } : {}),
      ...(this.options.timeoutMs !== undefined ? { timeout: this.options.timeoutMs } : {}),
    };
  }

  override async complete(request: ChatModelRequest): Promise<ChatModelResponse> {
    const controller = linkedController(request.signal);
    try {
      const completion = await this.client.chat.completions.create(
        { ...this.params(request), stream: false },
        this.requestOptions(controller.signal),
      );
      const choice = completion.choices[0];
      if (!choice) throw new ModelResponseError('The model returned no choices.', this.modelId);
      const contents: Content[] = [];
      if (choice.message.content) contents.push({ type: 'text', text: choice.message.content });
      for (const call of choice.message.tool_calls ?? []) {
        if (call.type !== 'function') continue;
        contents.push(makeFunctionCall(call.id, call.function.name, call.function.arguments));
      }
      const response: ChatModelResponse = {
        message: { role: 'assistant', contents },
        finishReason: mapFinishReason(choice.finish_reason),
      };
      if (completion.usage) response.usage = mapUsage(completion.usage);
      return response;
    } catch (error) {
      throw this.mapError(error, false);
    } finally {
      controller.dispose();
    }
  }

  async *stream(request: ChatModelRequest): AsyncGenerator<ChatModelStreamEvent> {
    const controller = linkedController(request.signal);
    const idleMs = this.options.streamIdleTimeoutMs ?? 60_000;
    let stalled = false;
    let text = '';
    const calls = new Map<number, { id?: string; name?: string; args: string }>();
    let finishReason: FinishReason = 'stop';
    let usage: Usage | undefined;
    try {
      const stream = await this.client.chat.completions.create(
        {
          ...this.params(request),
          stream: true,
          ...(this.options.includeStreamUsage === false ? {} : { stream_options: { include_usage: true } }),
        },
        this.requestOptions(controller.signal),
      );
      const iterator = stream[Symbol.asyncIterator]();
      while (true) {
        const next = await withIdleTimeout(iterator.next(), idleMs, () => {
          stalled = true;
          controller.abort();
        });
        if (next.done) break;
        const chunk: ChatCompletionChunk = next.value;
        if (chunk.usage) {
          usage = mapUsage(chunk.usage);
          yield { type: 'usage', usage };
        }
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta;
        if (delta?.content) {
          text += delta.content;
          yield { type: 'text_delta', delta: delta.content };
        }
        for (const tc of delta?.tool_calls ?? []) {
          const entry = calls.get(tc.index) ?? { args: '' };
          if (tc.id) entry.id = tc.id;
          if (tc.function?.name) entry.name = (entry.name ?? '') + tc.function.name;
          const argumentsDelta = tc.function?.arguments ?? '';
          entry.args += argumentsDelta;
          calls.set(tc.index, entry);
          yield {
            type: 'tool_call_delta',
            index: tc.index,
            ...(tc.id ? { callId: tc.id } : {}),
            ...(tc.function?.name ? { name: tc.function.name } : {}),
            argumentsDelta,
          };
        }
        if (choice.finish_reason) finishReason = mapFinishReason(choice.finish_reason);
      }
      // The SDK ends an aborted stream quietly; a cut-off answer must not pass for a complete one.
      if (controller.signal.aborted) throw new OpenAI.APIUserAbortError();
    } catch (error) {
      throw this.mapError(error, stalled, idleMs);
    } finally {
      controller.dispose();
    }
    const contents: Content[] = [];
    if (text) contents.push({ type: 'text', text });
    for (const [index, c] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
      if (!c.name)
        throw new ModelResponseError(`Tool call #${index} in the stream has no function name.`, this.modelId);
      contents.push(makeFunctionCall(c.id ?? `call_${crypto.randomUUID()}`, c.name, c.args));
    }
    const message: ChatMessage = { role: 'assistant', contents };
    const response: ChatModelResponse = { message, finishReason };
    if (usage) response.usage = usage;
    yield { type: 'response', response };
  }

  private mapError(error: unknown, stalled: boolean, idleMs?: number): Error {
    if (error instanceof ModelError) return error;
    const id = this.modelId;
    if (stalled) {
      return new ModelTimeoutError(`Model "${id}" stream stalled: no data for ${idleMs} ms.`, id, {
        cause: error,
      });
    }
    if (error instanceof OpenAI.APIConnectionTimeoutError) {
      return new ModelTimeoutError(`Model "${id}" did not answer in time.`, id, { cause: error });
    }
    if (error instanceof OpenAI.APIUserAbortError)
      return new ModelError(`Model "${id}" call was aborted.`, id, { cause: error });
    if (error instanceof OpenAI.APIConnectionError) {
      return new ModelError(`Could not reach model "${id}": ${error.message}`, id, { cause: error });
    }
    if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
      const requestId = error.requestID ?? undefined;
      if (error.status === 429) {
        return new ModelRateLimitError(
          `Model "${id}" is rate limited (HTTP 429) after retries: ${error.message}`,
          id,
          retryAfterMs(error.headers),
          requestId,
          { cause: error },
        );
      }
      return new ModelHttpError(
        `Model "${id}" failed with HTTP ${error.status}: ${error.message}`,
        id,
        error.status,
        requestId,
        {
          cause: error,
        },
      );
    }
    if (error instanceof SyntaxError) {
      return new ModelResponseError(`Model "${id}" sent a malformed response: ${error.message}`, id, {
        cause: error,
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new ModelError(`Model "${id}" call failed: ${message}`, id, { cause: error });
  }
}

/** A controller aborted with the caller's signal; `dispose` detaches it so long-lived signals do not leak. */
function linkedController(signal: AbortSignal | undefined): AbortController & { dispose(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener('abort', onAbort, { once: true });
  return Object.assign(controller, { dispose: () => signal?.removeEventListener('abort', onAbort) });
}

async function withIdleTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`stream idle for ${ms} ms`));
    }, ms);
  });
  // The losing promise may reject later (aborted read); that rejection is expected and must not go unhandled.
  promise.catch(() => {});
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function mapFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'tool_calls':
    case 'length':
    case 'content_filter':
      return reason;
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}

function mapUsage(u: {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}): Usage {
  const usage: Usage = {
    inputTokens: u.prompt_tokens,
    outputTokens: u.completion_tokens,
    totalTokens: u.total_tokens ?? u.prompt_tokens + u.completion_tokens,
  };
  const cached = u.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number') usage.cachedInputTokens = cached;
  const reasoning = u.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') usage.reasoningTokens = reasoning;
  return usage;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const s = headers?.get('retry-after');
  if (s && Number.isFinite(Number(s))) return Number(s) * 1000;
  return undefined;
}
