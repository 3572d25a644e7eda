/**
 * Run as a separate process by checkpoints.test.ts: a new process, a new workflow object and the same
 * file storage answer the pending approval and finish the conversation — as the seed's durable sample does.
 * Usage: tsx resume-in-new-process.ts <storagePath> <baseURL>
 */
import { createCustomerSupportWorkflow } from '../../examples/customer-support.js';
import { OpenAIChatModel } from '../../src/agents/models/openai.js';
import { FunctionApprovalRequest, HandoffAgentUserRequest, type RequestInfoEvent } from '../../src/index.js';
import { FileCheckpointStorage } from '../../src/store/file.js';

const [storagePath, baseURL] = process.argv.slice(2);
const storage = new FileCheckpointStorage({ storagePath: storagePath! });
const model = new OpenAIChatModel({ model: 'gpt-test', baseURL: baseURL!, apiKey: 'test', maxRetries: 0 });
const workflow = createCustomerSupportWorkflow({ model, storage });

// Later: resume from the latest checkpoint and provide approval.
const checkpoints = await storage.listCheckpoints();
const latest = [...checkpoints].sort(
  (a, b) => b.timestamp.localeCompare(a.timestamp) || b.version - a.version,
)[0]!;

const restored: RequestInfoEvent[] = [];
for await (const event of workflow.runStream({
  checkpointId: latest.checkpointId,
  conversationId: latest.conversationId,
})) {
  if (event.type === 'request_info') restored.push(event);
}
const responses: Record<string, unknown> = {};
for (const req of restored) {
  if (req.data instanceof FunctionApprovalRequest)
    responses[req.requestId] = req.data.createResponse({ approved: true });
  else if (req.data instanceof HandoffAgentUserRequest) {
    responses[req.requestId] = HandoffAgentUserRequest.createResponse('Yes, please process the refund.');
  }
}
const out: { restored: string[]; events: string[]; output?: string[] } = {
  restored: restored.map((r) => `${r.data.kind}:${r.requestId}`),
  events: [],
};
for await (const event of workflow.sendResponsesStreaming(responses as never)) {
  out.events.push(
    event.type === 'tool_result' ? `tool_result:${JSON.stringify(event.result.result)}` : event.type,
  );
  if (event.type === 'output') out.output = event.data.map((m) => `${m.authorName ?? m.role}: ${m.text}`);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
