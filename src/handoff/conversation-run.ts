/**
 * One conversation of a handoff workflow: `runStream` / `sendResponsesStreaming` and their non-streaming twins,
 * restore from checkpoints, and read-only views for chat channels. Get one from `workflow.forConversation(key)`;
 * it is cheap (the definition is shared) and holds only that conversation's loaded state.
 */
import type { Context } from '@opentelemetry/api';
import type { ChatAgent } from '../agents/agent.js';
import type { ChatMessage, MessageInput } from '../agents/messages.js';
import { ConcurrentUpdateError } from '../store/checkpoint-storage.js';
import { LeaseLostError } from '../store/storage-errors.js';
import { visibleConversation } from './context.js';
import type { HandoffDefinition, ReturnToContext } from './definition.js';
import {
  CheckpointingNotConfiguredError,
  CheckpointNotFoundError,
  InvalidResponseError,
  UnknownRequestError,
  WorkflowBusyError,
} from './errors.js';
import {
  type RequestInfoEvent,
  type WorkflowEvent,
  WorkflowFailedEvent,
  WorkflowStatusEvent,
} from './events.js';
import {
  type ConversationMessage,
  FunctionApprovalResponse,
  type ResponseMap,
  withText,
} from './requests.js';
import { normalizeResponse, toUserInput } from './responses.js';
import { WorkflowRunResult } from './run-result.js';
import { ConversationSession, newId } from './session.js';
import { type HeadState, HeadStateSchema } from './state.js';
import { complete, driveAgents, pause, requestEvent, toolsRunThisTurn, turnUsage } from './turn-runner.js';
import { TurnTrace, traceApprovalDecision } from './turn-trace.js';

export interface RestoreOptions {
  checkpointId: string;
  /** Needed by storages partitioned by conversation (DynamoDB); defaults to this workflow's conversation. */
  conversationId?: string;
  /** Restore, then answer these requests. */
  responses?: ResponseMap;
}

export interface RunOptions {
  signal?: AbortSignal;
  /**
   * The conversation lease's fencing token (`Lease.token`): every commit of this run carries it, so a runner
   * that was overtaken can never overwrite newer state (its commit throws `LeaseLostError`).
   */
  leaseToken?: number;
}

export class ConversationRun {
  private session?: ConversationSession;
  private loading?: Promise<ConversationSession>;
  /** The running turn's OpenTelemetry context (set while a run is in progress). */
  private trace: Context | undefined;
  /** The options of the run in progress (its lease token and signal). */
  private runOptions: RunOptions | undefined;
  /** Set while a run or response of this conversation is in progress on this object. */
  private inProgress = false;

  /** Unset until the first run when no key was given: an id is then made at run time. */
  private conversation: string | undefined;
  /** True when bound to a conversation by the caller (not a generated id). */
  private bound: boolean;

  constructor(
    readonly definition: HandoffDefinition,
    conversationId?: string,
  ) {
    this.conversation = conversationId;
    this.bound = conversationId !== undefined;
  }

  get name(): string {
    return this.definition.name;
  }
  /**
   * The conversation this object runs; a restore adopts the checkpoint's. Without a key given, one is made on
   * first use (a run, or reading this), never before.
   */
  get conversationId(): string {
    return this.key();
  }
  get agents(): ReadonlyMap<string, ChatAgent> {
    return this.definition.agents;
  }

  /**
   * Starts or continues the conversation with user input, or restores a checkpoint (`{ checkpointId }`),
   * re-emitting its pending requests. Input while a user-input request is pending answers it; input while only
   * approvals are pending is recorded and the approvals stay pending.
   */
  runStream(input: MessageInput | RestoreOptions, options: RunOptions = {}): AsyncGenerator<WorkflowEvent> {
    if (isRestore(input)) return this.exclusive(() => this.restore(input, options), options);
    return this.exclusive(() => this.continueWith(toUserInput(input), options), options);
  }

  /** Answers pending requests: `{ [requestId]: response }`. Unknown or answered ids throw and change nothing. */
  sendResponsesStreaming(responses: ResponseMap, options: RunOptions = {}): AsyncGenerator<WorkflowEvent> {
    return this.exclusive(() => this.respond(responses, options), options);
  }

