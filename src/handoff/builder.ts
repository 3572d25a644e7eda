/**
 * `HandoffBuilder`: MAF's Python API in TypeScript camelCase. Validates the graph and options once and
 * produces an immutable definition that every conversation of the workflow shares.
 */
import type { ChatAgent } from '../agents/agent.js';
import type { CheckpointStorage } from '../store/checkpoint-storage.js';
import { type ContextOptions, contextWindow } from './context-window.js';
import type {
  AutonomousModeOptions,
  HandoffDefinition,
  HandoffLimits,
  ReturnTo,
  TerminationCondition,
} from './definition.js';
import { HandoffConfigurationError } from './errors.js';
import { DEFAULT_HANDOFF_INSTRUCTIONS, handoffToolName } from './handoff-tools.js';
import { HandoffWorkflow } from './workflow.js';

export interface HandoffBuilderOptions {
  name?: string;
  description?: string;
  participants?: readonly ChatAgent[];
  checkpointStorage?: CheckpointStorage;
  terminationCondition?: TerminationCondition;
}

export const AUTONOMOUS_MODE_DEFAULT_PROMPT = 'User did not respond. Continue assisting autonomously.';
export const DEFAULT_AUTONOMOUS_TURN_LIMIT = 50;

export class HandoffBuilder {
  private name: string;
  private description: string;
  private agents: ChatAgent[] = [];
  private participantsSet = false;
  private startAgent?: string;
  private readonly rules = new Map<string, Map<string, string | undefined>>();
  /** Agents named by object in withStartAgent / handoff edges: the participants when none are given. */
  private readonly seen = new Map<string, ChatAgent>();
  private terminationCondition?: TerminationCondition;
  private autonomous?: AutonomousModeOptions;
  private storage?: CheckpointStorage;
  private handoffInstructions: string | null = DEFAULT_HANDOFF_INSTRUCTIONS;
  private returnTo: ReturnTo = 'previous';
  private limits: HandoffLimits = {};
  private context: ContextOptions = {};

  constructor(options: HandoffBuilderOptions = {}) {
    this.name = options.name ?? 'handoff';
    this.description = options.description ?? '';
    if (options.participants) this.participants(options.participants);
    if (options.checkpointStorage) this.storage = options.checkpointStorage;
    if (options.terminationCondition) this.terminationCondition = options.terminationCondition;
  }

  /** The agents of the workflow (once; names must be unique). */
  participants(agents: readonly ChatAgent[]): this {
    if (this.participantsSet)
      throw new HandoffConfigurationError('participants(...) may be called only once.');
    if (agents.length === 0)
      throw new HandoffConfigurationError('participants(...) needs at least one agent.');
    const seen = new Set<string>();
    for (const a of agents) {
      if (seen.has(a.name)) {
        throw new HandoffConfigurationError(
          `Two participants are named "${a.name}"; agent names must be unique.`,
        );
      }
      seen.add(a.name);
    }
    this.agents = [...agents];
    this.participantsSet = true;
    return this;
  }

  /** The agent that receives the first user message (default: the first participant). */
  withStartAgent(agent: ChatAgent | string): this {
    this.startAgent = this.note(agent);
    return this;
  }

  /** `source` may hand off to each of `targets`. Calling again for a source adds targets. */
  addHandoff(
    source: ChatAgent | string,
    targets: ChatAgent | string | readonly (ChatAgent | string)[],
    options: { description?: string } = {},
  ): this {
    const from = this.note(source);
    const list = Array.isArray(targets)
      ? (targets as readonly (ChatAgent | string)[])
      : [targets as ChatAgent | string];
    const rule = this.rules.get(from) ?? new Map<string, string | undefined>();
    for (const t of list) {
      const to = this.note(t);
      if (to === from) throw new HandoffConfigurationError(`Agent "${from}" cannot hand off to itself.`);
      rule.set(to, options.description);
    }
    this.rules.set(from, rule);
    return this;
  }

