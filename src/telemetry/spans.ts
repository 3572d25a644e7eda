/**
 * Baton's OpenTelemetry spans, on `@opentelemetry/api` only: without a registered SDK every call is a no-op.
 * Names and attributes follow the GenAI semantic conventions (`gen_ai.*`): `invoke_workflow` per turn,
 * `invoke_agent` per agent run, `chat` per model call, `execute_tool` per tool call; handoffs and approval
 * waits, which the conventions do not cover, are `baton.*` spans. Parents are passed explicitly (a `Context`),
 * because async generators do not carry the active context across `yield`.
 */
import {
  type Attributes,
  type Context,
  context as contextApi,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

export const TRACER_NAME = 'baton';

/** Attribute names used on Baton's spans and metrics. */
export const ATTR = {
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cachedInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  conversationId: 'gen_ai.conversation.id',
  agentName: 'gen_ai.agent.name',
  agentId: 'gen_ai.agent.id',
  agentDescription: 'gen_ai.agent.description',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolDescription: 'gen_ai.tool.description',
  workflowName: 'gen_ai.workflow.name',
  errorType: 'error.type',
  turnStatus: 'baton.turn.status',
  turnHandoffs: 'baton.turn.handoffs',
  modelCalls: 'baton.turn.model_calls',
  handoffFrom: 'baton.handoff.from',
  handoffTo: 'baton.handoff.to',
  handoffReason: 'baton.handoff.reason',
  approvalRequestId: 'baton.approval.request_id',
  approvalDecision: 'baton.approval.decision',
  approvalWaitSeconds: 'baton.approval.wait_seconds',
} as const;

function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** A started span and the context that makes it the parent of what happens inside it. */
export interface SpanScope {
  span: Span;
  context: Context;
}

function start(
  name: string,
  parent: Context | undefined,
  attributes: Attributes,
  kind: SpanKind = SpanKind.INTERNAL,
  startTime?: Date,
): SpanScope {
  const ctx = parent ?? contextApi.active();
  const span = tracer().startSpan(name, { kind, attributes, ...(startTime ? { startTime } : {}) }, ctx);
  return { span, context: trace.setSpan(ctx, span) };
}

/** Ends a span as failed, with the error's class as `error.type`. */
export function failSpan(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setAttribute(ATTR.errorType, err.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

export function startTurnSpan(workflowName: string, conversationId: string, parent?: Context): SpanScope {
  return start(`invoke_workflow ${workflowName}`, parent, {
    [ATTR.operation]: 'invoke_workflow',
    [ATTR.workflowName]: workflowName,
    [ATTR.conversationId]: conversationId,
  });
}

export function startAgentSpan(
  parent: Context | undefined,
  agent: { name: string; description: string },
  conversationId: string,
): SpanScope {
  return start(`invoke_agent ${agent.name}`, parent, {
    [ATTR.operation]: 'invoke_agent',
    [ATTR.agentName]: agent.name,
    [ATTR.agentId]: agent.name,
    ...(agent.description ? { [ATTR.agentDescription]: agent.description } : {}),
    [ATTR.conversationId]: conversationId,
  });
}

export function startChatSpan(
  parent: Context | undefined,
  model: { modelId: string; providerName?: string },
): SpanScope {
  return start(
    `chat ${model.modelId}`,
    parent,
    {
      [ATTR.operation]: 'chat',
      [ATTR.provider]: model.providerName ?? 'openai',
      [ATTR.requestModel]: model.modelId,
    },
    SpanKind.CLIENT,
  );
}

export function startToolSpan(
  parent: Context | undefined,
  call: { name: string; callId: string },
  description?: string,
): SpanScope {
  return start(`execute_tool ${call.name}`, parent, {
    [ATTR.operation]: 'execute_tool',
    [ATTR.toolName]: call.name,
    [ATTR.toolCallId]: call.callId,
    [ATTR.toolType]: 'function',
    ...(description ? { [ATTR.toolDescription]: description } : {}),
  });
}

/** A handoff is instantaneous; its span marks when and why control moved. */
export function recordHandoffSpan(
  parent: Context | undefined,
  from: string,
  to: string,
  reason?: string,
): void {
  const { span } = start(`baton.handoff ${from} → ${to}`, parent, {
    [ATTR.handoffFrom]: from,
    [ATTR.handoffTo]: to,
    ...(reason ? { [ATTR.handoffReason]: reason } : {}),
  });
  span.end();
}

/**
 * The time a tool call waited for a person: from the request (possibly days ago, in another process) to the
 * decision, recorded when the decision arrives, under the turn that carries it.
 */
export function recordApprovalWaitSpan(
  parent: Context | undefined,
  request: { requestId: string; agentId: string; createdAt: string; toolName: string; callId: string },
  approved: boolean,
): void {
  const requested = new Date(request.createdAt);
  const now = new Date();
  const valid = Number.isFinite(requested.getTime()) && requested <= now;
  const { span } = start(
    `baton.approval_wait ${request.toolName}`,
    parent,
    {
      [ATTR.approvalRequestId]: request.requestId,
      [ATTR.agentName]: request.agentId,
      [ATTR.toolName]: request.toolName,
      [ATTR.toolCallId]: request.callId,
      [ATTR.approvalDecision]: approved ? 'approved' : 'rejected',
      [ATTR.approvalWaitSeconds]: valid ? (now.getTime() - requested.getTime()) / 1000 : 0,
    },
    SpanKind.INTERNAL,
    valid ? requested : now,
  );
  span.end(now);
}
