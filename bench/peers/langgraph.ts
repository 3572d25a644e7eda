/**
 * The scripted conversation on LangGraph.js + `@langchain/langgraph-swarm`: `createReactAgent` per agent with
 * `createHandoffTool`, `createSwarm`, compiled with `MemorySaver` (swarm needs a checkpointer for its sticky
 * `activeAgent`, and it is how LangGraph persists a thread). The fake model is a `BaseChatModel` subclass.
 */
import type { BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { tool } from '@langchain/core/tools';
import { MemorySaver } from '@langchain/langgraph';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { createHandoffTool, createSwarm } from '@langchain/langgraph-swarm';
import { z } from 'zod';
import { AGENT_NAMES, type ConversationScript, type PeerConversation, TOOL_NAME } from './script.js';

class ScriptedLangChainModel extends BaseChatModel {
  constructor(
    private readonly script: () => ConversationScript,
    private readonly agentIndex: number,
    params: BaseChatModelParams = {},
  ) {
    super(params);
  }

  _llmType(): string {
    return 'scripted';
  }

  /** The script already knows which tools exist; binding them changes nothing. */
  override bindTools(): this {
    return this;
  }

  async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    const action = this.script().next(this.agentIndex);
    const message =
      action.kind === 'text'
        ? new AIMessage({ content: action.text })
        : new AIMessage({
            content: '',
            tool_calls: [
              action.kind === 'handoff'
                ? { id: action.callId, name: `transfer_to_${action.target}`, args: {}, type: 'tool_call' }
                : {
                    id: action.callId,
                    name: TOOL_NAME,
                    args: JSON.parse(action.arguments) as Record<string, unknown>,
                    type: 'tool_call',
                  },
            ],
          });
    return { generations: [{ text: typeof message.content === 'string' ? message.content : '', message }] };
  }
}

/** Sums the bytes a MemorySaver holds: every checkpoint and its metadata, and every pending write. */
export function memorySaverBytes(saver: MemorySaver): { bytes: number; checkpoints: number; latest: number } {
  let bytes = 0;
  let checkpoints = 0;
  let latest = 0;
  for (const namespaces of Object.values(saver.storage)) {
    for (const byId of Object.values(namespaces)) {
      // Checkpoint ids are time-ordered (uuid6), so the greatest is the newest.
      const ids = Object.keys(byId).sort();
      for (const id of ids) {
        const [checkpoint, metadata] = byId[id]!;
        bytes += checkpoint.byteLength + metadata.byteLength;
        checkpoints += 1;
      }
      const newest = ids.at(-1);
      if (newest !== undefined) latest = Math.max(latest, byId[newest]![0].byteLength);
    }
  }
  for (const writes of Object.values(saver.writes)) {
    for (const [taskId, channel, value] of Object.values(writes)) {
      bytes += Buffer.byteLength(taskId) + Buffer.byteLength(channel) + value.byteLength;
    }
  }
  return { bytes, checkpoints, latest };
}

export function langGraphPeer() {
  let current: ConversationScript | undefined;
  const script = (): ConversationScript => {
    if (!current) throw new Error('No conversation is running.');
    return current;
  };
  const lookup = tool(({ order_id }: { order_id: string }) => script().toolResult(order_id), {
    name: TOOL_NAME,
    description: 'Look up an order.',
    schema: z.object({ order_id: z.string() }),
  });
  const agents = AGENT_NAMES.map((name, index) =>
    createReactAgent({
      llm: new ScriptedLangChainModel(script, index),
      tools: [createHandoffTool({ agentName: AGENT_NAMES[(index + 1) % AGENT_NAMES.length]! }), lookup],
      name,
      prompt: `You are the ${name} agent.`,
    }),
  );
  const workflow = createSwarm({ agents, defaultActiveAgent: AGENT_NAMES[0] });

  return {
    conversation(
      conversationScript: ConversationScript,
      id: string,
    ): PeerConversation & { saver: MemorySaver } {
      // A saver per conversation, so its storage holds exactly this thread.
      const saver = new MemorySaver();
      const app = workflow.compile({ checkpointer: saver });
      return {
        saver,
        async runTurn(turn) {
          current = conversationScript;
          await app.invoke(
            { messages: [{ role: 'user', content: conversationScript.userText(turn) }] },
            { configurable: { thread_id: id }, recursionLimit: 50 },
          );
        },
      };
    },
  };
}