  /** C# form: `source` may hand off to each of `targets` (same as `addHandoff`). */
  withHandoffs(
    source: ChatAgent | string,
    targets: readonly (ChatAgent | string)[],
    description?: string,
  ): this {
    return this.addHandoff(source, targets, description === undefined ? {} : { description });
  }

  /** C# form: `source` may hand off to `target`; `description` tells the model when to. */
  withHandoff(source: ChatAgent | string, target: ChatAgent | string, description?: string): this {
    return this.addHandoff(source, [target], description === undefined ? {} : { description });
  }

  /** Ends the conversation when it returns true; sees the visible conversation after each agent reply. */
  withTerminationCondition(condition: TerminationCondition): this {
    this.terminationCondition = condition;
    return this;
  }

  /** Agents continue without waiting for the user, up to a per-agent turn limit. */
  withAutonomousMode(options: AutonomousModeOptions = {}): this {
    this.autonomous = options;
    return this;
  }

  withCheckpointing(storage: CheckpointStorage): this {
    this.storage = storage;
    return this;
  }

  /** Replaces the instructions appended to every agent about handoffs; `null` appends none. */
  withHandoffInstructions(instructions: string | null): this {
    this.handoffInstructions = instructions;
    return this;
  }

  /** Who receives the user's reply after an agent asks (default: that same agent). */
  withReturnTo(returnTo: ReturnTo): this {
    this.returnTo = returnTo;
    return this;
  }

  /** Loop safety: caps per human turn and ping-pong detection. */
  withLimits(limits: HandoffLimits): this {
    this.limits = { ...this.limits, ...limits };
    return this;
  }

  /** Remembers an agent named by object (two different agents may not share a name). */
  private note(agent: ChatAgent | string): string {
    if (typeof agent === 'string') return agent;
    const known = this.seen.get(agent.name);
    if (known && known !== agent) {
      throw new HandoffConfigurationError(
        `Two different agents are named "${agent.name}"; agent names must be unique.`,
      );
    }
    this.seen.set(agent.name, agent);
    return agent.name;
  }

  /**
   * How much of a long thread each model call is sent: the last `lastMessages` of the agent's view (default
   * 60), optionally within a `tokenBudget`; `{ lastMessages: 'all' }` sends everything. The stored transcript
   * is never trimmed.
   */
  withContext(options: ContextOptions): this {
    this.context = { ...this.context, ...options };
    return this;
  }

