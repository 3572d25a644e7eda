/**
 * `HandoffWorkflow`: what `build()` returns. Stateless and shareable — built once, used by every conversation —
 * it hands out one `ConversationRun` per conversation key (`forConversation`), which is what the
 * ConversationDriver and the chat channels run.
 *
 * For the seed's single-conversation style (`workflow.runStream(...)`, then `workflow.sendResponsesStreaming(...)`)
 * the run methods are also here: they use one default conversation, made at the first call (with a fresh id,
 * generated then), exactly as MAF's workflow object holds one run.
 */
import type { ChatAgent } from '../agents/agent.js';
import type { MessageInput } from '../agents/messages.js';
import { ConversationRun, type RestoreOptions, type RunOptions } from './conversation-run.js';
import type { HandoffDefinition } from './definition.js';
import type { RequestInfoEvent, WorkflowEvent } from './events.js';
import type { ConversationMessage, ResponseMap } from './requests.js';
import type { WorkflowRunResult } from './run-result.js';

export class HandoffWorkflow {
  /** Only the seed-style methods below use it; `forConversation` never does. */
  private defaultRun?: ConversationRun;

  constructor(readonly definition: HandoffDefinition) {}

  get name(): string {
    return this.definition.name;
  }
  get agents(): ReadonlyMap<string, ChatAgent> {
    return this.definition.agents;
  }

  /** The run of one conversation (cheap: the definition is shared; state is loaded from storage on use). */
  forConversation(conversationId: string): ConversationRun {
    return new ConversationRun(this.definition, conversationId);
  }

  /** The default conversation's id, made on first use (a seed-style run, or reading this), not at build(). */
  get conversationId(): string {
    return this.conversation().conversationId;
  }

  /** Seed style: starts or continues the default conversation (see `ConversationRun.runStream`). */
  runStream(input: MessageInput | RestoreOptions, options: RunOptions = {}): AsyncGenerator<WorkflowEvent> {
    return this.conversation().runStream(input, options);
  }

  /** Seed style: answers pending requests of the default conversation. */
  sendResponsesStreaming(responses: ResponseMap, options: RunOptions = {}): AsyncGenerator<WorkflowEvent> {
    return this.conversation().sendResponsesStreaming(responses, options);
  }

  run(input: MessageInput | RestoreOptions, options: RunOptions = {}): Promise<WorkflowRunResult> {
    return this.conversation().run(input, options);
  }

  sendResponses(responses: ResponseMap, options: RunOptions = {}): Promise<WorkflowRunResult> {
    return this.conversation().sendResponses(responses, options);
  }

  getPendingRequests(): Promise<RequestInfoEvent[]> {
    return this.conversation().getPendingRequests();
  }

  getConversation(): Promise<ConversationMessage[]> {
    return this.conversation().getConversation();
  }

  getStatus(): ReturnType<ConversationRun['getStatus']> {
    return this.conversation().getStatus();
  }

  private conversation(): ConversationRun {
    this.defaultRun ??= new ConversationRun(this.definition);
    return this.defaultRun;
  }
}
