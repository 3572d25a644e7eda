/** An approval click: is it still pending, may this person decide it, and then the decision's turn. */

import type { ConversationRun, RunOptions } from '../handoff/conversation-run.js';
import { UnknownRequestError } from '../handoff/errors.js';
import { FunctionApprovalRequest } from '../handoff/requests.js';
import { type ApproversOption, mayApprove } from './approver-policy.js';
import type { DecisionResult, Inbound, TurnSink } from './driver-types.js';

export async function decide(
  wf: ConversationRun,
  inbound: Extract<Inbound, { type: 'decision' }>,
  sink: TurnSink,
  approvers: ApproversOption | undefined,
  options: RunOptions,
): Promise<DecisionResult> {
  const pending = (await wf.getPendingRequests()).find((r) => r.requestId === inbound.requestId);
  if (!pending || !(pending.data instanceof FunctionApprovalRequest)) return { status: 'not_pending' };
  const request = pending.data;
  const starterId = (await wf.getConversation()).find((m) => m.role === 'user')?.authorId;
  const context = { request, user: inbound.user, starterId, conversationKey: inbound.conversationKey };
  if (!(await mayApprove(approvers, context))) return { status: 'forbidden', request };
  try {
    const response = request.createResponse({ approved: inbound.approved, decidedBy: inbound.user.id });
    for await (const e of wf.sendResponsesStreaming({ [inbound.requestId]: response }, options)) {
      await sink.event(e);
    }
  } catch (error) {
    // Someone else settled it between our read and our write.
    if (error instanceof UnknownRequestError) return { status: 'not_pending' };
    throw error;
  }
  return { status: 'settled', request, approved: inbound.approved };
}
