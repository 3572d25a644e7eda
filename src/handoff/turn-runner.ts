/**
 * The run loop: run the active agent, record what it said, then follow its decision — hand off, ask the user,
 * wait for an approval, continue autonomously, or end. State is committed after every step, and the tool
 * calls of a step are journaled: the calls (and that they started) before they run, their results before the
 * next model call, so a crash never forgets an effect that happened.
 */
import type { Context } from '@opentelemetry/api';
import type { AgentRunResult, ChatAgent } from '../agents/agent.js';
import type { FunctionCallContent } from '../agents/messages.js';
import { addUsage, emptyUsage, type Usage, type UsageTotals } from '../agents/model.js';
import { traceAgentRun } from '../telemetry/calls.js';
import { recordPendingApprovals } from '../telemetry/metrics.js';
import { recordHandoffSpan, startAgentSpan } from '../telemetry/spans.js';
import { splitAssistantMessage, visibleConversation } from './context.js';
import { agentContext } from './context-window.js';
import type { HandoffDefinition } from './definition.js';
import {
  AgentResponseEvent,
  AgentRunUpdateEvent,
  HandoffEvent,
  RequestInfoEvent,
  ToolCallEvent,
  ToolResultEvent,
  type WorkflowEvent,
  WorkflowOutputEvent,
  WorkflowStatusEvent,
  type WorkflowWarningCode,
  WorkflowWarningEvent,
} from './events.js';
import { handoffNotes, handoffReason, handoffTarget, handoffToolDefinition } from './handoff-tools.js';
import { FunctionApprovalRequest, HandoffAgentUserRequest, withText } from './requests.js';
import { type ConversationSession, newId } from './session.js';
import type { HeadState, PendingRequest, TranscriptMessage } from './state.js';

export interface RunContext {
  readonly def: HandoffDefinition;
  readonly session: ConversationSession;
  readonly signal?: AbortSignal;
  /** The turn's OpenTelemetry context: agent, model, tool and handoff spans go under it. */
  readonly trace?: Context;
}

