/**
 * One turn's OpenTelemetry span and metrics, fed by the events the turn yields: its outcome, handoffs and
 * tokens end up as attributes of the `invoke_workflow` span and in the turn metrics.
 */
import type { Context, Span } from '@opentelemetry/api';
import { recordPendingApprovals, recordTurn } from '../telemetry/metrics.js';
import { ATTR, failSpan, recordApprovalWaitSpan, startTurnSpan } from '../telemetry/spans.js';
import type { WorkflowEvent } from './events.js';
import type { FunctionApprovalResponse } from './requests.js';
import type { PendingRequest } from './state.js';

export class TurnTrace {
  private readonly span: Span;
  readonly context: Context;
  private readonly started = performance.now();
  private status = 'incomplete';
  private handoffs = 0;
  private errorType: string | undefined;

  constructor(
    private readonly workflowName: string,
    conversationId: string,
  ) {
    const scope = startTurnSpan(workflowName, conversationId);
    this.span = scope.span;
    this.context = scope.context;
  }

  observe(e: WorkflowEvent): void {
    if (e.type === 'handoff') this.handoffs++;
    else if (e.type === 'failed') this.errorType = e.error.name;
    else if (e.type === 'status' && e.state !== 'in_progress') {
      this.status = e.state;
      if (e.usage) {
        this.span.setAttributes({
          [ATTR.inputTokens]: e.usage.inputTokens,
          [ATTR.outputTokens]: e.usage.outputTokens,
          [ATTR.modelCalls]: e.usage.modelCalls,
        });
      }
    }
  }

  fail(error: unknown): void {
    failSpan(this.span, error);
    this.errorType ??= error instanceof Error ? error.name : 'Error';
  }

  end(conversationId: string): void {
    this.span.setAttributes({
      [ATTR.conversationId]: conversationId,
      [ATTR.turnStatus]: this.status,
      [ATTR.turnHandoffs]: this.handoffs,
    });
    this.span.end();
    recordTurn(this.workflowName, this.status, (performance.now() - this.started) / 1000, this.errorType);
  }
}

/** A person decided an approval: the wait becomes a span, and one fewer approval is pending. */
export function traceApprovalDecision(
  parent: Context | undefined,
  workflowName: string,
  request: Extract<PendingRequest, { kind: 'function_approval' }>,
  response: FunctionApprovalResponse,
): void {
  recordApprovalWaitSpan(
    parent,
    {
      requestId: request.requestId,
      agentId: request.agentId,
      createdAt: request.createdAt,
      toolName: request.functionCall.name,
      callId: request.functionCall.callId,
    },
    response.approved,
  );
  recordPendingApprovals(workflowName, -1);
}
