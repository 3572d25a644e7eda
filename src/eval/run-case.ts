/**
 * Plays one eval case through a real workflow: each user turn, then the approvals it raises (answered as the
 * case says), and records what a person would notice — who answered, which tools were called, what was asked,
 * how long it took, what it cost in tokens.
 */
import { performance } from 'node:perf_hooks';
import { emptyUsage, type UsageTotals } from '../agents/model.js';
import type { WorkflowEvent } from '../handoff/events.js';
import { FunctionApprovalRequest, type RequestResponse } from '../handoff/requests.js';
import type { HandoffWorkflow } from '../handoff/workflow.js';
import type { EvalCase } from './cases.js';
import type { ObservedToolCall } from './matchers.js';

/** What happened on one user turn. */
export interface TurnObservation {
  user: string;
  /** Agents whose messages the user saw, in order. */
  responders: string[];
  /** The agent that answered the turn: the last to speak, else the one waiting for the user. */
  route: string | undefined;
  /** Handoffs during the turn, as `from→to`. */
  handoffs: string[];
  /** Tool calls the models made (run, or waiting for approval); handoffs are not counted here. */
  toolCalls: ObservedToolCall[];
  /** Tool calls that asked a person for approval. */
  approvals: ObservedToolCall[];
  /** Safety stops (loops, caps) the workflow reported. */
  warnings: string[];
  /** The text of the agents' replies, for the report. */
  replies: string[];
  /** Wall time from sending the user's words to the end of the turn, approvals answered included. */
  latencyMs: number;
  usage: UsageTotals;
}

export interface CaseRun {
  caseId: string;
  /** 1-based repetition of the case. */
  repetition: number;
  turns: TurnObservation[];
  /** The workflow reported the conversation ended (WorkflowOutputEvent). */
  ended: boolean;
  /** Set when a turn failed (the remaining turns were not run). */
  error?: { name: string; message: string };
  /** Rate-limit retries this run needed. */
  retries: number;
}

export interface RunCaseOptions {
  repetition?: number;
  /** Approval rounds per turn before giving up (a model that keeps asking; default 5). */
  maxApprovalRounds?: number;
}

/** Runs the case on a fresh conversation of `workflow`; model errors are thrown (the caller retries 429s). */
export async function runCase(
  workflow: HandoffWorkflow,
  evalCase: EvalCase,
  options: RunCaseOptions = {},
): Promise<CaseRun> {
  const conversation = workflow.forConversation(
    `eval:${evalCase.id}:${options.repetition ?? 1}:${crypto.randomUUID()}`,
  );
  const run: CaseRun = {
    caseId: evalCase.id,
    repetition: options.repetition ?? 1,
    turns: [],
    ended: false,
    retries: 0,
  };
  for (const turn of evalCase.turns) {
    const observation: TurnObservation = {
      user: turn.user,
      responders: [],
      route: undefined,
      handoffs: [],
      toolCalls: [],
      approvals: [],
      warnings: [],
      replies: [],
      latencyMs: 0,
      usage: emptyUsage(),
    };
    run.turns.push(observation);
    if (run.ended) {
      // The conversation ended early: a further message starts it again, as in chat.
      run.ended = false;
    }
    const seenCalls = new Set<string>();
    let waitingAgent: string | undefined;
    const observe = (e: WorkflowEvent): FunctionApprovalRequest | undefined => {
      switch (e.type) {
        case 'agent_response':
          observation.responders.push(e.agentId);
          if (e.message.text) observation.replies.push(`${e.agentId}: ${e.message.text}`);
          break;
        case 'handoff':
          observation.handoffs.push(`${e.from}→${e.to}`);
          break;
        case 'tool_call':
          if (!seenCalls.has(e.call.callId)) {
            seenCalls.add(e.call.callId);
            observation.toolCalls.push({ name: e.call.name, arguments: e.call.parsedArguments });
          }
          break;
        case 'request_info':
          if (e.data instanceof FunctionApprovalRequest) {
            const call = e.data.functionCall;
            const observed = { name: call.name, arguments: call.parsedArguments };
            observation.approvals.push(observed);
            if (!seenCalls.has(call.callId)) {
              seenCalls.add(call.callId);
              observation.toolCalls.push(observed);
            }
            return e.data;
          }
          waitingAgent = e.sourceAgentId;
          break;
        case 'warning':
          observation.warnings.push(`${e.code}: ${e.message}`);
          break;
        case 'output':
          run.ended = true;
          break;
        case 'status':
          if (e.usage) addTotals(observation.usage, e.usage);
          break;
        default:
          break;
      }
      return undefined;
    };

    const started = performance.now();
    try {
      let approvals: FunctionApprovalRequest[] = [];
      for await (const e of conversation.runStream(turn.user)) {
        const approval = observe(e);
        if (approval) approvals.push(approval);
      }
      const maxRounds = options.maxApprovalRounds ?? 5;
      for (let round = 0; approvals.length > 0 && round < maxRounds; round++) {
        const responses: Record<string, RequestResponse> = {};
        for (const a of approvals) {
          responses[a.id] = a.createResponse({
            approved: (turn.decision ?? 'approve') === 'approve',
            decidedBy: 'baton-eval',
          });
        }
        approvals = [];
        for await (const e of conversation.sendResponsesStreaming(responses)) {
          const approval = observe(e);
          if (approval) approvals.push(approval);
        }
      }
    } catch (error) {
      observation.latencyMs = performance.now() - started;
      observation.route = observation.responders.at(-1) ?? waitingAgent;
      const err = error instanceof Error ? error : new Error(String(error));
      run.error = { name: err.name, message: err.message };
      // Rethrown so a rate limit can be retried; the caller keeps `run` for other failures.
      throw Object.assign(err, { evalRun: run });
    }
    observation.latencyMs = performance.now() - started;
    observation.route = observation.responders.at(-1) ?? waitingAgent;
  }
  return run;
}

/** The partial run attached to an error thrown by `runCase`. */
export function partialRun(error: unknown): CaseRun | undefined {
  return typeof error === 'object' && error !== null && 'evalRun' in error
    ? (error as { evalRun: CaseRun }).evalRun
    : undefined;
}

/** Adds one total to another, in place. */
export function addTotals(total: UsageTotals, more: UsageTotals): UsageTotals {
  total.inputTokens += more.inputTokens;
  total.outputTokens += more.outputTokens;
  total.totalTokens += more.totalTokens;
  total.modelCalls += more.modelCalls;
  if (more.cachedInputTokens !== undefined)
    total.cachedInputTokens = (total.cachedInputTokens ?? 0) + more.cachedInputTokens;
  if (more.reasoningTokens !== undefined)
    total.reasoningTokens = (total.reasoningTokens ?? 0) + more.reasoningTokens;
  return total;
}