/** Runs agents until the workflow needs a person or ends. */
export async function* driveAgents(ctx: RunContext): AsyncGenerator<WorkflowEvent> {
  const { def, session } = ctx;
  const head = session.head;
  head.status = 'running';
  yield new WorkflowStatusEvent('in_progress');
  // As in MAF, the condition is also checked before an agent runs (after the user's reply, after a handoff),
  // so a conversation that is already over costs no model call.
  let checkBeforeRun = true;
  while (true) {
    if (checkBeforeRun && (await shouldTerminate(def, session))) {
      yield* complete(ctx);
      return;
    }
    checkBeforeRun = false;
    const agent = def.agents.get(head.activeAgent)!;
    const targets = def.handoffs.get(agent.name) ?? [];
    const externalTools = targets.map((t) => handoffToolDefinition(def.agents.get(t.target)!, t.description));
    const responseIds: string[] = [];
    // Whether the agent's latest answer had anything a person can see (an empty answer must not look fine).
    let lastAnswerVisible = false;
    const agentSpan = startAgentSpan(ctx.trace, agent, session.conversationId);
    const agentRun = agent.runStream(agentContext(session.transcript, agent.name, def.context), {
      traceContext: agentSpan.context,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      conversationId: session.conversationId,
      ...(externalTools.length && def.handoffInstructions
        ? { additionalInstructions: def.handoffInstructions }
        : {}),
      externalTools,
      // One handoff per response: parallel calls would let a model hand off twice at once.
      ...(externalTools.length ? { parallelToolCalls: false } : {}),
      unknownToolMessage: (name, available) => {
        const target = handoffTarget(name);
        if (target === undefined)
          return `Unknown tool "${name}". Available tools: ${available.join(', ') || 'none'}.`;
        const allowed = targets.map((t) => t.target);
        return `Unknown handoff target "${target}" from "${agent.name}"; allowed: ${allowed.join(', ') || 'none'}.`;
      },
      maxModelCalls: Math.max(0, def.limits.maxModelCallsPerTurn - head.turn.modelCalls),
      startedCallIds: new Set(head.startedCallIds),
      // Journal "these calls started" (with the assistant message that made them) before any effect happens.
      beforeExecution: async (callIds) => {
        const known = new Set(head.startedCallIds);
        head.startedCallIds.push(...callIds.filter((id) => !known.has(id)));
        await session.commit(def.storage);
      },
    });
    const run = traceAgentRun(agentSpan, agentRun);
    let result: AgentRunResult;
    while (true) {
      const next = await run.next();
      if (next.done) {
        result = next.value;
        break;
      }
      const e = next.value;
      if (e.type === 'text_delta') yield new AgentRunUpdateEvent(agent.name, e.delta);
      else if (e.type === 'tool_call') yield new ToolCallEvent(agent.name, e.call);
      else if (e.type === 'tool_result') yield new ToolResultEvent(agent.name, e.result);
      else if (e.message.role === 'assistant') {
        if (e.usage) recordUsage(session, e.usage);
        const parts = splitAssistantMessage(e.message, agent.name);
        lastAnswerVisible = parts.visible !== undefined;
        if (parts.visible) {
          const stored = session.append(parts.visible);
          responseIds.push(stored.messageId!);
          yield new AgentResponseEvent(agent.name, withText(stored), e.usage);
        }
        if (parts.private) session.append(parts.private);
      } else {
        session.append({ ...e.message, authorName: agent.name, visibleTo: agent.name });
        const done = new Set(
          e.message.contents.flatMap((c) => (c.type === 'function_result' ? [c.callId] : [])),
        );
        head.startedCallIds = head.startedCallIds.filter((id) => !done.has(id));
        // The results are durable before the model is called with them: a crash now loses no effect.
        await session.commit(def.storage);
      }
    }
    head.turn.modelCalls += result.modelCalls;

    switch (result.status) {
      case 'external_call': {
        const handoff = yield* handOff(ctx, agent, result.externalCall!);
        if (handoff === 'stopped') return;
        checkBeforeRun = true;
        continue;
      }
      case 'awaiting_approval': {
        const pending: PendingRequest[] = result.approvalRequests.map((r) => ({
          kind: 'function_approval',
          requestId: newId('req'),
          agentId: agent.name,
          createdAt: new Date().toISOString(),
          functionCall: r.functionCall,
          ...(r.validatedArguments ? { validatedArguments: r.validatedArguments } : {}),
          ...requester(session.transcript),
        }));
        recordPendingApprovals(def.name, pending.length);
        yield* pause(ctx, pending);
        return;
      }
      case 'max_tool_rounds':
        yield* stopForSafety(
          ctx,
          agent,
          'tool_round_limit',
          `${agent.name} used ${agent.maxToolRounds} tool rounds without answering; asking the user how to continue.`,
          responseIds,
        );
        return;
      case 'model_call_budget':
        yield* stopForSafety(
          ctx,
          agent,
          'model_call_limit',
          `The limit of ${def.limits.maxModelCallsPerTurn} model calls per turn was reached; asking the user how to continue.`,
          responseIds,
        );
        return;
      case 'completed': {
        yield* checkAnswer(agent, result, lastAnswerVisible);
        if (await shouldTerminate(def, session)) {
          yield* complete(ctx);
          return;
        }
        const auto = def.autonomous.get(agent.name);
        const used = head.autonomousTurns[agent.name] ?? 0;
        if (auto && used < auto.turnLimit) {
          head.autonomousTurns[agent.name] = used + 1;
          // An autonomous prompt stands in for a user turn: the per-turn model-call cap starts again, and the
          // autonomous turn limit bounds the whole run.
          head.turn.modelCalls = 0;
          session.append({
            role: 'user',
            contents: [{ type: 'text', text: auto.prompt }],
            visibleTo: agent.name,
            synthetic: 'autonomous_prompt',
          });
          await session.commit(def.storage);
          continue;
        }
        head.autonomousTurns[agent.name] = 0;
        yield* pause(ctx, [userInputRequest(agent.name, responseIds)]);
        return;
      }
    }
  }
}