  async run(input: MessageInput | RestoreOptions, options: RunOptions = {}): Promise<WorkflowRunResult> {
    return this.collect(this.runStream(input, options));
  }

  async sendResponses(responses: ResponseMap, options: RunOptions = {}): Promise<WorkflowRunResult> {
    return this.collect(this.sendResponsesStreaming(responses, options));
  }

  /** Pending requests of this conversation (loads it from storage if needed). */
  async getPendingRequests(): Promise<RequestInfoEvent[]> {
    const s = await this.load();
    return s.head.pendingRequests.map((r) => requestEvent(r, s.transcript));
  }

  /** The conversation people see: user and agent messages, no tool traffic. */
  async getConversation(): Promise<ConversationMessage[]> {
    return visibleConversation((await this.load()).transcript);
  }

  /** Status, active agent and checkpoint of this conversation. */
  async getStatus(): Promise<{
    status: HeadState['status'];
    activeAgent: string;
    checkpointId: string | null;
  }> {
    const s = await this.load();
    return { status: s.head.status, activeAgent: s.head.activeAgent, checkpointId: s.checkpointId };
  }

  private async collect(stream: AsyncGenerator<WorkflowEvent>): Promise<WorkflowRunResult> {
    const events: WorkflowEvent[] = [];
    for await (const e of stream) events.push(e);
    return new WorkflowRunResult(events, await this.getPendingRequests());
  }

  /**
   * One conversation, one turn at a time: a second overlapping call would interleave two turns' changes in
   * memory. Ordering callers is the ConversationDriver's job; without it, this is the clear error instead.
   */
  private async *exclusive(
    body: () => AsyncGenerator<WorkflowEvent>,
    options: RunOptions,
  ): AsyncGenerator<WorkflowEvent> {
    if (this.inProgress) throw new WorkflowBusyError(this.key());
    this.inProgress = true;
    const turn = new TurnTrace(this.definition.name, this.key());
    this.trace = turn.context;
    this.runOptions = options;
    try {
      for await (const e of body()) {
        turn.observe(e);
        yield e;
      }
    } catch (error) {
      turn.fail(error);
      // Whatever failed may have left uncommitted changes in memory: with storage, reload next time.
      if (this.definition.storage) this.session = undefined;
      throw error;
    } finally {
      turn.end(this.key());
      this.trace = undefined;
      this.inProgress = false;
      this.runOptions = undefined;
    }
  }

  /** The conversation's id, made now if this run was started without one. */
  private key(): string {
    this.conversation ??= newId('conv');
    return this.conversation;
  }

