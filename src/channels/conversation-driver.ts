/**
 * The channel-neutral conversation driver: every chat channel (Slack, Teams, the playground) hands it
 * normalized inbound messages and approval clicks; it deduplicates them, runs one turn at a time per
 * conversation (conversations in parallel), retries lost races, authorizes approvers, and streams the
 * workflow's events to the channel's sink. Channels render; they never route.
 */
import { createHash } from 'node:crypto';
import type { Content } from '../agents/messages.js';
import type { ConversationRun } from '../handoff/conversation-run.js';
import { UnknownRequestError } from '../handoff/errors.js';
import type { WorkflowEvent } from '../handoff/events.js';
import { FunctionApprovalRequest } from '../handoff/requests.js';
import type { HandoffWorkflow } from '../handoff/workflow.js';
import { ConcurrentUpdateError } from '../store/checkpoint-storage.js';
import type { IdempotencyStore } from '../store/idempotency.js';
import { type Logger, silentLogger } from './logger.js';

export interface ChannelUser {
  /** Stable id on the platform (Slack user id, AAD object id, playground user). */
  id: string;
  name?: string;
}

export type Inbound =
  | {
      type: 'message';
      conversationKey: string;
      user: ChannelUser;
      /** Text and attachments (images and files by URI or data). */
      contents: Content[];
      /** The platform's delivery id (Slack event_id, Teams activity id): processed once. */
      eventId?: string;
    }
  | {
      type: 'decision';
      conversationKey: string;
      user: ChannelUser;
      requestId: string;
      approved: boolean;
      eventId?: string;
    };

/** Where a turn's events go: the channel's renderer. Called in order; awaited. */
export interface TurnSink {
  event(event: WorkflowEvent): Promise<void> | void;
}

export type DecisionResult =
  | { status: 'settled'; request: FunctionApprovalRequest; approved: boolean }
  /** Unknown, stale, already decided, or from another conversation. */
  | { status: 'not_pending' }
  | { status: 'forbidden'; request: FunctionApprovalRequest };

export type TurnResult =
  | { status: 'processed'; decision?: DecisionResult }
  | { status: 'duplicate' }
  | { status: 'failed'; error: Error };

export interface ApproverContext {
  request: FunctionApprovalRequest;
  user: ChannelUser;
  /** The person who started the conversation (the default approver). */
  starterId: string | undefined;
  conversationKey: string;
}
/** Per tool: user ids allowed to approve, or a predicate. Tools not listed: the conversation's starter. */
export type ApproverRule = readonly string[] | ((context: ApproverContext) => boolean | Promise<boolean>);

export interface ConversationDriverOptions {
  /** The workflow; each conversation runs on `workflow.forConversation(key)`. */
  workflow: HandoffWorkflow;
  /** Deduplicates deliveries by `eventId` (Slack retries, double clicks). */
  idempotency?: IdempotencyStore;
  approvers?: Readonly<Record<string, ApproverRule>>;
  /** Retries of a turn that lost a race with another writer (default 5). */
  maxConflictRetries?: number;
  logger?: Logger;
}

export class ConversationDriver {
  readonly workflow: HandoffWorkflow;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly options: ConversationDriverOptions;
  private readonly logger: Logger;

  constructor(options: ConversationDriverOptions) {
    this.options = options;
    this.workflow = options.workflow;
    this.logger = options.logger ?? silentLogger;
  }

  /** Conversations with a turn queued or running. */
  get activeConversations(): number {
    return this.queues.size;
  }

  /**
   * Processes one inbound: resolves when its turn has run (channels call this *after* acking the platform).
   * Turns of one conversation run one at a time, in arrival order.
   */
  async handle(inbound: Inbound, sink: TurnSink): Promise<TurnResult> {
    const log = this.logger.child({
      conversation: inbound.conversationKey,
      ...(inbound.eventId ? { eventId: inbound.eventId } : {}),
    });
    const claimKey = inbound.eventId ? `event:${inbound.eventId}` : undefined;
    if (claimKey && this.options.idempotency && !(await this.options.idempotency.claim(claimKey))) {
      log.info({ type: inbound.type }, 'duplicate delivery ignored');
      return { status: 'duplicate' };
    }
    const result = await this.enqueue(inbound.conversationKey, () =>
      this.runTurn(inbound, withUsageLog(sink, log), log),
    );
    if (claimKey && this.options.idempotency) await this.options.idempotency.completeClaim(claimKey);
    return result;
  }

