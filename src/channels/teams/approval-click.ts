/**
 * An Approve/Reject click (an `adaptiveCard/action` invoke, or the `Action.Submit` fallback): the driver
 * authorizes the clicker and settles the request exactly once; the clicker gets the decided card as the invoke's
 * answer as soon as the request is settled, everyone else sees the card updated (`updateActivity` on the card's
 * id), and the resumed turn continues proactively. Teams retries an invoke left unanswered for a few seconds, so
 * the answer never waits for the resumed turn's model calls.
 */

import type { Persona } from '../../agents/agent.js';
import type { WorkflowEvent } from '../../handoff/events.js';
import { FunctionApprovalRequest } from '../../handoff/requests.js';
import type { ConversationDriver, DecisionResult, TurnResult } from '../conversation-driver.js';
import type { Logger } from '../logger.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard, cardAttachment } from './adaptive-card.js';
import { type ApprovalActionData, approvalCard, decidedCard, noticeCard } from './approval-card.js';
import type { ConversationSender, InvokeReply, TeamsActivity } from './bot-adapter.js';
import { conversationKeyOf, userOf } from './inbound-activity.js';
import { FAILURE_NOTICE } from './persona-messages.js';
import type { TeamsTurnRenderer } from './turn-renderer.js';

export interface ApprovalClick {
  activity: TeamsActivity;
  conversationKey: string;
  data: ApprovalActionData;
  /** Proactive sender for the conversation (card updates, the resumed turn). */
  sender: ConversationSender;
  renderer: TeamsTurnRenderer;
}

export interface ApprovalClickDeps {
  driver: ConversationDriver;
  personaOf(agentId: string): Persona;
  logger: Logger;
  /** How long the invoke waits for the settle before answering "recording…" (default 4000 ms). */
  invokeWaitMs: number;
  /** Keeps the rest of the turn tracked (shutdown, tests). */
  track(work: Promise<unknown>): void;
}

export const NOT_PENDING_TEXT =
  'This approval request is no longer pending: it was already decided, or it is unknown here.';
export const FORBIDDEN_TEXT =
  'You are not allowed to decide this request. The person who started the conversation (or a configured approver) can.';
export const RECORDING_TEXT = 'Recording your decision…';

/** Handles one click; resolves with the invoke's answer (the card the clicker sees). */
export async function handleApprovalClick(
  click: ApprovalClick,
  deps: ApprovalClickDeps,
): Promise<InvokeReply> {
  const { activity, conversationKey, data, sender, renderer } = click;
  const user = userOf(activity);
  const decidedBy = user.name ?? 'someone';
  const cardId = activity.replyToId;
  // Read-only peek, only to draw the card: the driver decides, under its lock, whether the click counts.
  const request = await pendingRequest(deps.driver, conversationKey, data.requestId);
  const persona = request ? deps.personaOf(request.agentId) : undefined;

  let cardUpdated = false;
  const updateForEveryone = async (card: AdaptiveCard) => {
    if (!cardId || cardUpdated) return;
    cardUpdated = true;
    try {
      await sender.update({ id: cardId, type: 'message', attachments: [cardAttachment(card)] });
    } catch (error) {
      deps.logger.warn({ err: errorInfo(error), cardId }, 'Teams: could not update the approval card');
    }
  };

  let signalSettled: () => void = () => {};
  const settled = new Promise<'settled'>((resolve) => {
    signalSettled = () => resolve('settled');
  });
  let seenSettle = false;
  const sink = {
    event: async (e: WorkflowEvent) => {
      if (!seenSettle && request && persona && marksSettled(e, request, data.approved)) {
        seenSettle = true;
        signalSettled();
        await updateForEveryone(decidedCard(persona, request, data.approved, decidedBy));
      }
      await renderer.event(e);
    },
  };

  const turn = deps.driver
    .handle(
      {
        type: 'decision',
        conversationKey,
        user,
        requestId: data.requestId,
        approved: data.approved,
        ...(activity.id ? { eventId: `teams:${conversationKeyOf(activity)}:${activity.id}` } : {}),
      },
      sink,
    )
    .then(async (result) => {
      const decision = decisionOf(result);
      if (decision?.status === 'settled') {
        await updateForEveryone(
          decidedCard(
            deps.personaOf(decision.request.agentId),
            decision.request,
            decision.approved,
            decidedBy,
          ),
        );
      } else if (seenSettle) {
        deps.logger.warn(
          { result: decision?.status ?? result.status },
          'Teams: a click answered as settled lost a race',
        );
      }
      await renderer.close(result);
      return result;
    });
  deps.track(turn);

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), deps.invokeWaitMs);
  });
  const first = await Promise.race([settled, turn, timeout]);
  clearTimeout(timer);

  if (first === 'settled') {
    // `settled` is only signalled when the request and persona were known.
    if (request && persona) return cardReply(decidedCard(persona, request, data.approved, decidedBy));
    return cardReply(noticeCard(RECORDING_TEXT));
  }
  if (first === 'timeout') {
    // Queued behind a running turn: answer now, fix the card for everyone when the click is decided.
    deps.track(
      turn.then(async (result) => {
        const decision = decisionOf(result);
        if (decision?.status === 'forbidden') {
          await updateForEveryone(approvalCard(deps.personaOf(decision.request.agentId), decision.request));
        }
      }),
    );
    return cardReply(noticeCard(RECORDING_TEXT));
  }
  return cardReply(cardForResult(first, deps, decidedBy));
}

function cardForResult(result: TurnResult, deps: ApprovalClickDeps, decidedBy: string): AdaptiveCard {
  if (result.status === 'duplicate') return noticeCard(RECORDING_TEXT);
  if (result.status === 'failed') return noticeCard(FAILURE_NOTICE);
  const decision = result.decision;
  if (!decision || decision.status === 'not_pending') return noticeCard(NOT_PENDING_TEXT);
  const persona = deps.personaOf(decision.request.agentId);
  if (decision.status === 'forbidden') return approvalCard(persona, decision.request, FORBIDDEN_TEXT);
  return decidedCard(persona, decision.request, decision.approved, decidedBy);
}

/**
 * The first sign that the driver accepted the decision: for an approval, the approved tool starting (recorded
 * durably before it runs); for a rejection, the resumed turn's first event.
 */
function marksSettled(e: WorkflowEvent, request: FunctionApprovalRequest, approved: boolean): boolean {
  if (!approved) return e.type !== 'status';
  return e.type === 'tool_call' && e.call.callId === request.functionCall.callId;
}

async function pendingRequest(
  driver: ConversationDriver,
  conversationKey: string,
  requestId: string,
): Promise<FunctionApprovalRequest | undefined> {
  const pending = await driver.workflow.forConversation(conversationKey).getPendingRequests();
  const data = pending.find((r) => r.requestId === requestId)?.data;
  return data instanceof FunctionApprovalRequest ? data : undefined;
}

function decisionOf(result: TurnResult): DecisionResult | undefined {
  return result.status === 'processed' ? result.decision : undefined;
}

export function cardReply(card: AdaptiveCard): InvokeReply {
  return { status: 200, body: { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card } };
}

function errorInfo(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
