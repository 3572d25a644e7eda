/**
 * Orchestration overhead: CPU time per agent step when the model costs nothing. The same scripted conversation
 * (bench/peers/script.ts) runs through Baton, the OpenAI Agents SDK and LangGraph + swarm, in this process.
 */
import { batonPeer } from './peers/baton.js';
import { langGraphPeer } from './peers/langgraph.js';
import { openAIPeer } from './peers/openai.js';
import { ConversationScript, type PeerConversation, STEPS_PER_TURN } from './peers/script.js';
import type { BenchTable } from './table.js';
import { median, round } from './text.js';

export interface OverheadOptions {
  turns: number;
  warmups: number;
  runs: number;
}

export interface OverheadResult {
  name: string;
  /** CPU µs (user + system) per agent step, one value per measured run. */
  microsPerStep: number[];
}

const SCRIPT = { userChars: 200, replyChars: 400 };

type Peer = { name: string; conversation: (script: ConversationScript, id: string) => PeerConversation };

function peers(): Peer[] {
  const baton = batonPeer();
  const openai = openAIPeer();
  const langgraph = langGraphPeer();
  return [
    {
      name: 'Baton (HandoffBuilder + in-memory checkpoints)',
      conversation: (s, id) => baton.conversation(s, id),
    },
    {
      name: '@openai/agents 0.20 (Runner, history passed back)',
      conversation: (s) => openai.conversation(s),
    },
    {
      name: 'LangGraph 1.4 + swarm 1.0 (MemorySaver)',
      conversation: (s, id) => langgraph.conversation(s, id),
    },
  ];
}

async function oneRun(peer: Peer, turns: number, run: number): Promise<number> {
  const script = new ConversationScript(SCRIPT);
  const conversation = peer.conversation(script, `bench-overhead-${run}`);
  // Pay for the user texts before the clock starts: they are the same for everyone and not orchestration.
  for (let turn = 0; turn < turns; turn += 1) script.userText(turn);
  const before = process.cpuUsage();
  for (let turn = 0; turn < turns; turn += 1) await conversation.runTurn(turn);
  const used = process.cpuUsage(before);
  if (script.calls !== turns * STEPS_PER_TURN) throw new Error(`${peer.name}: ${script.calls} model calls`);
  return (used.user + used.system) / script.calls;
}

/** Runs the peers interleaved (run i of each before run i+1 of any), so drift hits them alike. */
export async function measureOverhead(options: OverheadOptions): Promise<OverheadResult[]> {
  const list = peers();
  const results = list.map((p) => ({ name: p.name, microsPerStep: [] as number[] }));
  for (let run = 0; run < options.warmups + options.runs; run += 1) {
    for (const [i, peer] of list.entries()) {
      const micros = await oneRun(peer, options.turns, run);
      if (run >= options.warmups) results[i]!.microsPerStep.push(micros);
    }
  }
  return results;
}

export async function benchOverhead(): Promise<BenchTable> {
  const options: OverheadOptions = { turns: 20, warmups: 3, runs: 15 };
  const results = await measureOverhead(options);
  const baton = median(results[0]!.microsPerStep);
  return {
    title: `Orchestration overhead: CPU per agent step, ${options.turns} turns × ${STEPS_PER_TURN} steps, zero-latency scripted model`,
    columns: ['framework', 'CPU µs / step (median)', 'min', 'max', 'ratio to Baton'],
    rows: results.map((r) => {
      const m = median(r.microsPerStep);
      return [
        r.name,
        round(m),
        round(Math.min(...r.microsPerStep)),
        round(Math.max(...r.microsPerStep)),
        round(m / baton, 2),
      ];
    }),
    notes: [
      'One conversation = 20 user turns; each turn is 4 model calls across 4 agents in a ring: handoff → tool call → ' +
        'handoff → text reply (2 handoffs, 1 tool call), starting at the agent that answered last (sticky).',
      'An agent step = one model call plus everything the framework does with its output (running the tool, ' +
        'switching agents, recording messages and checkpoints, events) up to the next model call or the end of the turn.',
      'The script checks that every framework calls the expected agent at each step, so the paths are identical.',
      `Per framework: ${options.warmups} warm-up conversations, then the median of ${options.runs} (process.cpuUsage user+system ` +
        '÷ 80 steps, GC included); frameworks interleaved. Each conversation is a new thread (new storage/saver).',
      'Baton: workflow.run per turn (agents stream internally), in-memory checkpoint per step. OpenAI: runner.run ' +
        'per turn (non-streaming), tracing off, no session; the app passes result.history and lastAgent back. ' +
        'LangGraph: swarm of createReactAgent agents, app.invoke per turn, MemorySaver (durability default).',
      'User messages ~200 chars, replies ~400 chars; the fake models do no work beyond building their reply.',
    ],
  };
}
