/**
 * Long threads: what a turn sends the model and how long loading the thread takes, at turn 10, 100 and 1,000
 * of one thread on DynamoDB (dynalite in-process): the default context window against the whole view of the
 * same transcript (what every turn sent before `withContext`).
 */

import { ChatAgent } from '../src/agents/agent.js';
import { BaseChatModel } from '../src/agents/base-model.js';
import type { ChatMessage } from '../src/agents/messages.js';
import type {
  ChatModel,
  ChatModelRequest,
  ChatModelResponse,
  ChatModelStreamEvent,
} from '../src/agents/model.js';
import { toOpenAIMessages } from '../src/agents/models/openai-messages.js';
import { HandoffBuilder } from '../src/handoff/builder.js';
import type { ContextOptions } from '../src/handoff/context-window.js';
import { DEFAULT_CONTEXT_MESSAGES } from '../src/handoff/context-window.js';
import { DynamoDBCheckpointStorage, ensureTable, startEmbeddedDynamo } from '../src/store/dynamodb/index.js';
import type { BenchTable } from './table.js';
import { median, prose, round } from './text.js';

const TURNS = 1_000;
const REPORTED = [10, 100, 1_000];
const LOAD_REPEATS = 3;
const MESSAGE_CHARS = 500;
const INSTRUCTIONS = 'You help customers.';

/** Records what each call would put on the wire (the OpenAI request's messages) and answers at once. */
class RecordingModel extends BaseChatModel {
  readonly modelId = 'recording';
  last = { messages: 0, bytes: 0 };
  private replies = 0;

  async *stream(request: ChatModelRequest): AsyncIterable<ChatModelStreamEvent> {
    yield { type: 'response', response: await this.complete(request) };
  }

  override async complete(request: ChatModelRequest): Promise<ChatModelResponse> {
    const wire = toOpenAIMessages(request.instructions, request.messages);
    this.last = { messages: wire.length, bytes: Buffer.byteLength(JSON.stringify(wire)) };
    this.replies += 1;
    return {
      message: {
        role: 'assistant',
        contents: [{ type: 'text', text: prose(this.replies * 2 + 1, MESSAGE_CHARS) }],
      },
      finishReason: 'stop',
    };
  }
}

function workflowFor(storage: DynamoDBCheckpointStorage, model: ChatModel, context: ContextOptions) {
  const agent = new ChatAgent({ name: 'support_agent', instructions: INSTRUCTIONS, model });
  return new HandoffBuilder({ name: 'long-thread', participants: [agent] })
    .withCheckpointing(storage)
    .withContext(context)
    .build();
}

/** What the whole view (every turn before the context window) would put on the wire for this transcript. */
function wholeViewWire(messages: readonly ChatMessage[]): { messages: number; bytes: number } {
  const wire = toOpenAIMessages(INSTRUCTIONS, messages);
  return { messages: wire.length, bytes: Buffer.byteLength(JSON.stringify(wire)) };
}

/** `turns` and `reported` are parameters so the smoke test can run it tiny. */
export async function benchLongThreads(
  turns = TURNS,
  reported: readonly number[] = REPORTED,
): Promise<BenchTable> {
  const reportedTurns = new Set(reported);
  const dynamo = await startEmbeddedDynamo();
  try {
    const tableName = 'baton-bench-long-threads';
    await ensureTable(dynamo.client, tableName);
    const storage = new DynamoDBCheckpointStorage({ client: dynamo.client, tableName });
    const model = new RecordingModel();
    const conversationId = 'slack:TBENCH:CBENCH:1712345678.000001';
    const workflow = workflowFor(storage, model, {}).forConversation(conversationId);
    const rows: (string | number)[][] = [];
    for (let turn = 1; turn <= turns; turn += 1) {
      await workflow.run(prose(turn * 2, MESSAGE_CHARS));
      if (!reportedTurns.has(turn)) continue;
      const loadMs: number[] = [];
      let transcript: ChatMessage[] = [];
      for (let i = 0; i < LOAD_REPEATS; i += 1) {
        const started = performance.now();
        // What a new process or a Lambda worker reads before it can run the next turn.
        const latest = await storage.getLatest({ conversationId });
        loadMs.push(performance.now() - started);
        transcript = (latest?.messages ?? []) as unknown as ChatMessage[];
      }
      // The model was called once this turn, before its reply was appended: the view it had.
      const whole = wholeViewWire(transcript.slice(0, -1));
      const sent = model.last;
      rows.push([
        turn,
        whole.messages,
        sent.messages,
        whole.bytes,
        sent.bytes,
        Math.ceil(whole.bytes / 4),
        Math.ceil(sent.bytes / 4),
        round(median(loadMs), 1),
      ]);
    }
    storage.destroy();
    return {
      title: 'Long threads: what a turn sends the model, and the time to load the thread (dynalite)',
      columns: [
        'turn',
        'messages sent: whole view (before)',
        `messages sent: last ${DEFAULT_CONTEXT_MESSAGES} (default)`,
        'bytes sent: before',
        'bytes sent: default',
        '≈ tokens: before',
        '≈ tokens: default',
        `load ms (median of ${LOAD_REPEATS})`,
      ],
      rows,
      notes: [
        `One agent, ~${MESSAGE_CHARS}-character user message and reply per turn, run with the default context window.`,
        'Sent = the Chat Completions `messages` the OpenAI model sends for the turn (instructions included), counted and as JSON bytes; tokens ≈ bytes ÷ 4. "Before" = the whole view of the same transcript, what every turn sent before `withContext`.',
        'Load = `getLatest` of the thread from DynamoDB, what a new process or a Lambda worker reads before the next turn.',
      ],
    };
  } finally {
    await dynamo.close();
  }
}
