/**
 * The one conversation every framework runs, decided by a zero-latency scripted model so the frameworks
 * differ only in their orchestration. Four agents in a ring; each user turn is four model calls:
 *
 *   phase 0  agent X (active, sticky from the last turn) hands off to X+1
 *   phase 1  agent X+1 calls the `lookup_order` tool
 *   phase 2  agent X+1 (sees the tool result) hands off to X+2
 *   phase 3  agent X+2 answers the user with text; it is the active agent for the next turn
 *
 * "An agent step" = one model call plus everything the framework does with its output (run the tool, switch
 * agents, record messages/checkpoints, emit events) until the next model call or the end of the turn.
 * So 4 steps per turn, 2 handoffs and 1 tool call per turn. The script checks that the agent making each call is
 * the one the plan expects, which proves every framework walked the same path.
 */
import { prose } from '../text.js';

export const AGENT_NAMES = ['triage', 'billing', 'shipping', 'returns'] as const;
export const STEPS_PER_TURN = 4;
export const TOOL_NAME = 'lookup_order';

export type ScriptedAction =
  | { kind: 'handoff'; callId: string; target: string; targetIndex: number }
  | { kind: 'tool'; callId: string; arguments: string }
  | { kind: 'text'; text: string };

export interface ScriptOptions {
  /** Characters of the user's message per turn. */
  userChars: number;
  /** Characters of the final assistant reply per turn. */
  replyChars: number;
}

/** Which agent speaks in each phase, relative to the agent active at the start of the turn. */
const PHASE_OFFSET = [0, 1, 1, 2] as const;

/** One conversation's script. One instance per conversation: it counts the model calls. */
export class ConversationScript {
  calls = 0;
  constructor(readonly options: ScriptOptions) {}

  userText(turn: number): string {
    return prose(turn * 2 + 1, this.options.userChars);
  }

  replyText(turn: number): string {
    return prose(turn * 2 + 2, this.options.replyChars);
  }

  /** The tool's result: small and fixed, like an order-status lookup. */
  toolResult(orderId: unknown): string {
    return `Order ${String(orderId)} ships in 2 business days.`;
  }

  /** The next model output for agent `agentIndex`; throws if the framework called the wrong agent. */
  next(agentIndex: number): ScriptedAction {
    const call = this.calls;
    this.calls += 1;
    const turn = Math.floor(call / STEPS_PER_TURN);
    const phase = call % STEPS_PER_TURN;
    const expected = (2 * turn + PHASE_OFFSET[phase as 0 | 1 | 2 | 3]) % AGENT_NAMES.length;
    if (agentIndex !== expected) {
      throw new Error(
        `Script diverged at call ${call} (turn ${turn}, phase ${phase}): agent ${AGENT_NAMES[agentIndex]} ` +
          `was called, the plan expects ${AGENT_NAMES[expected]}.`,
      );
    }
    const callId = `call_${call}`;
    if (phase === 0 || phase === 2) {
      const targetIndex = (agentIndex + 1) % AGENT_NAMES.length;
      return { kind: 'handoff', callId, target: AGENT_NAMES[targetIndex]!, targetIndex };
    }
    if (phase === 1) return { kind: 'tool', callId, arguments: JSON.stringify({ order_id: `A-${turn}` }) };
    return { kind: 'text', text: this.replyText(turn) };
  }

  /** The transcript people see (user messages and final replies) as JSON: the "raw" size states compare to. */
  rawTranscriptBytes(turns: number): number {
    const messages: { role: string; content: string }[] = [];
    for (let turn = 0; turn < turns; turn += 1) {
      messages.push({ role: 'user', content: this.userText(turn) });
      messages.push({ role: 'assistant', content: this.replyText(turn) });
    }
    return Buffer.byteLength(JSON.stringify(messages));
  }
}

/** What each framework adapter offers the sections. */
export interface PeerConversation {
  /** Runs user turn `turn` (0-based) to the final reply. */
  runTurn(turn: number): Promise<void>;
}
