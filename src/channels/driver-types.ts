/**
 * The driver's vocabulary, shared by channels: what comes in (messages and approval clicks), where a turn's
 * events go (the sink and its optional hooks), and what a turn's result is.
 */
import type { Content } from '../agents/messages.js';
import { BatonError } from '../errors.js';
import type { RequestInfoEvent, WorkflowEvent } from '../handoff/events.js';
import type { FunctionApprovalRequest } from '../handoff/requests.js';

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
  /** The turn's state is committed: what was shown for it stands. */
  committed?(): Promise<void> | void;
  /**
   * What was shown for this attempt was not committed (another runner took the conversation over): withdraw
   * it. The delivery is then run again (here or by the new runner), so the user still gets one answer.
   */
  retract?(): Promise<void> | void;
  /** A redelivery of a turn that had already committed: show its pending requests again (nothing is re-run). */
  reshow?(pending: readonly RequestInfoEvent[]): Promise<void> | void;
}

export type DecisionResult =
  | { status: 'settled'; request: FunctionApprovalRequest; approved: boolean }
  /** Unknown, stale, already decided, or from another conversation. */
  | { status: 'not_pending' }
  | { status: 'forbidden'; request: FunctionApprovalRequest };

export type TurnResult =
  | { status: 'processed'; decision?: DecisionResult }
  | { status: 'duplicate' }
  /** The channel tells the user, or answers 5xx so the platform delivers again (the delivery is kept). */
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

/** A delivery waited longer than `leaseWaitMs` for its conversation; it stays in the inbox and runs later. */
export class LeaseWaitTimeoutError extends BatonError {
  override readonly name = 'LeaseWaitTimeoutError';
  readonly code = 'BATON_LEASE_WAIT_TIMEOUT';
  constructor(
    readonly conversationId: string,
    readonly waitedMs: number,
  ) {
    super(
      `Conversation "${conversationId}" stayed busy for ${waitedMs} ms; the message is kept and will be ` +
        'answered when the conversation is free (raise leaseWaitMs for longer turns).',
    );
  }
}
