/**
 * One turn of one delivery on a workflow bound to its conversation: a message or an approval decision, with
 * the lease's fencing token on every commit. Lost optimistic races are retried internally; a lost lease is
 * thrown for the driver to handle; every other failure is a `failed` result.
 */
import type { HandoffWorkflow, RunOptions } from '../handoff/workflow.js';
import { ConcurrentUpdateError } from '../store/checkpoint-storage.js';
import { LeaseLostError } from '../store/storage-errors.js';
import { decide } from './approval-decision.js';
import type { ApproverRule, Inbound, TurnResult, TurnSink } from './driver-types.js';
import type { Logger } from './logger.js';
import { errorFields, sleep } from './turn-lease.js';

export interface TurnParams {
  workflow: HandoffWorkflow;
  inbound: Inbound;
  sink: TurnSink;
  log: Logger;
  run: Pick<RunOptions, 'leaseToken' | 'signal'>;
  /** The id the user message gets (fixed per delivery). */
  messageId: string;
  /** This delivery may have run before (a redelivery, an orphan, a resume): check what is committed first. */
  redelivered: boolean;
  maxConflictRetries: number;
  approvers: Readonly<Record<string, ApproverRule>> | undefined;
}

export interface TurnOutcome {
  result: TurnResult;
  /** The outcome is in the store (for a failure: the workflow recorded it and told the sink). */
  recorded: boolean;
}

export async function runTurn(p: TurnParams): Promise<TurnOutcome> {
  const { inbound, log } = p;
  for (let attempt = 0; ; attempt++) {
    const wf = p.workflow.forConversation(inbound.conversationKey);
    let failureShown = false;
    const sink: TurnSink = {
      event: async (e) => {
        if (e.type === 'failed') failureShown = true;
        // Each turn's token usage, from the status event that ends it.
        if (e.type === 'status' && e.usage && e.usage.modelCalls > 0) {
          log.info({ state: e.state, usage: e.usage }, 'turn usage');
        }
        await p.sink.event(e);
      },
    };
    try {
      if (inbound.type === 'message') {
        if (p.redelivered && (await reshowIfCommitted(wf, p.messageId, p.sink))) {
          return { result: { status: 'processed' }, recorded: true };
        }
        const message = {
          role: 'user' as const,
          messageId: p.messageId,
          contents: inbound.contents,
          authorId: inbound.user.id,
          ...(inbound.user.name ? { authorName: inbound.user.name } : {}),
        };
        for await (const e of wf.runStream(message, p.run)) await sink.event(e);
        return { result: { status: 'processed' }, recorded: true };
      }
      const decision = await decide(wf, inbound, sink, p.approvers, p.run);
      // A decision whose turn was interrupted after it was committed: finish that turn.
      if (decision.status === 'not_pending' && p.redelivered) await resumeOrReshow(wf, sink, p);
      log.info(
        { requestId: inbound.requestId, decision: decision.status, user: inbound.user.id },
        'approval click',
      );
      return { result: { status: 'processed', decision }, recorded: true };
    } catch (error) {
      const lost = leaseLossOf(error, p.run.signal);
      if (lost) throw lost;
      if (error instanceof ConcurrentUpdateError && attempt < p.maxConflictRetries) {
        log.warn({ attempt }, 'lost a race with another writer; reloading and retrying the turn');
        await sleep(10 * 2 ** attempt * (0.5 + Math.random()));
        continue;
      }
      const err = error instanceof Error ? error : new Error(String(error));
      log.error({ err: errorFields(err) }, 'turn failed');
      return { result: { status: 'failed', error: err }, recorded: failureShown };
    }
  }
}

/** A redelivered message that is committed and whose turn finished: show what is pending again, run nothing. */
async function reshowIfCommitted(wf: HandoffWorkflow, messageId: string, sink: TurnSink): Promise<boolean> {
  if (!sink.reshow) return false;
  const conversation = await wf.getConversation();
  if (!conversation.some((m) => m.messageId === messageId)) return false;
  const { status } = await wf.getStatus();
  // Running or failed: the workflow continues the interrupted turn itself.
  if (status === 'running' || status === 'failed') return false;
  await sink.reshow(await wf.getPendingRequests());
  return true;
}

async function resumeOrReshow(wf: HandoffWorkflow, sink: TurnSink, p: TurnParams): Promise<void> {
  const { status, checkpointId } = await wf.getStatus();
  if ((status === 'running' || status === 'failed') && checkpointId) {
    for await (const e of wf.runStream({ checkpointId }, p.run)) await sink.event(e);
  } else if (p.sink.reshow) {
    await p.sink.reshow(await wf.getPendingRequests());
  }
}

/** The lease loss behind an error (the commit was fenced, or the turn was aborted because renewal failed). */
export function leaseLossOf(error: unknown, signal: AbortSignal | undefined): LeaseLostError | undefined {
  if (error instanceof LeaseLostError) return error;
  if (signal?.aborted && signal.reason instanceof LeaseLostError) return signal.reason;
  return undefined;
}

export function isLeaseLoss(error: unknown, keeper: { signal: AbortSignal }): boolean {
  return leaseLossOf(error, keeper.signal) !== undefined;
}
