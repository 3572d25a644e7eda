/**
 * The playground's renderer for one turn: turns workflow events into stream events for the page, and
 * collects the markers (handoffs, decisions, notices, the end) to persist with the thread when the turn ends.
 */

import { type ToolRun, toolsRunNotice, type WorkflowEvent } from '../../handoff/events.js';
import { FunctionApprovalRequest } from '../../handoff/requests.js';
import type { HandoffWorkflow } from '../../handoff/workflow.js';
import type { TurnSink } from '../conversation-driver.js';
import type { PlacedMark } from './thread-index.js';
import type { StreamEvent } from './view-types.js';

export const FAILURE_NOTICE =
  'Something went wrong while answering. The details are in the server log; please try again.';

export class PlaygroundTurn implements TurnSink {
  readonly marks: PlacedMark[] = [];
  /** The last visible message before this turn's first event (where a decision marker goes). */
  startedAfter: string | null | undefined;
  private lastMessageId: string | null | undefined;

  constructor(
    private readonly threadId: string,
    private readonly conversation: HandoffWorkflow,
    private readonly emit: (event: StreamEvent) => void,
    /** Set for approval clicks: announced once the driver starts settling it. */
    private readonly decision?: { requestId: string; approved: boolean },
  ) {}

  async event(e: WorkflowEvent): Promise<void> {
    if (this.lastMessageId === undefined) {
      // The turn's input is committed before its first event, so this is where the turn's markers start.
      this.lastMessageId = (await this.conversation.getConversation()).at(-1)?.messageId ?? null;
      this.startedAfter = this.lastMessageId;
      if (this.decision) this.emit({ type: 'decision', threadId: this.threadId, ...this.decision });
    }
    const threadId = this.threadId;
    switch (e.type) {
      case 'agent_run_update':
        this.emit({ type: 'delta', threadId, agent: e.agentId, text: e.text });
        break;
      case 'agent_response':
        this.lastMessageId = e.message.messageId ?? this.lastMessageId;
        this.emit({
          type: 'message',
          threadId,
          agent: e.agentId,
          id: e.message.messageId ?? '',
          text: e.message.text,
        });
        break;
      case 'handoff':
        this.mark({ kind: 'handoff', from: e.from, to: e.to, ...(e.reason ? { reason: e.reason } : {}) });
        break;
      case 'tool_call':
        this.emit({ type: 'tool', threadId, agent: e.agentId, name: e.call.name, phase: 'call' });
        break;
      case 'tool_result':
        this.emit({
          type: 'tool',
          threadId,
          agent: e.agentId,
          name: e.result.name ?? '',
          phase: 'result',
          ok: e.result.error === undefined,
        });
        break;
      case 'request_info':
        this.emit({
          type: 'pending',
          threadId,
          pending:
            e.data instanceof FunctionApprovalRequest
              ? {
                  kind: 'approval',
                  requestId: e.requestId,
                  agent: e.sourceAgentId,
                  tool: e.data.functionCall.name,
                  args: e.data.parseArguments(),
                }
              : { kind: 'user_input', requestId: e.requestId, agent: e.sourceAgentId },
        });
        break;
      case 'output':
        this.mark({ kind: 'ended' });
        break;
      case 'failed':
        // The model's or the store's words stay in the log: people get a short notice.
        this.mark({ kind: 'notice', level: 'error', text: withToolsRun(FAILURE_NOTICE, e.toolsRun) });
        break;
      case 'warning':
        this.mark({ kind: 'notice', level: 'warning', text: e.message });
        break;
      case 'status':
        break;
    }
  }

  private mark(mark: PlacedMark['mark']): void {
    this.marks.push({ after: this.lastMessageId ?? null, mark });
    this.emit({ type: 'mark', threadId: this.threadId, mark });
  }
}

/** The failure notice, plus which tools had run (their effects stand). */
function withToolsRun(text: string, toolsRun: readonly ToolRun[]): string {
  const ran = toolsRunNotice(toolsRun);
  return ran ? `${text} ${ran}` : text;
}
