/**
 * `HandoffDefinition`: what a handoff workflow is — agents, edges, options — validated and frozen by
 * `HandoffBuilder.build()` and shared by every conversation of the workflow. Pure data plus the agents; no
 * conversation state lives here.
 */
import type { ChatAgent } from '../agents/agent.js';
import type { CheckpointStorage } from '../store/checkpoint-storage.js';
import type { ContextWindow } from './context-window.js';
import type { ConversationMessage } from './requests.js';

export type TerminationCondition = (
  conversation: readonly ConversationMessage[],
) => boolean | Promise<boolean>;

export interface ReturnToContext {
  /** The agent that asked the user (the sticky specialist). */
  previousAgent: string;
  startAgent: string;
  conversation: readonly ConversationMessage[];
}
/** Who gets the user's reply: the agent that asked ('previous', the default), the start agent, or your choice. */
export type ReturnTo = 'previous' | 'start' | ((context: ReturnToContext) => string | ChatAgent);

export interface AutonomousModeOptions {
  /** Agents (or names) that continue without the user; none or empty: all participants. */
  agents?: readonly (ChatAgent | string)[];
  /** Per-agent prompt sent in place of the user. */
  prompts?: Readonly<Record<string, string>>;
  /** Per-agent number of autonomous turns before the user is asked (default 50). */
  turnLimits?: Readonly<Record<string, number>>;
}

export interface HandoffLimits {
  /** Handoffs allowed between two human responses (default 10). */
  maxHandoffsPerTurn?: number;
  /** Model calls allowed between two human responses, across agents (default 40). */
  maxModelCallsPerTurn?: number;
  /** Length of the A→B→A→B pattern that counts as ping-pong (default 4; 0 turns detection off). */
  pingPongWindow?: number;
}

/** Everything a workflow needs, validated and frozen by `build()`. */
export interface HandoffDefinition {
  readonly name: string;
  readonly description: string;
  readonly agents: ReadonlyMap<string, ChatAgent>;
  readonly startAgent: string;
  /** Allowed handoff targets per agent, with the tool description to use. */
  readonly handoffs: ReadonlyMap<string, readonly { target: string; description?: string }[]>;
  readonly handoffInstructions: string | null;
  readonly terminationCondition?: TerminationCondition;
  readonly returnTo: ReturnTo;
  readonly autonomous: ReadonlyMap<string, { prompt: string; turnLimit: number }>;
  readonly limits: Required<HandoffLimits>;
  /** What part of a long thread each model call is sent (see `withContext`). */
  readonly context: ContextWindow;
  readonly storage?: CheckpointStorage;
  /** Non-fatal configuration notes (e.g. an agent that cannot hand off anywhere). */
  readonly warnings: readonly string[];
}
