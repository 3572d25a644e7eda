/**
 * A chat agent: instructions + a model + tools. One run goes model → tool calls → results → model … until the
 * model answers with text, a tool needs a person's approval (nothing is executed; the run pauses), the caller's
 * own tool is called (e.g. a handoff), or a cap is reached.
 */

import type { Context } from '@opentelemetry/api';
import { ModelCallTrace, traceToolCall } from '../telemetry/calls.js';
import {
  type ApprovalRequestContent,
  type ChatMessage,
  type FunctionApprovalResponseContent,
  type FunctionCallContent,
  type FunctionResultContent,
  type MessageInput,
  messageText,
  toMessages,
} from './messages.js';
import type { ChatModel, ChatModelRequest, ChatModelResponse, FinishReason, Usage } from './model.js';
import { type FunctionTool, TOOL_NAME_PATTERN, type ToolDefinition, ToolDefinitionError } from './tool.js';

// The seed's `chat_client.create_agent(...)` is part of every ChatModel. Declared here, not in model.ts, so that
// model.ts need not import the agent (no import circle); BaseChatModel implements it.
declare module './model.js' {
  interface ChatModel {
    /** An agent on this model: the seed's `chatClient.createAgent({ name, instructions, tools })`. */
    createAgent(options: Omit<ChatAgentOptions, 'model'>): ChatAgent;
  }
}

/** How chat channels show an agent. */
export interface Persona {
  displayName: string;
  iconUrl?: string;
  iconEmoji?: string;
  /** A CSS color for the playground and card accents. */
  color?: string;
}

export interface ChatAgentOptions {
  /** Identity used in handoff tool names: letters, digits, `_` or `-`. */
  name: string;
  description?: string;
  instructions?: string;
  model: ChatModel;
  tools?: readonly FunctionTool[];
  persona?: Partial<Persona>;
  /** Tool rounds allowed in one run before it stops (default 8). */
  maxToolRounds?: number;
}

export interface AgentRunOptions {
  signal?: AbortSignal;
  conversationId?: string;
  /** Appended to the agent's own instructions for this run. */
  additionalInstructions?: string;
  /** Declaration-only tools the caller resolves itself (handoff tools). The first such call ends the run. */
  externalTools?: readonly ToolDefinition[];
  /** The error the model gets when it calls a tool this agent does not have. */
  unknownToolMessage?: (name: string, available: readonly string[]) => string;
  parallelToolCalls?: boolean;
  /** Model calls this run may make (the caller's remaining budget). */
  maxModelCalls?: number;
  /**
   * Calls whose execution began before an interruption and have no recorded result: an idempotent tool is
   * run again (same idempotency key); any other is reported to the model as "outcome unknown".
   */
  startedCallIds?: ReadonlySet<string>;
  /** Called before approved calls run, so the caller can durably record that they started. */
  beforeApprovedExecution?: (callIds: readonly string[]) => Promise<void>;
  /**
   * Called before any tool calls run (approved or not), so the caller can durably record the calls and that
   * they started (a journal entry per call) before their effects happen.
   */
  beforeExecution?: (callIds: readonly string[]) => Promise<void>;
  /** Stream the model's output (default true). */
  stream?: boolean;
  /** OpenTelemetry context whose span parents this run's `chat` and `execute_tool` spans. */
  traceContext?: Context;
}

export type AgentStreamEvent =
  | { type: 'text_delta'; agentName: string; delta: string }
  /** An assistant message carries the `usage` of the model call that produced it (when the provider sent one). */
  | { type: 'message'; agentName: string; message: ChatMessage; usage?: Usage }
  | { type: 'tool_call'; agentName: string; call: FunctionCallContent }
  | { type: 'tool_result'; agentName: string; result: FunctionResultContent };

export type AgentRunStatus =
  | 'completed'
  | 'awaiting_approval'
  | 'external_call'
  | 'max_tool_rounds'
  | 'model_call_budget';