/** An answer a person would misread gets an honest note: nothing to show, or cut off at the output limit. */
function* checkAnswer(
  agent: ChatAgent,
  result: AgentRunResult,
  visible: boolean,
): Generator<WorkflowWarningEvent> {
  const who = agent.persona.displayName;
  if (!visible) {
    yield new WorkflowWarningEvent(
      'empty_response',
      `${who} returned an empty answer. Please rephrase your message or try again.`,
      agent.name,
    );
  } else if (result.finishReason === 'length') {
    yield new WorkflowWarningEvent(
      'truncated_response',
      `${who}'s answer was cut off at the model's output limit and may be incomplete. Ask to continue if you need the rest.`,
      agent.name,
    );
  }
}

/**
 * Tools that ran since the person's last message, in order, with whether each succeeded: what an apology
 * must mention, since their effects stand even though the turn failed.
 */
export function toolsRunThisTurn(
  transcript: readonly TranscriptMessage[],
): { name: string; callId: string; ok: boolean }[] {
  let start = 0;
  for (let i = transcript.length - 1; i >= 0; i--) {
    const m = transcript[i]!;
    if (m.role === 'user' && m.synthetic === undefined) {
      start = i + 1;
      break;
    }
  }
  const out: { name: string; callId: string; ok: boolean }[] = [];
  for (const m of transcript.slice(start)) {
    if (m.role !== 'tool') continue;
    for (const c of m.contents) {
      if (c.type !== 'function_result' || handoffTarget(c.name ?? '') !== undefined) continue;
      out.push({ name: c.name ?? 'tool', callId: c.callId, ok: c.error === undefined });
    }
  }
  return out;
}

/** Moves control to the called target, unless that would loop; returns 'stopped' if it paused instead. */
async function* handOff(
  ctx: RunContext,
  source: ChatAgent,
  call: FunctionCallContent,
): AsyncGenerator<WorkflowEvent, 'handed_off' | 'stopped'> {
  const { def, session } = ctx;
  const head = session.head;
  const target = handoffTarget(call.name)!;
  const reason = handoffReason(call);
  const trail = head.turn.trail.length ? [...head.turn.trail, target] : [source.name, target];
  const refuse = (text: string) =>
    session.append({
      role: 'tool',
      authorName: source.name,
      visibleTo: source.name,
      contents: [{ type: 'function_result', callId: call.callId, name: call.name, error: text }],
    });
  if (isPingPong(trail, def.limits.pingPongWindow)) {
    const message = `Handoffs are looping (${trail.slice(-def.limits.pingPongWindow).join(' → ')}); stopped to ask the user.`;
    refuse(`Transfer refused: ${message}`);
    yield* stopForSafety(ctx, source, 'handoff_loop', message, []);
    return 'stopped';
  }
  if (head.turn.handoffs >= def.limits.maxHandoffsPerTurn) {
    const message = `The limit of ${def.limits.maxHandoffsPerTurn} handoffs per turn was reached; stopped to ask the user.`;
    refuse(`Transfer refused: ${message}`);
    yield* stopForSafety(ctx, source, 'handoff_limit', message, []);
    return 'stopped';
  }
  session.append({
    role: 'tool',
    authorName: source.name,
    visibleTo: source.name,
    contents: [
      { type: 'function_result', callId: call.callId, name: call.name, result: `Transferred to ${target}.` },
    ],
  });
  for (const note of handoffNotes(source.name, target, reason))
    session.append({
      role: note.role,
      visibleTo: target,
      synthetic: 'handoff_note',
      contents: [{ type: 'text', text: note.text }],
    });
  head.previousAgent = source.name;
  head.activeAgent = target;
  head.turn.handoffs++;
  head.turn.trail = trail;
  head.autonomousTurns[source.name] = 0;
  await session.commit(def.storage);
  recordHandoffSpan(ctx.trace, source.name, target, reason);
  yield new HandoffEvent(source.name, target, reason);
  return 'handed_off';
}

/** A, B, A, B … over the last `window` entries of the trail. */
export function isPingPong(trail: readonly string[], window: number): boolean {
  if (window <= 0 || trail.length < window) return false;
  const tail = trail.slice(-window);
  const [a, b] = tail;
  if (a === undefined || b === undefined || a === b) return false;
  return tail.every((name, i) => name === (i % 2 === 0 ? a : b));
}

