/** The scripted conversation on Baton: a `ChatModel` per agent, `HandoffBuilder`, in-memory checkpoints. */
import { z } from 'zod';
import { ChatAgent } from '../../src/agents/agent.js';
import { BaseChatModel } from '../../src/agents/base-model.js';
import { makeFunctionCall } from '../../src/agents/messages.js';
import type { ChatModelRequest, ChatModelResponse, ChatModelStreamEvent } from '../../src/agents/model.js';
import { tool } from '../../src/agents/tool.js';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import { handoffToolName } from '../../src/handoff/handoff-tools.js';
import type { CheckpointInfo, CheckpointWrite } from '../../src/store/checkpoint-storage.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { serializeStepPayload } from '../../src/store/step-payload.js';
import { AGENT_NAMES, type ConversationScript, type PeerConversation, TOOL_NAME } from './script.js';

/** In-memory storage that also counts what it keeps: each step's serialized payload (new messages + head). */
export class MeasuredMemoryStorage extends InMemoryCheckpointStorage {
  payloadBytes = 0;
  /** The part of payloadBytes that is head state (one per step), as opposed to messages. */
  stateBytes = 0;
  steps = 0;
  /** Off in the overhead section: serializing again to count would charge Baton CPU it does not spend. */
  constructor(private readonly counting: boolean) {
    super();
  }
  override async save(write: CheckpointWrite): Promise<CheckpointInfo> {
    const info = await super.save(write);
    if (!this.counting) return info;
    // The memory store keeps exactly this string per step (plus a small record of ids and versions).
    this.payloadBytes += Buffer.byteLength(serializeStepPayload(write));
    this.stateBytes += Buffer.byteLength(JSON.stringify(write.state));
    this.steps += 1;
    return info;
  }
}

/** A zero-latency model that answers from the script; no HTTP, no tokens streamed. */
class ScriptedBatonModel extends BaseChatModel {
  readonly modelId = 'scripted';
  constructor(
    private readonly script: () => ConversationScript,
    private readonly agentIndex: number,
  ) {
    super();
  }

  async *stream(_request: ChatModelRequest): AsyncIterable<ChatModelStreamEvent> {
    yield { type: 'response', response: this.respond() };
  }

  override async complete(_request: ChatModelRequest): Promise<ChatModelResponse> {
    return this.respond();
  }

  private respond(): ChatModelResponse {
    const action = this.script().next(this.agentIndex);
    if (action.kind === 'text') {
      return {
        message: { role: 'assistant', contents: [{ type: 'text', text: action.text }] },
        finishReason: 'stop',
      };
    }
    const call =
      action.kind === 'handoff'
        ? makeFunctionCall(action.callId, handoffToolName(action.target), '{}')
        : makeFunctionCall(action.callId, TOOL_NAME, action.arguments);
    return { message: { role: 'assistant', contents: [call] }, finishReason: 'tool_calls' };
  }
}

/** Builds the four agents once; `conversation` starts a fresh thread with its own storage. */
export function batonPeer() {
  let current: ConversationScript | undefined;
  const script = (): ConversationScript => {
    if (!current) throw new Error('No conversation is running.');
    return current;
  };
  const lookup = tool({
    name: TOOL_NAME,
    description: 'Look up an order.',
    parameters: z.object({ order_id: z.string() }),
    execute: ({ order_id }) => script().toolResult(order_id),
  });
  const agents = AGENT_NAMES.map(
    (name, index) =>
      new ChatAgent({
        name,
        instructions: `You are the ${name} agent.`,
        model: new ScriptedBatonModel(script, index),
        tools: [lookup],
      }),
  );

  return {
    conversation(
      conversationScript: ConversationScript,
      id: string,
      options: { countBytes?: boolean } = {},
    ): PeerConversation & {
      storage: MeasuredMemoryStorage;
      latestCheckpointBytes(): Promise<number>;
    } {
      const storage = new MeasuredMemoryStorage(options.countBytes ?? false);
      const builder = new HandoffBuilder({ name: 'bench', participants: agents }).withCheckpointing(storage);
      // The same ring as the other frameworks: each agent may hand off only to the next one.
      for (const [i, agent] of agents.entries()) builder.addHandoff(agent, agents[(i + 1) % agents.length]!);
      const workflow = builder.build().forConversation(id);
      return {
        storage,
        async runTurn(turn) {
          current = conversationScript;
          const result = await workflow.run(conversationScript.userText(turn));
          if (result.state === 'failed') throw new Error(`Baton turn ${turn} failed.`);
        },
        async latestCheckpointBytes() {
          const latest = await storage.getLatest({ conversationId: id });
          return Buffer.byteLength(JSON.stringify(latest));
        },
      };
    },
  };
}