export interface AgentRunResult {
  status: AgentRunStatus;
  /** Messages this run added, in order (assistant messages and tool results). */
  messages: ChatMessage[];
  /** The text of the last assistant message of this run ('' if none). */
  text: string;
  /** Calls waiting for a person's decision (status `awaiting_approval`). */
  approvalRequests: ApprovalRequestContent[];
  /** The caller's tool the model called (status `external_call`). */
  externalCall?: FunctionCallContent;
  /** Why the last model response ended (`length`: cut off at the output limit). */
  finishReason?: FinishReason;
  modelCalls: number;
  usage: Usage;
}

export class ChatAgent {
  readonly name: string;
  readonly description: string;
  readonly instructions: string;
  readonly model: ChatModel;
  readonly tools: readonly FunctionTool[];
  readonly persona: Persona;
  readonly maxToolRounds: number;
  private readonly toolsByName: ReadonlyMap<string, FunctionTool>;

  constructor(options: ChatAgentOptions) {
    if (!TOOL_NAME_PATTERN.test(options.name) || options.name.length > 50) {
      throw new ToolDefinitionError(
        `Agent name "${options.name}" is invalid: use 1-50 letters, digits, "_" or "-" ` +
          `(it becomes part of the tool name "handoff_to_${options.name}").`,
      );
    }
    this.name = options.name;
    this.description = options.description ?? '';
    this.instructions = options.instructions ?? '';
    this.model = options.model;
    this.tools = options.tools ?? [];
    this.maxToolRounds = options.maxToolRounds ?? 8;
    const byName = new Map<string, FunctionTool>();
    for (const t of this.tools) {
      if (byName.has(t.name)) {
        throw new ToolDefinitionError(
          `Agent "${this.name}" has two tools named "${t.name}"; tool names must be unique.`,
        );
      }
      byName.set(t.name, t);
    }
    this.toolsByName = byName;
    this.persona = {
      displayName: options.persona?.displayName ?? displayNameOf(this.name),
      ...options.persona,
    };
  }

  tool(name: string): FunctionTool | undefined {
    return this.toolsByName.get(name);
  }

  /** Runs to a result without streaming events. */
  async run(input: MessageInput, options: AgentRunOptions = {}): Promise<AgentRunResult> {
    const it = this.runStream(input, { stream: false, ...options });
    while (true) {
      const next = await it.next();
      if (next.done) return next.value;
    }
  }