  private load(): Promise<ConversationSession> {
    if (this.session) return Promise.resolve(this.session);
    const conversationId = this.key();
    // Concurrent readers (a UI polling getStatus during a run) must share one session, not race to replace it.
    this.loading ??= (async () => {
      const storage = this.definition.storage;
      const latest = storage ? await storage.getLatest({ conversationId }) : undefined;
      this.session = latest
        ? ConversationSession.fromCheckpoint(this.definition, latest)
        : ConversationSession.create(this.definition, conversationId);
      return this.session;
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async *continueWith(input: ChatMessage[], options: RunOptions): AsyncGenerator<WorkflowEvent> {
    const session = await this.load();
    session.leaseToken = options.leaseToken;
    const head = session.head;
    // A message whose id is already in the transcript was recorded by an earlier attempt of this turn (a
    // retry after a lost race): never append it twice; finish its turn only if no one else has.
    const known = new Set(input.flatMap((m) => (m.messageId ? [m.messageId] : [])));
    const recorded = new Set(
      session.transcript.flatMap((m) => (m.messageId && known.has(m.messageId) ? [m.messageId] : [])),
    );
    const messages = input.filter((m) => !m.messageId || !recorded.has(m.messageId));
    if (messages.length === 0 && input.length > 0) {
      if (head.status === 'running' || head.status === 'failed') {
        yield* this.drive(session, options, false);
      } else {
        for (const r of head.pendingRequests) yield requestEvent(r, session.transcript);
        yield new WorkflowStatusEvent(head.pendingRequests.length ? 'idle_with_pending_requests' : 'idle');
      }
      return;
    }
    const userRequest = head.pendingRequests.find((r) => r.kind === 'user_input');
    if (userRequest) {
      yield* this.respond({ [userRequest.requestId]: messages }, options);
      return;
    }
    if (head.pendingRequests.length > 0) {
      // Only approvals are pending: keep what the user said; the agent reads it once the tools have results.
      for (const m of messages) session.append(m);
      yield* this.guard(session, async function* () {
        await session.commit(this.definition.storage);
        for (const r of head.pendingRequests) yield requestEvent(r, session.transcript);
        yield new WorkflowStatusEvent('idle_with_pending_requests');
      });
      return;
    }
    if (head.status === 'completed') {
      head.activeAgent = this.definition.startAgent;
      head.autonomousTurns = {};
    }
    for (const m of messages) session.append(m);
    this.resetTurn(session);
    yield* this.drive(session, options, true);
  }

  private async *respond(responses: ResponseMap, options: RunOptions): AsyncGenerator<WorkflowEvent> {
    const session = await this.load();
    session.leaseToken = options.leaseToken;
    const head = session.head;
    const pendingIds = head.pendingRequests.map((r) => r.requestId);
    // Validate everything — ids, shapes, routing — before changing anything.
    const plan = Object.entries(responses).map(([id, response]) => {
      const request = head.pendingRequests.find((r) => r.requestId === id);
      if (!request) throw new UnknownRequestError(id, session.conversationId, pendingIds);
      return { request, response: normalizeResponse(request, response) };
    });
    if (plan.length === 0) throw new InvalidResponseError('sendResponses needs at least one response.');
    if (session.forked && plan.some((p) => p.response instanceof FunctionApprovalResponse)) {
      await this.assertStillPendingOnLatest(plan.map((p) => p.request.requestId));
    }
    let routeTo: string | undefined;
    for (const { request, response } of plan) {
      if (Array.isArray(response) && response.length > 0)
        routeTo = this.route(request.agentId, session, response);
    }

    // A person's response starts a new turn: its usage counts from zero even if no model runs (end, still pending).
    delete head.turn.usage;
    let approvalsFrom: string | undefined;
    for (const { request, response } of plan) {
      head.pendingRequests = head.pendingRequests.filter((r) => r.requestId !== request.requestId);
      if (response instanceof FunctionApprovalResponse) {
        session.append({
          role: 'user',
          visibleTo: request.agentId,
          synthetic: 'approval_response',
          contents: [response.toContent()],
        });
        approvalsFrom = request.agentId;
        if (request.kind === 'function_approval')
          traceApprovalDecision(this.trace, this.name, request, response);
      } else if (response.length === 0) {
        yield* this.guard(session, () => complete({ def: this.definition, session }));
        return;
      } else {
        for (const m of response) session.append(m);
      }
    }
    if (head.pendingRequests.length > 0) {
      yield* this.guard(session, () => pause({ def: this.definition, session }, []));
      return;
    }
    // An agent waiting on approvals must finish its tool calls before anyone else speaks.
    head.activeAgent = approvalsFrom ?? routeTo ?? head.activeAgent;
    this.resetTurn(session);
    yield* this.drive(session, options, true);
  }

  private async *restore(input: RestoreOptions, options: RunOptions): AsyncGenerator<WorkflowEvent> {
    const storage = this.definition.storage;
    if (!storage) throw new CheckpointingNotConfiguredError();
    const conversationId = input.conversationId ?? (this.bound ? this.conversation : undefined);
    const checkpoint = await storage.load(input.checkpointId, conversationId);
    if (!checkpoint) throw new CheckpointNotFoundError(input.checkpointId);
    const session = ConversationSession.fromCheckpoint(this.definition, checkpoint);
    session.leaseToken = options.leaseToken;
    const pendingIds = session.head.pendingRequests.map((r) => r.requestId);
    for (const id of Object.keys(input.responses ?? {})) {
      if (!pendingIds.includes(id)) throw new UnknownRequestError(id, session.conversationId, pendingIds);
    }
    this.session = session;
    this.conversation = session.conversationId;
    this.bound = true;
    const answered = new Set(Object.keys(input.responses ?? {}));
    for (const r of session.head.pendingRequests) {
      if (!answered.has(r.requestId)) yield requestEvent(r, session.transcript);
    }
    if (input.responses) {
      yield* this.respond(input.responses, options);
    } else if (
      (session.head.status === 'running' || session.head.status === 'failed') &&
      session.head.pendingRequests.length === 0
    ) {
      // A crash (or a failure) mid-turn: continue the turn where it stopped.
      yield* this.drive(session, options, false);
    } else {
      yield new WorkflowStatusEvent(
        session.head.pendingRequests.length ? 'idle_with_pending_requests' : 'idle',
      );
    }
  }

  private route(askingAgent: string, session: ConversationSession, reply: readonly ChatMessage[]): string {
    const rule = this.definition.returnTo;
    if (rule === 'previous') return askingAgent;
    if (rule === 'start') return this.definition.startAgent;
    const context: ReturnToContext = {
      previousAgent: askingAgent,
      startAgent: this.definition.startAgent,
      conversation: [...visibleConversation(session.transcript), ...reply.map(withText)],
    };
    const chosen = rule(context);
    const name = typeof chosen === 'string' ? chosen : chosen.name;
    if (!this.definition.agents.has(name)) {
      throw new InvalidResponseError(`withReturnTo chose "${name}", which is not a participant.`);
    }
    return name;
  }

  /** An approval settled on the conversation's newer branch must not run again on an older one. */
  private async assertStillPendingOnLatest(requestIds: readonly string[]): Promise<void> {
    const conversationId = this.key();
    const latest = await this.definition.storage?.getLatest({ conversationId });
    const parsed = latest ? HeadStateSchema.safeParse(latest.state) : undefined;
    const pending = parsed?.success ? parsed.data.pendingRequests.map((r) => r.requestId) : [];
    for (const id of requestIds) {
      if (!pending.includes(id)) throw new UnknownRequestError(id, conversationId, pending);
    }
  }

  private resetTurn(session: ConversationSession): void {
    session.head.turn = { handoffs: 0, modelCalls: 0, trail: [] };
    delete session.head.lastError;
  }

  private async *drive(
    session: ConversationSession,
    options: RunOptions,
    commitFirst: boolean,
  ): AsyncGenerator<WorkflowEvent> {
    const ctx = {
      def: this.definition,
      session,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(this.trace ? { trace: this.trace } : {}),
    };
    yield* this.guard(session, async function* () {
      session.head.status = 'running';
      // The user's words are durable before any model is called: a crash mid-turn loses nothing.
      if (commitFirst) await session.commit(ctx.def.storage);
      yield* driveAgents(ctx);
    });
  }

  /** Failures become events, the state is kept, and the error is re-thrown (as MAF does). */
  private async *guard(
    session: ConversationSession,
    body: (this: ConversationRun) => AsyncGenerator<WorkflowEvent>,
  ): AsyncGenerator<WorkflowEvent> {
    try {
      yield* body.call(this);
    } catch (error) {
      if (
        error instanceof ConcurrentUpdateError ||
        error instanceof LeaseLostError ||
        this.runOptions?.signal?.reason instanceof LeaseLostError
      ) {
        // Our in-memory state is stale, or another runner owns the conversation now: record nothing, and the
        // next call reloads from storage.
        this.session = undefined;
        throw error;
      }
      const err = error instanceof Error ? error : new Error(String(error));
      session.head.status = 'failed';
      session.head.lastError = { name: err.name, message: err.message };
      try {
        await session.commit(this.definition.storage);
      } catch {
        this.session = undefined;
      }
      yield new WorkflowFailedEvent(
        { name: err.name, message: err.message },
        session.head.activeAgent,
        toolsRunThisTurn(session.transcript),
      );
      yield new WorkflowStatusEvent('failed', turnUsage(session.head));
      throw err;
    }
  }
}

function isRestore(input: MessageInput | RestoreOptions): input is RestoreOptions {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && 'checkpointId' in input;
}
