/** An approval click: is it still pending, may this person decide it, and then the decision's turn. */
import { UnknownRequestError } from '../handoff/errors.js';
import { FunctionApprovalRequest } from '../handoff/requests.js';
import type { HandoffWorkflow, RunOptions } from '../handoff/workflow.js';
import type { ApproverContext, ApproverRule, DecisionResult, Inbound, TurnSink } from './driver-types.js';

export async function decide(
  wf: HandoffWorkflow,
  inbound: Extract<Inbound, { type: 'decision' }>,
  sink: TurnSink,
  approvers: Readonly<Record<string, ApproverRule>> | undefined,
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

async function mayApprove(
  approvers: Readonly<Record<string, ApproverRule>> | undefined,
  context: ApproverContext,
): Promise<boolean> {
  const rule = approvers?.[context.request.functionCall.name];
  if (rule === undefined) return context.starterId !== undefined && context.user.id === context.starterId;
  if (typeof rule === 'function') return await rule(context);
  return rule.includes(context.user.id);
}
