/**
 * Renders one turn's workflow events into a Slack thread: streamed persona replies, handoff lines, approval
 * cards, closing and failure notices. It never routes, and a Slack failure never fails the turn (it is logged):
 * the conversation state is already safe in the store.
 */
import type { Persona } from '../../agents/agent.js';
import { type ToolRun, toolsRunNotice, type WorkflowEvent } from '../../handoff/events.js';
import { FunctionApprovalRequest } from '../../handoff/requests.js';
import type { TurnSink } from '../conversation-driver.js';
import type { Logger } from '../logger.js';
import { approvalCard } from './approval-card.js';
import { escapeMrkdwn } from './mrkdwn.js';
import type { PersonaPoster, ThreadTarget } from './persona-poster.js';
import { type MessageStream, openStream, type StreamingMode } from './streaming.js';
import { slackErrorCode, type WorkspaceCapabilities } from './workspace-capabilities.js';

export const NOTICES = {
  apology: "Sorry, something went wrong on my side and I couldn't finish that. Please try again in a moment.",
  closed: 'This conversation is complete. Reply in this thread if you need anything else.',
  warning: "I paused here to avoid going around in circles. Tell me how you'd like to continue.",
  thinking: 'is thinking…',
} as const;

export interface RendererOptions {
  target: ThreadTarget;
  poster: PersonaPoster;
  capabilities: WorkspaceCapabilities;
  personaOf: (agentId: string) => Persona;
  streaming: StreamingMode;
  updateIntervalMs: number;
  logger: Logger;
  /**
   * Called once, before the first event other than a failure is rendered: the turn's input was recorded (for a
   * decision turn, the click was accepted).
   */
  onFirstEvent?: () => Promise<void>;
}

export class SlackTurnRenderer implements TurnSink {
  private current: { agentId: string; stream: MessageStream } | undefined;
  private started = false;
  private apologized = false;

  constructor(private readonly options: RendererOptions) {}

  async event(e: WorkflowEvent): Promise<void> {
    if (!this.started) {
      this.started = true;
      // A failure as the very first event means nothing was recorded (e.g. the store refused the write).
      if (e.type !== 'failed') await this.safely('first event', async () => this.options.onFirstEvent?.());
    }
    await this.safely(e.type, () => this.render(e));
  }

  /** Ends any reply still streaming (end of the turn). */
  async close(): Promise<void> {
    await this.safely('close', () => this.closeCurrent());
  }

  /** Posts the apology once per turn (a failed event, or a failed turn result), saying which tools had run. */
  async apologize(toolsRun: readonly ToolRun[] = []): Promise<void> {
    await this.safely('apology', async () => {
      await this.closeCurrent();
      if (this.apologized) return;
      this.apologized = true;
      const ran = toolsRunNotice(toolsRun);
      const text = ran ? `${NOTICES.apology} ${escapeMrkdwn(ran)}` : NOTICES.apology;
      await this.options.poster.post(this.options.target, undefined, notice(`:warning: ${text}`));
    });
  }

  /** Shows "is thinking…" where Slack supports a status (assistant threads, i.e. DMs with the app). */
  async showThinking(): Promise<void> {
    const { target, capabilities, logger } = this.options;
    if (!target.channel.startsWith('D') || !capabilities.allows(target.workspace, 'status')) return;
    try {
      await target.client.assistant.threads.setStatus({
        channel_id: target.channel,
        thread_ts: target.threadTs,
        status: NOTICES.thinking,
      });
    } catch (error) {
      capabilities.refuse(target.workspace, 'status');
      logger.debug({ error: slackErrorCode(error) ?? String(error) }, 'assistant status unavailable');
    }
  }

  private async render(e: WorkflowEvent): Promise<void> {
    const { poster, target, personaOf } = this.options;
    switch (e.type) {
      case 'agent_run_update': {
        if (this.current?.agentId !== e.agentId) {
          await this.closeCurrent();
          this.current = { agentId: e.agentId, stream: this.open(e.agentId) };
        }
        await this.current.stream.append(e.text);
        return;
      }
      case 'agent_response': {
        const text = e.message.text;
        if (this.current?.agentId === e.agentId) {
          const { stream } = this.current;
          this.current = undefined;
          await stream.finish(text);
        } else {
          await this.closeCurrent();
          if (text.trim() !== '') await this.open(e.agentId).finish(text);
        }
        return;
      }
      case 'handoff': {
        await this.closeCurrent();
        const from = escapeMrkdwn(personaOf(e.from).displayName);
        const to = escapeMrkdwn(personaOf(e.to).displayName);
        const reason = e.reason ? ` · ${escapeMrkdwn(e.reason)}` : '';
        await poster.post(target, undefined, notice(`${from} → ${to}${reason}`));
        return;
      }
      case 'request_info': {
        await this.closeCurrent();
        // A HandoffAgentUserRequest needs no message: the agent's reply already asks the question.
        if (!(e.data instanceof FunctionApprovalRequest)) return;
        const persona = personaOf(e.sourceAgentId);
        await poster.post(target, persona, approvalCard(e.data, persona));
        return;
      }
      case 'output':
        await this.closeCurrent();
        await poster.post(target, undefined, notice(NOTICES.closed));
        return;
      case 'failed':
        await this.apologize(e.toolsRun);
        return;
      case 'warning': {
        await this.closeCurrent();
        // Notes about an answer (empty, cut off) say exactly that; safety stops share one line.
        const text =
          e.code === 'empty_response' || e.code === 'truncated_response'
            ? escapeMrkdwn(e.message)
            : NOTICES.warning;
        await poster.post(target, undefined, notice(`:warning: ${text}`));
        return;
      }
      case 'status':
        if (e.state !== 'in_progress') await this.closeCurrent();
        return;
      case 'tool_call':
      case 'tool_result':
        return;
    }
  }

  private open(agentId: string): MessageStream {
    const o = this.options;
    return openStream({
      poster: o.poster,
      capabilities: o.capabilities,
      target: o.target,
      persona: o.personaOf(agentId),
      mode: o.streaming,
      intervalMs: o.updateIntervalMs,
      logger: o.logger,
    });
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    await current?.stream.finish();
  }

  private async safely(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.options.logger.error(
        {
          event: what,
          error: slackErrorCode(error) ?? (error instanceof Error ? error.message : String(error)),
        },
        'could not render to Slack',
      );
    }
  }
}

/** A small grey line in the thread (posted as the app itself). */
function notice(text: string) {
  return { text, blocks: [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text }] }] };
}
