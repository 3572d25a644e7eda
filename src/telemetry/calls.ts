/** Span + metrics around one model call and one tool call, for the agent's run loop. */
import type { Context, Span } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import { recordModelCall } from './metrics.js';
import { ATTR, failSpan, startChatSpan, startToolSpan } from './spans.js';

interface TracedModel {
  modelId: string;
  providerName?: string;
}

interface CallUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
}

/** Started before the request; `finish` or `fail` exactly once (later calls are ignored). */
export class ModelCallTrace {
  private readonly span: Span;
  private readonly started = performance.now();
  private done = false;

  constructor(
    parent: Context | undefined,
    private readonly model: TracedModel,
  ) {
    this.span = startChatSpan(parent, model).span;
  }

  finish(response: { finishReason: string; usage?: CallUsage } | undefined): void {
    if (this.done) return;
    this.done = true;
    const usage = response?.usage;
    if (response) this.span.setAttribute(ATTR.finishReasons, [response.finishReason]);
    if (usage) {
      this.span.setAttributes({
        [ATTR.inputTokens]: usage.inputTokens,
        [ATTR.outputTokens]: usage.outputTokens,
        ...(usage.cachedInputTokens !== undefined
          ? { [ATTR.cachedInputTokens]: usage.cachedInputTokens }
          : {}),
      });
    }
    this.span.end();
    recordModelCall(this.model, (performance.now() - this.started) / 1000, usage);
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    failSpan(this.span, error);
    this.span.end();
    const name = error instanceof Error ? error.name : 'Error';
    recordModelCall(this.model, (performance.now() - this.started) / 1000, undefined, name);
  }
}

/** Runs a tool under an `execute_tool` span; a result carrying an error marks the span as failed. */
export async function traceToolCall<R extends { error?: string }>(
  parent: Context | undefined,
  call: { name: string; callId: string },
  description: string | undefined,
  run: () => Promise<R>,
): Promise<R> {
  const { span } = startToolSpan(parent, call, description);
  try {
    const result = await run();
    if (result.error !== undefined) {
      span.setAttribute(ATTR.errorType, 'tool_error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.error });
    }
    return result;
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Ends the agent's span when its run ends (returns or throws), passing every event and the result through. */
export async function* traceAgentRun<E, R>(
  scope: { span: Span },
  run: AsyncGenerator<E, R>,
): AsyncGenerator<E, R> {
  try {
    return yield* run;
  } catch (error) {
    failSpan(scope.span, error);
    throw error;
  } finally {
    scope.span.end();
  }
}
