/**
 * State size: how many bytes each framework keeps for one thread after N turns of ~1 KB of visible text
 * (a ~500-char user message and a ~500-char reply), running the scripted 4-agent conversation.
 */
import { batonPeer } from './peers/baton.js';
import { langGraphPeer, memorySaverBytes } from './peers/langgraph.js';
import { openAIPeer } from './peers/openai.js';
import { ConversationScript } from './peers/script.js';
import type { BenchTable } from './table.js';
import { round } from './text.js';

const SCRIPT = { userChars: 500, replyChars: 500 };
/**
 * LangGraph's MemorySaver grows with turns² (each superstep re-serializes all messages): 50 turns already hold
 * ~90 MB, so 200 turns (~1.5 GB) would not fit this benchmark's memory or time budget.
 */
const LANGGRAPH_MAX_TURNS = 50;

export interface StateSizeRow {
  turns: number;
  rawBytes: number;
  batonStoredBytes: number;
  /** Of batonStoredBytes: head states (one per step). */
  batonHeadBytes: number;
  batonSteps: number;
  batonLatestBytes: number;
  openAIPausedBytes: number;
  openAICompletedBytes: number;
  /** Undefined when not run (more turns than LANGGRAPH_MAX_TURNS). */
  langGraph?: { bytes: number; checkpoints: number; latest: number };
}

export async function measureStateSize(turnCounts: readonly number[]): Promise<StateSizeRow[]> {
  const baton = batonPeer();
  const openai = openAIPeer();
  const langgraph = langGraphPeer();
  const rows: StateSizeRow[] = [];
  for (const turns of turnCounts) {
    const rawBytes = new ConversationScript(SCRIPT).rawTranscriptBytes(turns);

    const b = baton.conversation(new ConversationScript(SCRIPT), `bench-state-${turns}`, {
      countBytes: true,
    });
    for (let turn = 0; turn < turns; turn += 1) await b.runTurn(turn);

    const o = openai.conversation(new ConversationScript(SCRIPT));
    for (let turn = 0; turn < turns; turn += 1) await o.runTurn(turn);
    const openAICompletedBytes = Buffer.byteLength(o.lastState());
    // As the reference measured: the next turn (handoff, then a tool needing approval) pauses; its state is stored.
    const openAIPausedBytes = Buffer.byteLength(await o.pausedStateAt(turns));

    let langGraph: StateSizeRow['langGraph'];
    if (turns <= LANGGRAPH_MAX_TURNS) {
      const l = langgraph.conversation(new ConversationScript(SCRIPT), `bench-state-${turns}`);
      for (let turn = 0; turn < turns; turn += 1) await l.runTurn(turn);
      langGraph = memorySaverBytes(l.saver);
    }

    rows.push({
      turns,
      rawBytes,
      batonStoredBytes: b.storage.payloadBytes,
      batonHeadBytes: b.storage.stateBytes,
      batonSteps: b.storage.steps,
      batonLatestBytes: await b.latestCheckpointBytes(),
      openAIPausedBytes,
      openAICompletedBytes,
      ...(langGraph ? { langGraph } : {}),
    });
  }
  return rows;
}

const kb = (bytes: number): number => round(bytes / 1024, 1);

export async function benchStateSize(): Promise<BenchTable> {
  const rows = await measureStateSize([10, 50, 200]);
  const ratio = (bytes: number, raw: number): string => `${round(bytes / raw, 2)}×`;
  return {
    title:
      'State size: bytes kept for one thread after N turns of ~1 KB visible text (KB; ratio to raw transcript)',
    columns: [
      'turns',
      'raw transcript KB',
      'Baton: all stored step payloads',
      'Baton: of which head states (steps)',
      'Baton: latest checkpoint, materialized',
      'OpenAI: RunState paused at approval',
      'OpenAI: RunState after last turn',
      'LangGraph: MemorySaver, whole thread',
      'LangGraph: checkpoints',
      'LangGraph: latest checkpoint',
    ],
    rows: rows.map((r) => [
      r.turns,
      kb(r.rawBytes),
      `${kb(r.batonStoredBytes)} (${ratio(r.batonStoredBytes, r.rawBytes)})`,
      `${kb(r.batonHeadBytes)} (${r.batonSteps})`,
      `${kb(r.batonLatestBytes)} (${ratio(r.batonLatestBytes, r.rawBytes)})`,
      `${kb(r.openAIPausedBytes)} (${ratio(r.openAIPausedBytes, r.rawBytes)})`,
      `${kb(r.openAICompletedBytes)} (${ratio(r.openAICompletedBytes, r.rawBytes)})`,
      r.langGraph
        ? `${kb(r.langGraph.bytes)} (${ratio(r.langGraph.bytes, r.rawBytes)})`
        : 'not run (see notes)',
      r.langGraph ? r.langGraph.checkpoints : '-',
      r.langGraph ? `${kb(r.langGraph.latest)} (${ratio(r.langGraph.latest, r.rawBytes)})` : '-',
    ]),
    notes: [
      'Same scripted conversation as the overhead section (4 agents, 2 handoffs + 1 tool call per turn), with ~500-char ' +
        'user messages and ~500-char replies. Raw transcript = JSON of the user messages and final replies only.',
      'Baton: the sum over all checkpoints of the thread of what InMemoryCheckpointStorage keeps per step — the ' +
        'serialized payload {new messages, head state}, uncompressed (ids/version records of a few dozen bytes each not ' +
        'counted). Each step stores only the messages it appended, so this is the whole thread, every message once. ' +
        '"Latest, materialized" = JSON of getLatest(): what a reader loads. DynamoDB gzips payloads > 1 KB (see store-growth).',
      'OpenAI: RunState.toString() — the SDK\'s whole durable state. "Paused" = after N turns, turn N+1 runs its ' +
        'handoff, then the tool asks for approval and the run stops (as the reference measured); "after last turn" = ' +
        "the completed turn N's state. The app must also keep the history (passed back each turn), not counted here.",
      'LangGraph: every checkpoint (+ metadata) and pending write the MemorySaver holds for the thread, as serialized ' +
        'bytes; no interrupt() used (swarm has no approval hook). It grows with turns² (every superstep checkpoints ' +
        `all messages), so it is run only up to ${LANGGRAPH_MAX_TURNS} turns: 200 turns would hold ~16× the 50-turn ` +
        'figure (~1.5 GB), more than this benchmark may use.',
    ],
  };
}