  /** Resolves when every queued turn has finished (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.queues.size > 0) await Promise.allSettled([...this.queues.values()]);
  }

  private enqueue<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  private async runTurn(inbound: Inbound, sink: TurnSink, log: Logger): Promise<TurnResult> {
    const retries = this.options.maxConflictRetries ?? 5;
    // Fixed per delivery: a retry of the turn, or a redelivery after the claim lapsed, must not record the
    // same message twice.
    const messageId = inbound.eventId
      ? `msg_${createHash('sha256').update(inbound.eventId).digest('hex').slice(0, 32)}`
      : `msg_${crypto.randomUUID().replaceAll('-', '')}`;
    for (let attempt = 0; ; attempt++) {
      const wf = this.workflow.forConversation(inbound.conversationKey);
      try {
        if (inbound.type === 'message') {
          const message = {
            role: 'user' as const,
            messageId,
            contents: inbound.contents,
            authorId: inbound.user.id,
          };
          for await (const e of wf.runStream(
            inbound.user.name ? { ...message, authorName: inbound.user.name } : message,
          )) {
            await sink.event(e);
          }
          return { status: 'processed' };
        }
        const decision = await this.decide(wf, inbound, sink);
        log.info(
          { requestId: inbound.requestId, decision: decision.status, user: inbound.user.id },
          'approval click',
        );
        return { status: 'processed', decision };
      } catch (error) {
        if (error instanceof ConcurrentUpdateError && attempt < retries) {
          log.warn({ attempt }, 'lost a race with another writer; reloading and retrying the turn');
          await sleep(10 * 2 ** attempt * (0.5 + Math.random()));
          continue;
        }
        const err = error instanceof Error ? error : new Error(String(error));
        log.error({ err: { name: err.name, message: err.message } }, 'turn failed');
        return { status: 'failed', error: err };
      }
    }
  }

  private async decide(
    wf: ConversationRun,
    inbound: Extract<Inbound, { type: 'decision' }>,
    sink: TurnSink,
  ): Promise<DecisionResult> {
    const pending = (await wf.getPendingRequests()).find((r) => r.requestId === inbound.requestId);
    if (!pending || !(pending.data instanceof FunctionApprovalRequest)) return { status: 'not_pending' };
    const request = pending.data;
    const starterId = (await wf.getConversation()).find((m) => m.role === 'user')?.authorId;
    if (
      !(await this.mayApprove({
        request,
        user: inbound.user,
        starterId,
        conversationKey: inbound.conversationKey,
      }))
    ) {
      return { status: 'forbidden', request };
    }
    try {
      const response = request.createResponse({ approved: inbound.approved, decidedBy: inbound.user.id });
      for await (const e of wf.sendResponsesStreaming({ [inbound.requestId]: response })) await sink.event(e);
    } catch (error) {
      // Someone else settled it between our read and our write.
      if (error instanceof UnknownRequestError) return { status: 'not_pending' };
      throw error;
    }
    return { status: 'settled', request, approved: inbound.approved };
  }

  private async mayApprove(context: ApproverContext): Promise<boolean> {
    const rule = this.options.approvers?.[context.request.functionCall.name];
    if (rule === undefined) return context.starterId !== undefined && context.user.id === context.starterId;
    if (typeof rule === 'function') return await rule(context);
    return rule.includes(context.user.id);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Logs each turn's token usage (from the status event that ends it) on the way to the channel's sink. */
function withUsageLog(sink: TurnSink, log: Logger): TurnSink {
  return {
    event(e) {
      if (e.type === 'status' && e.usage && e.usage.modelCalls > 0) {
        log.info({ state: e.state, usage: e.usage }, 'turn usage');
      }
      return sink.event(e);
    },
  };
}