  /** Yields text deltas, messages and tool activity; returns the run's result. */
  async *runStream(
    input: MessageInput,
    options: AgentRunOptions = {},
  ): AsyncGenerator<AgentStreamEvent, AgentRunResult> {
    const history = toMessages(input);
    const added: ChatMessage[] = [];
    const usage: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    const external = new Set((options.externalTools ?? []).map((t) => t.name));
    for (const name of external) {
      if (this.toolsByName.has(name)) {
        throw new ToolDefinitionError(`Agent "${this.name}" already has a tool named "${name}".`);
      }
    }
    let modelCalls = 0;
    let toolRounds = 0;
    let lastText = '';
    let finishReason: FinishReason | undefined;
    const result = (status: AgentRunStatus, extra: Partial<AgentRunResult> = {}): AgentRunResult => ({
      status,
      messages: added,
      text: lastText,
      approvalRequests: [],
      modelCalls,
      usage,
      ...(finishReason ? { finishReason } : {}),
      ...extra,
    });
    const append = (message: ChatMessage, callUsage?: Usage): AgentStreamEvent => {
      history.push(message);
      added.push(message);
      return { type: 'message', agentName: this.name, message, ...(callUsage ? { usage: callUsage } : {}) };
    };

    while (true) {
      const pending = unresolvedCalls(history, this.name);
      if (pending.length > 0) {
        const plan = this.planCalls(pending, history, external, options);
        if (plan.approvals.length > 0)
          return result('awaiting_approval', { approvalRequests: plan.approvals });
        const approvedIds = plan.execute.filter((e) => e.approved).map((e) => e.call.callId);
        if (plan.execute.length > 0) await options.beforeExecution?.(plan.execute.map((e) => e.call.callId));
        if (approvedIds.length > 0) await options.beforeApprovedExecution?.(approvedIds);
        for (const { call } of plan.execute) yield { type: 'tool_call', agentName: this.name, call };
        const executed = await Promise.all(
          plan.execute.map(({ call, tool }) =>
            traceToolCall(options.traceContext, call, tool.definition.description, () =>
              tool.invoke(call, {
                agentName: this.name,
                ...(options.signal ? { signal: options.signal } : {}),
                ...(options.conversationId ? { conversationId: options.conversationId } : {}),
              }),
            ),
          ),
        );
        const byId = new Map([...plan.immediate, ...executed].map((r) => [r.callId, r]));
        const ordered = pending.map((c) => byId.get(c.callId)).filter((r): r is FunctionResultContent => !!r);
        for (const r of executed) yield { type: 'tool_result', agentName: this.name, result: r };
        if (ordered.length > 0) {
          yield append({ role: 'tool', authorName: this.name, contents: ordered, createdAt: now() });
        }
        if (plan.external) return result('external_call', { externalCall: plan.external });
        toolRounds++;
        continue;
      }

      if (toolRounds >= this.maxToolRounds) return result('max_tool_rounds');
      if (options.maxModelCalls !== undefined && modelCalls >= options.maxModelCalls)
        return result('model_call_budget');
      const request: ChatModelRequest = {
        instructions: [this.instructions, options.additionalInstructions].filter(Boolean).join('\n\n'),
        messages: history,
        tools: [...this.tools.map((t) => t.definition), ...(options.externalTools ?? [])],
        ...(options.parallelToolCalls !== undefined ? { parallelToolCalls: options.parallelToolCalls } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      };
      modelCalls++;
      let response: ChatModelResponse | undefined;
      const traced = new ModelCallTrace(options.traceContext, this.model);
      try {
        if (options.stream === false) {
          response = await this.model.complete(request);
        } else {
          for await (const e of this.model.stream(request)) {
            if (e.type === 'text_delta') yield { type: 'text_delta', agentName: this.name, delta: e.delta };
            else if (e.type === 'response') response = e.response;
          }
        }
        if (!response) throw new Error(`Model "${this.model.modelId}" returned no response.`);
        traced.finish(response);
      } catch (error) {
        traced.fail(error);
        throw error;
      } finally {
        // The caller stopped reading mid-stream: the call ended without a response.
        traced.finish(undefined);
      }
      if (!response) throw new Error(`Model "${this.model.modelId}" returned no response.`);
      finishReason = response.finishReason;
      if (response.usage) {
        usage.inputTokens += response.usage.inputTokens;
        usage.outputTokens += response.usage.outputTokens;
        usage.totalTokens += response.usage.totalTokens;
      }
      const message = withFreshCallIds(response.message, history);
      message.authorName = this.name;
      message.createdAt = now();
      if (message.contents.length === 0) message.contents.push({ type: 'text', text: '' });
      lastText = messageText(message);
      yield append(message, response.usage);
      if (!message.contents.some((c) => c.type === 'function_call')) return result('completed');
    }
  }

  private planCalls(
    pending: readonly FunctionCallContent[],
    history: readonly ChatMessage[],
    external: ReadonlySet<string>,
    options: AgentRunOptions,
  ) {
    const decisions = approvalDecisions(history);
    const immediate: FunctionResultContent[] = [];
    const execute: { call: FunctionCallContent; tool: FunctionTool; approved: boolean }[] = [];
    const approvals: ApprovalRequestContent[] = [];
    let externalCall: FunctionCallContent | undefined;
    const error = (call: FunctionCallContent, text: string) =>
      immediate.push({ type: 'function_result', callId: call.callId, name: call.name, error: text });
    for (const call of pending) {
      if (external.has(call.name)) {
        if (externalCall)
          error(
            call,
            `Ignored: "${externalCall.name}" was already called in this response; only one counts.`,
          );
        else externalCall = call;
        continue;
      }
      const tool = this.toolsByName.get(call.name);
      if (!tool) {
        const available = [...this.toolsByName.keys(), ...external];
        error(
          call,
          options.unknownToolMessage?.(call.name, available) ??
            `Unknown tool "${call.name}". Available tools: ${available.join(', ') || 'none'}.`,
        );
        continue;
      }
      const interrupted = options.startedCallIds?.has(call.callId) === true;
      if (tool.approvalMode === 'never_require') {
        if (interrupted && !tool.idempotent) error(call, INTERRUPTED_CALL_MESSAGE);
        else execute.push({ call, tool, approved: false });
        continue;
      }
      const decision = decisions.get(call.callId);
      if (!decision) {
        // Nobody is asked to approve a call that could not run: the model gets the error and may retry. The
        // request carries the canonical arguments, so the card shows exactly what will run.
        const canonical = tool.canonicalArguments?.(call);
        const invalid = canonical ? (canonical.ok ? undefined : canonical.error) : tool.validate?.(call);
        if (invalid !== undefined) {
          error(call, invalid);
          continue;
        }
        approvals.push({
          type: 'function_approval_request',
          id: `approval_${call.callId}`,
          functionCall: call,
          ...(canonical?.ok ? { validatedArguments: canonical.arguments } : {}),
        });
      } else if (!decision.approved) {
        error(
          call,
          `The user rejected this call${decision.reason ? `: ${decision.reason}` : ''}. ` +
            'Do not retry it unless the user asks again.',
        );
      } else if (interrupted && !tool.idempotent) {
        error(call, INTERRUPTED_CALL_MESSAGE);
      } else {
        execute.push({ call, tool, approved: true });
      }
    }
    return { immediate, execute, approvals, external: externalCall };
  }
}

/** What the model is told about a non-idempotent call that started but whose result was never recorded. */
export const INTERRUPTED_CALL_MESSAGE =
  'This call was interrupted before its result was recorded; its outcome is unknown (it may or may not have ' +
  'taken effect). Tell the user so, and check before retrying.';

/** `refund_agent` → "Refund Agent". */
export function displayNameOf(name: string): string {
  return name
    .split(/[_\-\s]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

/** Calls made by this agent that have no result yet. */
function unresolvedCalls(history: readonly ChatMessage[], agentName: string): FunctionCallContent[] {
  const answered = new Set<string>();
  for (const m of history)
    for (const c of m.contents) if (c.type === 'function_result') answered.add(c.callId);
  const out: FunctionCallContent[] = [];
  for (const m of history) {
    if (m.role !== 'assistant' || (m.authorName !== undefined && m.authorName !== agentName)) continue;
    for (const c of m.contents) if (c.type === 'function_call' && !answered.has(c.callId)) out.push(c);
  }
  return out;
}

function approvalDecisions(history: readonly ChatMessage[]): Map<string, FunctionApprovalResponseContent> {
  const out = new Map<string, FunctionApprovalResponseContent>();
  for (const m of history) {
    for (const c of m.contents)
      if (c.type === 'function_approval_response') out.set(c.functionCall.callId, c);
  }
  return out;
}

/** Providers (and scripted servers after a restart) may reuse call ids; ids must be unique per transcript. */
function withFreshCallIds(message: ChatMessage, history: readonly ChatMessage[]): ChatMessage {
  const used = new Set<string>();
  for (const m of history) for (const c of m.contents) if (c.type === 'function_call') used.add(c.callId);
  return {
    ...message,
    contents: message.contents.map((c) => {
      if (c.type !== 'function_call') return c;
      const callId = used.has(c.callId) ? `call_${crypto.randomUUID().replaceAll('-', '')}` : c.callId;
      used.add(callId);
      return callId === c.callId ? c : { ...c, callId };
    }),
  };
}

function now(): string {
  return new Date().toISOString();
}
