/**
 * Chat with an example bot in the terminal — the seed's interactive loop: answer the agents, approve or reject
 * tools. Needs a model: OPENAI_API_KEY (OPENAI_MODEL), or OPENAI_BASE_URL for a local OpenAI-compatible server.
 *
 *   OPENAI_API_KEY=... npx tsx examples/chat.ts customer-support
 *   OPENAI_BASE_URL=http://127.0.0.1:11434/v1 OPENAI_MODEL=llama3.1 npx tsx examples/chat.ts homework-tutors
 *
 * No model at hand? `npm start` runs the customer-support bot offline with a scripted demo model.
 */
import { createInterface } from 'node:readline/promises';
import {
  FunctionApprovalRequest,
  HandoffAgentUserRequest,
  type HandoffWorkflow,
  OpenAIChatModel,
  type RequestInfoEvent,
  type RequestResponse,
  type WorkflowEvent,
} from '../src/index.js';
import { createCustomerSupportWorkflow } from './customer-support.js';
import { createHomeworkWorkflow } from './homework-tutors.js';

const bots: Record<string, (model: OpenAIChatModel) => HandoffWorkflow> = {
  'customer-support': (model) => createCustomerSupportWorkflow({ model }),
  'homework-tutors': (model) => createHomeworkWorkflow(model),
};

const name = process.argv[2] ?? 'customer-support';
const make = bots[name];
if (!make) {
  console.error(`Unknown example "${name}". Choose one of: ${Object.keys(bots).join(', ')}.`);
  process.exit(2);
}
const { OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL } = process.env;
if (!OPENAI_API_KEY && !OPENAI_BASE_URL) {
  console.error(
    'Set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server). For an offline demo, run `npm start`.',
  );
  process.exit(2);
}
const model = new OpenAIChatModel({
  model: OPENAI_MODEL ?? 'gpt-4.1-mini',
  ...(OPENAI_API_KEY ? { apiKey: OPENAI_API_KEY } : {}),
  ...(OPENAI_BASE_URL ? { baseURL: OPENAI_BASE_URL } : {}),
});
const workflow = make(model);
const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: false });
const lines = rl[Symbol.asyncIterator]();
const ask = async (prompt: string): Promise<string | undefined> => {
  process.stdout.write(prompt);
  const next = await lines.next();
  return next.done ? undefined : next.value;
};

/** Prints a turn's events; returns its requests. */
async function show(events: AsyncIterable<WorkflowEvent>): Promise<RequestInfoEvent[]> {
  const requests: RequestInfoEvent[] = [];
  for await (const event of events) {
    if (event.type === 'agent_response') console.log(`${event.agentId}: ${event.message.text}`);
    else if (event.type === 'handoff')
      console.log(`  [${event.from} → ${event.to}${event.reason ? ` · ${event.reason}` : ''}]`);
    else if (event.type === 'request_info') requests.push(event);
    else if (event.type === 'output') console.log('  [conversation ended]');
    else if (event.type === 'warning') console.log(`  [${event.message}]`);
  }
  return requests;
}

const first = await ask('You: ');
let pending = first === undefined ? [] : await show(workflow.runStream(first));
while (pending.length > 0) {
  const responses: Record<string, RequestResponse> = {};
  for (const request of pending) {
    if (request.data instanceof FunctionApprovalRequest) {
      const args = JSON.stringify(request.data.parseArguments());
      const answer = await ask(`Approve ${request.data.functionCall.name}(${args})? (y/n): `);
      responses[request.requestId] = request.data.createResponse({
        approved: answer?.trim().toLowerCase() === 'y',
      });
    } else if (request.data instanceof HandoffAgentUserRequest) {
      const text = await ask('You: ');
      responses[request.requestId] =
        text === undefined || text.trim() === ''
          ? HandoffAgentUserRequest.terminate()
          : HandoffAgentUserRequest.createResponse(text);
    }
  }
  pending = await show(workflow.sendResponsesStreaming(responses));
}
rl.close();