  build(): HandoffWorkflow {
    // Without participants(...), the agents are those the start agent and the edges name (C#: inferred).
    if (!this.participantsSet && this.seen.size > 0) {
      const start = this.startAgent === undefined ? undefined : this.seen.get(this.startAgent);
      this.agents = [...(start ? [start] : []), ...[...this.seen.values()].filter((a) => a !== start)];
    }
    if (this.agents.length === 0) {
      throw new HandoffConfigurationError(
        'No participants: pass participants to the HandoffBuilder or call participants([...]).',
      );
    }
    const agents = new Map(this.agents.map((a) => [a.name, a] as const));
    const known = (name: string, what: string) => {
      if (!agents.has(name)) {
        throw new HandoffConfigurationError(
          `${what} "${name}" is not a participant; participants: ${[...agents.keys()].join(', ')}.`,
        );
      }
    };
    const startAgent = this.startAgent ?? this.agents[0]!.name;
    known(startAgent, 'Start agent');

    const handoffs = new Map<string, { target: string; description?: string }[]>();
    const warnings: string[] = [];
    if (this.rules.size === 0) {
      // No rules at all: full mesh, as in MAF.
      for (const a of agents.keys())
        handoffs.set(
          a,
          [...agents.keys()].filter((b) => b !== a).map((target) => ({ target })),
        );
    } else {
      for (const [from, targets] of this.rules) {
        known(from, 'Handoff source');
        for (const to of targets.keys()) known(to, `Handoff target (from "${from}")`);
        handoffs.set(
          from,
          [...targets].map(([target, description]) => (description ? { target, description } : { target })),
        );
      }
      for (const a of agents.keys()) {
        if (!handoffs.has(a)) {
          handoffs.set(a, []);
          if (agents.size > 1)
            warnings.push(`Agent "${a}" has no handoff targets: once it has the conversation, it keeps it.`);
        }
      }
    }

    for (const [from, targets] of handoffs) {
      for (const { target } of targets) {
        if (agents.get(from)!.tool(handoffToolName(target))) {
          throw new HandoffConfigurationError(
            `Agent "${from}" has its own tool named "${handoffToolName(target)}", which clashes with the handoff to "${target}"; rename the tool.`,
          );
        }
      }
    }

    const autonomous = new Map<string, { prompt: string; turnLimit: number }>();
    if (this.autonomous) {
      const names = this.autonomous.agents?.length ? this.autonomous.agents.map(nameOf) : [...agents.keys()];
      for (const n of names) known(n, 'Autonomous agent');
      for (const n of Object.keys(this.autonomous.prompts ?? {})) known(n, 'Autonomous prompt for agent');
      for (const [n, limit] of Object.entries(this.autonomous.turnLimits ?? {})) {
        known(n, 'Autonomous turn limit for agent');
        if (!Number.isInteger(limit) || limit < 1) {
          throw new HandoffConfigurationError(
            `Autonomous turn limit for "${n}" must be a whole number ≥ 1 (got ${limit}).`,
          );
        }
      }
      for (const n of names) {
        autonomous.set(n, {
          prompt: this.autonomous.prompts?.[n] ?? AUTONOMOUS_MODE_DEFAULT_PROMPT,
          turnLimit: this.autonomous.turnLimits?.[n] ?? DEFAULT_AUTONOMOUS_TURN_LIMIT,
        });
      }
    }

    const limits: Required<HandoffLimits> = {
      maxHandoffsPerTurn: this.limits.maxHandoffsPerTurn ?? 10,
      maxModelCallsPerTurn: this.limits.maxModelCallsPerTurn ?? 40,
      pingPongWindow: this.limits.pingPongWindow ?? 4,
    };
    for (const [k, v] of Object.entries(limits)) {
      if (!Number.isInteger(v) || v < 0 || (k !== 'pingPongWindow' && v < 1)) {
        throw new HandoffConfigurationError(
          `Limit ${k} must be a whole number ≥ ${k === 'pingPongWindow' ? 0 : 1} (got ${v}).`,
        );
      }
    }
    if (limits.pingPongWindow > 0 && limits.pingPongWindow < 3) {
      throw new HandoffConfigurationError('pingPongWindow must be 0 (off) or at least 3.');
    }

    const context = contextWindow(this.context);
    const definition: HandoffDefinition = {
      name: this.name,
      description: this.description,
      agents,
      startAgent,
      handoffs,
      handoffInstructions: this.handoffInstructions,
      returnTo: this.returnTo,
      autonomous,
      limits,
      context,
      warnings,
      ...(this.terminationCondition ? { terminationCondition: this.terminationCondition } : {}),
      ...(this.storage ? { storage: this.storage } : {}),
    };
    return new HandoffWorkflow(definition);
  }
}

/**
 * The seed's C# entry point: `AgentWorkflowBuilder.startHandoffWith(triage).withHandoffs(triage, [math, history])
 * .withHandoff(math, triage).build()`, participants inferred from the start agent and the edges.
 */
export class AgentWorkflowBuilder {
  private constructor() {}

  static startHandoffWith(startAgent: ChatAgent, options: Omit<HandoffBuilderOptions, 'participants'> = {}) {
    return new HandoffBuilder(options).withStartAgent(startAgent);
  }
}

function nameOf(agent: ChatAgent | string): string {
  return typeof agent === 'string' ? agent : agent.name;
}
