/**
 * The scripted conversation on `@openai/agents` through its `Model` interface (no HTTP, tracing off). The SDK
 * keeps no state between runs, so the app does what its docs say: pass `result.history` and `result.lastAgent`
 * into the next run (sticky routing is the app's job there).
 */
import {
  Agent,
  type AgentInputItem,
  type Model,
  type ModelRequest,
  type ModelResponse,
  Runner,
  type StreamEvent,
  tool,
  Usage,
} from '@openai/agents';
import { z } from 'zod';
import { AGENT_NAMES, type ConversationScript, type PeerConversation, TOOL_NAME } from './script.js';

/** The SDK's default handoff tool name: `transfer_to_` + the agent name (case kept). */
const transferTool = (agentName: string): string => `transfer_to_${agentName}`;

class ScriptedOpenAIModel implements Model {
  constructor(
    private readonly script: () => ConversationScript,
    private readonly agentIndex: number,
  ) {}

  async getResponse(_request: ModelRequest): Promise<ModelResponse> {
    const action = this.script().next(this.agentIndex);
    const usage = new Usage();
    if (action.kind === 'text') {
      return {
        usage,
        output: [
          {
            type: 'message',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: action.text }],
          },
        ],
      };
    }
    const [name, args] =
      action.kind === 'handoff' ? [transferTool(action.target), '{}'] : [TOOL_NAME, action.arguments];
    return {
      usage,
      output: [{ type: 'function_call', callId: action.callId, name, arguments: args, status: 'completed' }],
    };
  }

  // biome-ignore lint/correctness/useYield: the benchmark runs without streaming; this path must not be taken.
  async *getStreamedResponse(_request: ModelRequest): AsyncIterable<StreamEvent> {
    throw new Error('The benchmark does not stream the OpenAI Agents SDK.');
  }
}

type BenchAgent = Agent<unknown, 'text'>;

export function openAIPeer() {
  let current: ConversationScript | undefined;
  const script = (): ConversationScript => {
    if (!current) throw new Error('No conversation is running.');
    return current;
  };
  /** When true, the tool asks for approval: the state-size section pauses the last turn there. */
  let requireApproval = false;
  const lookup = tool({
    name: TOOL_NAME,
    description: 'Look up an order.',
    parameters: z.object({ order_id: z.string() }),
    needsApproval: async () => requireApproval,
    execute: ({ order_id }) => script().toolResult(order_id),
  });
  const agents: BenchAgent[] = AGENT_NAMES.map(
    (name, index) =>
      new Agent({
        name,
        instructions: `You are the ${name} agent.`,
        model: new ScriptedOpenAIModel(script, index),
        tools: [lookup],
      }),
  );
  agents.forEach((agent, i) => {
    agent.handoffs = [agents[(i + 1) % agents.length]!];
  });
  const runner = new Runner({ tracingDisabled: true });

  return {
    conversation(conversationScript: ConversationScript): PeerConversation & {
      /** Runs turn `turn` with the tool needing approval and returns the paused `RunState.toString()`. */
      pausedStateAt(turn: number): Promise<string>;
      /** `RunState.toString()` of the last completed turn. */
      lastState(): string;
    } {
      let history: AgentInputItem[] = [];
      let active: BenchAgent = agents[0]!;
      /** Kept unserialized: toString() costs CPU the overhead section must not charge to the SDK. */
      let last: { state: { toString(): string } } | undefined;
      const input = (turn: number): AgentInputItem[] => [
        ...history,
        { role: 'user', content: conversationScript.userText(turn) },
      ];
      return {
        async runTurn(turn) {
          current = conversationScript;
          requireApproval = false;
          const result = await runner.run(active, input(turn));
          if (result.interruptions.length > 0) throw new Error('Unexpected interruption.');
          history = result.history;
          active = result.lastAgent ?? active;
          last = result;
        },
        async pausedStateAt(turn) {
          current = conversationScript;
          requireApproval = true;
          try {
            const result = await runner.run(active, input(turn));
            if (result.interruptions.length !== 1) throw new Error('Expected one approval interruption.');
            return result.state.toString();
          } finally {
            requireApproval = false;
          }
        },
        lastState() {
          if (!last) throw new Error('No turn has run.');
          return last.state.toString();
        },
      };
    },
  };
}
