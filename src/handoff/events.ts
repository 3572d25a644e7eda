/**
 * Workflow events: classes (usable with `instanceof`, as in MAF) that also carry a `type` discriminator,
 * exported as one union, `WorkflowEvent`.
 */
import type { FunctionCallContent, FunctionResultContent } from '../agents/messages.js';
import type { Usage, UsageTotals } from '../agents/model.js';
import type { ConversationMessage, RequestData } from './requests.js';

/** A text delta from an agent's streamed response. */
export class AgentRunUpdateEvent {
  readonly type = 'agent_run_update' as const;
  constructor(
    readonly agentId: string,
    readonly text: string,
  ) {}
  /** MAF's name for the agent id. */
  get executorId(): string {
    return this.agentId;
  }
  /** MAF's name for the delta. */
  get data(): string {
    return this.text;
  }
}

/** A finished agent message that users see (its text and any attachments; tool traffic is separate). */
export class AgentResponseEvent {
  readonly type = 'agent_response' as const;
  constructor(
    readonly agentId: string,
    readonly message: ConversationMessage,
    /** Tokens of the model call that wrote this message, when the provider reported them. */
    readonly usage?: Usage,
  ) {}
}

/** Control moved from one agent to another. */
export class HandoffEvent {
  readonly type = 'handoff' as const;
  constructor(
    readonly from: string,
    readonly to: string,
    readonly reason?: string,
  ) {}
}

/** An agent started a tool call (shown by channels as a status). */
export class ToolCallEvent {
  readonly type = 'tool_call' as const;
  constructor(
    readonly agentId: string,
    readonly call: FunctionCallContent,
  ) {}
}

/** A tool call finished (with a result or an error the model will see). */
export class ToolResultEvent {
  readonly type = 'tool_result' as const;
  constructor(
    readonly agentId: string,
    readonly result: FunctionResultContent,
  ) {}
}

/** The workflow needs a person: user input or a tool approval. Answer with `sendResponses`. */
export class RequestInfoEvent<T extends RequestData = RequestData> {
  readonly type = 'request_info' as const;
  constructor(
    readonly requestId: string,
    readonly sourceAgentId: string,
    readonly data: T,
  ) {}
  /** MAF's name for the source agent. */
  get sourceExecutorId(): string {
    return this.sourceAgentId;
  }
}

/** The conversation ended (termination condition or `terminate()`): the whole visible conversation. */
export class WorkflowOutputEvent {
  readonly type = 'output' as const;
  constructor(readonly data: readonly ConversationMessage[]) {}
}

export type WorkflowRunState = 'in_progress' | 'idle' | 'idle_with_pending_requests' | 'failed';

export class WorkflowStatusEvent {
  readonly type = 'status' as const;
  constructor(
    readonly state: WorkflowRunState,
    /**
     * On the status that ends a turn (idle, awaiting a person, failed): the tokens of every model call of the
     * turn, including calls whose output users never see (tool calls, handoffs).
     */
    readonly usage?: UsageTotals,
  ) {}
}

/** A tool call of the failed turn that ran to a recorded result (its effect stands). */
export interface ToolRun {
  readonly name: string;
  readonly callId: string;
  /** false: it returned an error. */
  readonly ok: boolean;
}

export class WorkflowFailedEvent {
  readonly type = 'failed' as const;
  constructor(
    readonly error: { readonly name: string; readonly message: string },
    readonly agentId?: string,
    /** Tools that ran in this turn before it failed: an apology must say they ran. */
    readonly toolsRun: readonly ToolRun[] = [],
  ) {}
}

/**
 * The sentence an apology adds when tools ran before the failure, e.g. "Before that, these ran: issue_refund
 * (done)." — `undefined` when none ran.
 */
export function toolsRunNotice(toolsRun: readonly ToolRun[]): string | undefined {
  if (toolsRun.length === 0) return undefined;
  const list = toolsRun.map((t) => `${t.name} (${t.ok ? 'done' : 'failed'})`).join(', ');
  return `Before that, ${toolsRun.length === 1 ? 'this ran' : 'these ran'}: ${list}.`;
}

export type WorkflowWarningCode =
  | 'handoff_loop'
  | 'handoff_limit'
  | 'model_call_limit'
  | 'tool_round_limit'
  /** The agent answered with nothing a person can see. */
  | 'empty_response'
  /** The answer was cut off at the model's output limit (`finish_reason: length`). */
  | 'truncated_response';

/**
 * Something was stopped for safety (a loop, a cap) and the workflow asks the user how to go on, or an answer
 * needs a note (empty, cut off). `message` is the text to show.
 */
export class WorkflowWarningEvent {
  readonly type = 'warning' as const;
  constructor(
    readonly code: WorkflowWarningCode,
    readonly message: string,
    readonly agentId?: string,
  ) {}
}

export type WorkflowEvent =
  | AgentRunUpdateEvent
  | AgentResponseEvent
  | HandoffEvent
  | ToolCallEvent
  | ToolResultEvent
  | RequestInfoEvent
  | WorkflowOutputEvent
  | WorkflowStatusEvent
  | WorkflowFailedEvent
  | WorkflowWarningEvent;