async function* stopForSafety(
  ctx: RunContext,
  agent: ChatAgent,
  code: WorkflowWarningCode,
  message: string,
  responseIds: string[],
): AsyncGenerator<WorkflowEvent> {
  yield new WorkflowWarningEvent(code, message, agent.name);
  yield* pause(ctx, [userInputRequest(agent.name, responseIds)]);
}

function userInputRequest(agentId: string, responseMessageIds: string[]): PendingRequest {
  return {
    kind: 'user_input',
    requestId: newId('req'),
    agentId,
    createdAt: new Date().toISOString(),
    responseMessageIds,
  };
}

/** Records the requests, commits, and tells the caller what is pending. */
export async function* pause(ctx: RunContext, requests: PendingRequest[]): AsyncGenerator<WorkflowEvent> {
  const head = ctx.session.head;
  head.pendingRequests.push(...requests);
  // Asking the user ends an agent's autonomous streak (MAF resets it at request_info too).
  for (const r of requests) if (r.kind === 'user_input') head.autonomousTurns[r.agentId] = 0;
  head.status = 'awaiting';
  await ctx.session.commit(ctx.def.storage);
  for (const r of requests) yield requestEvent(r, ctx.session.transcript);
  yield new WorkflowStatusEvent('idle_with_pending_requests', turnUsage(head));
}

/** Ends the conversation and emits the visible conversation. */
export async function* complete(ctx: RunContext): AsyncGenerator<WorkflowEvent> {
  const head = ctx.session.head;
  head.status = 'completed';
  head.pendingRequests = [];
  await ctx.session.commit(ctx.def.storage);
  yield new WorkflowOutputEvent(visibleConversation(ctx.session.transcript));
  yield new WorkflowStatusEvent('idle', turnUsage(head));
}

/** Adds one model call's tokens to the turn's and the conversation's totals (committed with the next step). */
function recordUsage(session: ConversationSession, usage: Usage): void {
  const head = session.head;
  head.turn.usage = addUsage(head.turn.usage ?? emptyUsage(), usage);
  head.usage = addUsage(head.usage ?? emptyUsage(), usage);
}

/** The turn's tokens so far (zero when no model was called). */
export function turnUsage(head: HeadState): UsageTotals {
  return { ...(head.turn.usage ?? emptyUsage()) };
}

async function shouldTerminate(def: HandoffDefinition, session: ConversationSession): Promise<boolean> {
  if (!def.terminationCondition) return false;
  return await def.terminationCondition(visibleConversation(session.transcript));
}

/** The author of the latest message a person wrote (not an autonomous prompt): who asked for the call. */
function requester(transcript: readonly TranscriptMessage[]): {
  requestedBy?: string;
  requestedByName?: string;
} {
  for (let i = transcript.length - 1; i >= 0; i--) {
    const m = transcript[i]!;
    if (m.role === 'user' && m.synthetic === undefined && m.authorId)
      return { requestedBy: m.authorId, ...(m.authorName ? { requestedByName: m.authorName } : {}) };
  }
  return {};
}

/** Rebuilds the public request object for a pending request (also after a restore). */
export function requestEvent(r: PendingRequest, transcript: readonly TranscriptMessage[]): RequestInfoEvent {
  if (r.kind === 'function_approval') {
    return new RequestInfoEvent(
      r.requestId,
      r.agentId,
      new FunctionApprovalRequest(r.requestId, r.functionCall, r.agentId, {
        ...(r.validatedArguments ? { validatedArguments: r.validatedArguments } : {}),
        ...(r.requestedBy ? { requestedBy: r.requestedBy } : {}),
        ...(r.requestedByName ? { requestedByName: r.requestedByName } : {}),
      }),
    );
  }
  const ids = new Set(r.responseMessageIds);
  const messages = transcript
    .filter((m) => m.messageId !== undefined && ids.has(m.messageId))
    .map(({ visibleTo: _v, synthetic: _s, ...m }) => withText(m));
  return new RequestInfoEvent(r.requestId, r.agentId, new HandoffAgentUserRequest({ messages }));
}
