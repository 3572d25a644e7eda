/**
 * Runs in a child process (`node --expose-gc --import tsx`) so its RSS baseline holds nothing but the loaded
 * modules. Prints one JSON line: RSS before and after `count` Baton conversations are idle or in flight.
 */
import { ChatAgent } from '../../src/agents/agent.js';
import { BaseChatModel } from '../../src/agents/base-model.js';
import type { ChatModelRequest, ChatModelResponse, ChatModelStreamEvent } from '../../src/agents/model.js';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { prose } from '../text.js';

const PRIOR_TURNS = 2;

/** Answers with ~500 chars of text; while `gate` is set, every call waits for it (a model mid-response). */
class GatedModel extends BaseChatModel {
  readonly modelId = 'gated';
  gate: Promise<void> | undefined;
  calls = 0;
  async *stream(_request: ChatModelRequest): AsyncIterable<ChatModelStreamEvent> {
    this.calls += 1;
    yield { type: 'text_delta', delta: 'Checking' };
    if (this.gate) await this.gate;
    yield { type: 'response', response: await this.complete(_request) };
  }
  override async complete(_request: ChatModelRequest): Promise<ChatModelResponse> {
    return {
      message: { role: 'assistant', contents: [{ type: 'text', text: prose(this.calls, 500) }] },
      finishReason: 'stop',
    };
  }
}

function rssMb(): number {
  global.gc?.();
  global.gc?.();
  return process.memoryUsage().rss / 1_048_576;
}

const [mode = 'idle', countText = '100'] = process.argv.slice(2);
const count = Number(countText);
const model = new GatedModel();
const storage = new InMemoryCheckpointStorage();
const agents = ['triage', 'billing'].map(
  (name) => new ChatAgent({ name, instructions: `You are the ${name} agent.`, model }),
);
const workflow = new HandoffBuilder({ name: 'memory', participants: agents })
  .withCheckpointing(storage)
  .build();

// Warm the code paths once, so the baseline includes compiled code rather than charging it to conversations.
await workflow.forConversation('warm-up').run('hello');
await storage.deleteConversation('warm-up');
const baseline = rssMb();

// What a server keeps per conversation: its bound workflow (cached session) and its checkpoints.
const conversations = Array.from({ length: count }, (_, i) => workflow.forConversation(`conv-${i}`));
for (const conversation of conversations) {
  for (let turn = 0; turn < PRIOR_TURNS; turn += 1) await conversation.run(prose(turn, 500));
}

let release: () => void = () => {};
let inFlight: Promise<unknown>[] = [];
if (mode === 'active') {
  model.gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  inFlight = conversations.map((c, i) => c.run(prose(1_000 + i, 500)));
  // Let every run reach the model and park there.
  while (model.calls < count * (PRIOR_TURNS + 1)) await new Promise((r) => setTimeout(r, 5));
}
const loaded = rssMb();
release();
await Promise.all(inFlight);
process.stdout.write(`${JSON.stringify({ mode, count, baselineMb: baseline, loadedMb: loaded })}\n`);
