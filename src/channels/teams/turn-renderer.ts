/**
 * Renders one turn's workflow events into Teams activities, posted proactively (the HTTP request was answered
 * long ago): agents' messages under their persona, handoff lines, approval cards, typing, and — in personal
 * chats — the answer streamed as it is written. Send failures are logged, never thrown into the workflow.
 */
import type { Persona } from '../../agents/agent.js';
import { toolsRunNotice, type WorkflowEvent } from '../../handoff/events.js';
import { FunctionApprovalRequest } from '../../handoff/requests.js';
import type { TurnResult, TurnSink } from '../conversation-driver.js';
import type { Logger } from '../logger.js';
import { aiLabelEntity, cardAttachment } from './adaptive-card.js';
import { approvalCard } from './approval-card.js';
import type { ConversationSender, OutgoingActivity } from './bot-adapter.js';
import { agentMessage, failureNotice, handoffLine, smallLine, streamedText } from './persona-messages.js';
import { splitText } from './split-text.js';
import { type StreamTiming, TeamsStream } from './teams-stream.js';

export interface TurnRendererOptions {
  sender: ConversationSender;
  /** Stream answers (personal chats only: Teams answers 405 elsewhere). */
  streaming: boolean;
  personaOf(agentId: string): Persona;
  logger: Logger;
  streamTiming?: StreamTiming;
}

/** Teams shows a typing indicator for about 3 s; resend no more often than that. */
const TYPING_INTERVAL_MS = 3000;

export class TeamsTurnRenderer implements TurnSink {
  private stream: { agentId: string; stream: TeamsStream } | undefined;
  private lastTypingAt = 0;
  private failureShown = false;

  constructor(private readonly options: TurnRendererOptions) {}

  async event(e: WorkflowEvent): Promise<void> {
    switch (e.type) {
      case 'agent_run_update':
        return this.onDelta(e.agentId, e.text);
      case 'agent_response':
        return this.onResponse(e.agentId, e.message.text);
      case 'handoff': {
        await this.endStream();
        const { personaOf } = this.options;
        return this.send(handoffLine(personaOf(e.from), personaOf(e.to), e.reason));
      }
      case 'tool_call':
        return this.typing();
      case 'request_info':
        if (!(e.data instanceof FunctionApprovalRequest)) return;
        await this.endStream();
        return this.send({
          type: 'message',
          attachments: [cardAttachment(approvalCard(this.options.personaOf(e.data.agentId), e.data))],
        });
      case 'warning':
        return this.send(smallLine(`⚠️ ${e.message}`));
      case 'failed':
        await this.endStream();
        return this.showFailure(toolsRunNotice(e.toolsRun));
      default:
        return;
    }
  }

  /** After the driver finished the turn: close a dangling stream, and tell the user if the turn failed. */
  async close(result: TurnResult): Promise<void> {
    await this.endStream();
    if (result.status === 'failed') await this.showFailure();
  }

  private async onDelta(agentId: string, delta: string): Promise<void> {
    if (!this.options.streaming) return this.typing();
    if (this.stream?.agentId !== agentId) {
      await this.endStream();
      const persona = this.options.personaOf(agentId);
      const stream = new TeamsStream(
        this.options.sender,
        (text) => streamedText(persona, text),
        this.options.logger,
        [aiLabelEntity()],
        this.options.streamTiming,
      );
      stream.start(`${persona.displayName} is writing…`);
      this.stream = { agentId, stream };
    }
    this.stream.stream.append(delta);
  }

  private async onResponse(agentId: string, text: string): Promise<void> {
    const persona = this.options.personaOf(agentId);
    const open = this.stream?.agentId === agentId ? this.stream.stream : undefined;
    if (open) this.stream = undefined;
    if (!text.trim()) {
      await open?.abandon();
      return;
    }
    let rest = text;
    if (open) {
      const outcome = await open.finish(text);
      if (outcome.status === 'finished') return;
      if (outcome.status === 'partial') rest = text.slice(outcome.sentText.length).trimStart();
    }
    for (const part of splitText(rest)) await this.send(agentMessage(persona, part));
  }

  private async endStream(): Promise<void> {
    const open = this.stream;
    this.stream = undefined;
    await open?.stream.abandon();
  }

  private async typing(): Promise<void> {
    if (Date.now() - this.lastTypingAt < TYPING_INTERVAL_MS) return;
    this.lastTypingAt = Date.now();
    await this.send({ type: 'typing' });
  }

  private async showFailure(toolsRan?: string): Promise<void> {
    if (this.failureShown) return;
    this.failureShown = true;
    const notice = failureNotice();
    await this.send(toolsRan ? { ...notice, text: `${notice.text} ${toolsRan}` } : notice);
  }

  private async send(activity: OutgoingActivity): Promise<void> {
    try {
      await this.options.sender.send(activity);
    } catch (error) {
      const err =
        error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) };
      this.options.logger.warn({ err, activityType: activity.type }, 'Teams: could not send an activity');
    }
  }
}
