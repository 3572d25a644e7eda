/**
 * TypeScript twins of every code snippet in the seed (Microsoft Agent Framework's Handoff docs),
 * run through the real openai SDK against the scripted server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCustomerSupportAgents } from '../../examples/customer-support.js';
import { createHomeworkWorkflow } from '../../examples/homework-tutors.js';
import {
  AgentRunUpdateEvent,
  AgentWorkflowBuilder,
  type ChatModel,
  FileCheckpointStorage,
  FunctionApprovalRequest,
  FunctionApprovalRequestContent,
  HandoffAgentUserRequest,
  HandoffBuilder,
  HandoffConfigurationError,
  type RequestInfoEvent,
  type RequestResponse,
  WorkflowOutputEvent,
} from '../../src/index.js';
import { collect, useScriptedServer } from '../helpers.js';
import { handoff, systemPrompt } from './fixtures.js';

const s = useScriptedServer();

describe('seed snippets', () => {
  it('C#: AgentWorkflowBuilder infers the participants from the start agent and the edges', () => {
    const model: ChatModel = s.model();
    const [triage, math, history, stray] = ['triage_agent', 'math_tutor', 'history_tutor', 'stray'].map(
      (name) => model.createAgent({ name, instructions: `You are ${name}.` }),
    );
    const workflow = AgentWorkflowBuilder.startHandoffWith(triage!)
      .withHandoffs(triage!, [math!, history!])
      .withHandoff(math!, triage!)
      .build();
    expect([...workflow.agents.keys()]).toEqual(['triage_agent', 'math_tutor', 'history_tutor']);
    expect(workflow.definition.startAgent).toBe('triage_agent');
    expect(workflow.definition.handoffs.get('triage_agent')!.map((h) => h.target)).toEqual([
      'math_tutor',
      'history_tutor',
    ]);
    expect(workflow.definition.handoffs.get('history_tutor')).toEqual([]);
    expect(workflow.agents.has(stray!.name)).toBe(false);
    // A different agent under a name already used is refused at once, not silently replaced.
    const impostor = model.createAgent({ name: 'math_tutor', instructions: 'Something else.' });
    expect(() =>
      AgentWorkflowBuilder.startHandoffWith(triage!).withHandoffs(triage!, [math!, impostor]),
    ).toThrow(HandoffConfigurationError);
  });

  it('C#: homework tutors route each question to the right specialist over several turns', async () => {
    const workflow = createHomeworkWorkflow(s.model());
    const transcript: string[] = [];
    const ask = async (q: string, script: Parameters<typeof s.server.enqueue>) => {
      s.server.enqueue(...script);
      for await (const evt of workflow.runStream(q)) {
        if (evt instanceof AgentRunUpdateEvent) transcript.push(`${evt.executorId}: ${evt.data}`);
      }
    };
    await ask('What is the derivative of x^2?', [
      handoff('math_tutor'),
      { text: 'The derivative of x^2 is 2x.', chunkSize: 100 },
    ]);
    // The math tutor may hand back to triage, which routes history questions onward.
    await ask('Tell me about World War 2', [
      handoff('triage_agent'),
      handoff('history_tutor'),
      { text: 'World War 2 was a global conflict from 1939 to 1945.', chunkSize: 100 },
    ]);
    expect(transcript).toEqual([
      'math_tutor: The derivative of x^2 is 2x.',
      'history_tutor: World War 2 was a global conflict from 1939 to 1945.',
    ]);
    const triageTools = s.server.requests.find((r) => systemPrompt(r).startsWith('You determine'))!.toolNames;
    expect(triageTools.sort()).toEqual(['handoff_to_history_tutor', 'handoff_to_math_tutor']);
    const mathTools = s.server.requests.find((r) =>
      systemPrompt(r).startsWith('You provide help with math'),
    )!.toolNames;
    expect(mathTools).toEqual(['handoff_to_triage_agent']);
  });

  it('Python: custom handoff rules, termination condition and the request/response loop', async () => {
    const { triage, refund, order, ret } = createCustomerSupportAgents(s.model());
    const workflow = new HandoffBuilder({
      name: 'customer_support_handoff',
      participants: [triage, refund, order, ret],
    })
      .withStartAgent(triage)
      .withTerminationCondition(
        (conversation) =>
          conversation.length > 0 && conversation.at(-1)!.text.toLowerCase().includes('welcome'),
      )
      .addHandoff(triage, [order, ret])
      .addHandoff(ret, [refund])
      .addHandoff(order, [triage])
      .addHandoff(ret, [triage])
      .addHandoff(refund, [triage])
      .build();
    s.server.enqueue({
      text: "I'd be happy to help you with your order. Could you please provide more details about the issue?",
    });
    let pendingRequests = (await collect(workflow.runStream('I need help with my order'))).filter(
      (e): e is RequestInfoEvent => e.type === 'request_info',
    );
    const userInputs = ['My order 1234 arrived damaged', 'Thanks!'];
    s.server.enqueue(
      handoff('return_agent'),
      { text: 'Would you prefer a replacement or a refund?' },
      { text: "You're welcome!" },
    );
    let output: WorkflowOutputEvent | undefined;
    while (pendingRequests.length > 0) {
      const userInput = userInputs.shift()!;
      const responses = Object.fromEntries(
        pendingRequests.map((r) => [r.requestId, HandoffAgentUserRequest.createResponse(userInput)]),
      );
      const events = await collect(workflow.sendResponsesStreaming(responses));
      pendingRequests = events.filter((e): e is RequestInfoEvent => e.type === 'request_info');
      output = events.find((e): e is WorkflowOutputEvent => e instanceof WorkflowOutputEvent) ?? output;
    }
    expect(output!.data.map((m) => m.authorName ?? 'user')).toEqual([
      'user',
      'triage_agent',
      'user',
      'return_agent',
      'user',
      'return_agent',
    ]);
    const returnTools = s.server.requests.find((r) =>
      systemPrompt(r).startsWith('You manage product return'),
    )!.toolNames;
    expect(returnTools.sort()).toEqual([
      'handoff_to_refund_agent',
      'handoff_to_triage_agent',
      'process_return',
    ]);
  });

  it('Python: the four autonomous-mode variants build and behave as documented', async () => {
    const { triage, refund, order, ret } = createCustomerSupportAgents(s.model());
    const participants = [triage, refund, order, ret];
    const all = new HandoffBuilder({ name: 'autonomous_customer_support', participants })
      .withStartAgent(triage)
      .withAutonomousMode()
      .build();
    expect([...all.definition.autonomous.keys()]).toEqual([
      'triage_agent',
      'refund_agent',
      'order_agent',
      'return_agent',
    ]);
    const subset = new HandoffBuilder({ name: 'partially_autonomous_support', participants })
      .withStartAgent(triage)
      .withAutonomousMode({ agents: [triage] })
      .build();
    expect([...subset.definition.autonomous.keys()]).toEqual(['triage_agent']);
    const custom = new HandoffBuilder({ name: 'custom_autonomous_support', participants })
      .withStartAgent(triage)
      .withAutonomousMode({
        agents: [triage],
        prompts: { [triage.name]: 'Continue with your best judgment as the user is unavailable.' },
      })
      .build();
    expect(custom.definition.autonomous.get('triage_agent')).toEqual({
      prompt: 'Continue with your best judgment as the user is unavailable.',
      turnLimit: 50,
    });
    const limited = new HandoffBuilder({ name: 'limited_autonomous_support', participants })
      .withStartAgent(triage)
      .withAutonomousMode({ agents: [triage], turnLimits: { [triage.name]: 3 } })
      .build();
    s.server.enqueue({ text: '1' }, { text: '2' }, { text: '3' }, { text: '4' });
    const result = await limited.run('go on without me');
    expect(s.server.requests).toHaveLength(4);
    expect(result.getRequestInfoEvents()).toHaveLength(1);
  });

  it('Python: tool approval and user input handled in one loop, with durable checkpoints and a resume', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-seed-'));
    try {
      const storage = new FileCheckpointStorage({ storagePath: dir });
      const build = () => {
        const { triage, refund, order } = createCustomerSupportAgents(s.model());
        return new HandoffBuilder({ name: 'durable_support', participants: [triage, refund, order] })
          .withStartAgent(triage)
          .withCheckpointing(storage)
          .build();
      };
      const workflow = build();
      s.server.enqueue(handoff('refund_agent'), {
        toolCalls: [{ name: 'process_refund', arguments: { order_number: '12345' } }],
      });
      const pending: RequestInfoEvent[] = [];
      for await (const event of workflow.runStream('I need a refund for order 12345')) {
        if (event.type === 'request_info') pending.push(event);
      }
      expect(pending).toHaveLength(1);

      // Process can exit here - checkpoint is saved automatically. Later: resume from the latest checkpoint.
      const checkpoints = await storage.listCheckpoints();
      const latest = [...checkpoints].sort(
        (a, b) => b.timestamp.localeCompare(a.timestamp) || b.version - a.version,
      )[0]!;
      const resumed = build();
      const restoredRequests: RequestInfoEvent[] = [];
      for await (const event of resumed.runStream({ checkpointId: latest.checkpointId })) {
        if (event.type === 'request_info') restoredRequests.push(event);
      }
      const responses: Record<string, RequestResponse> = {};
      for (const req of restoredRequests) {
        if (req.data instanceof FunctionApprovalRequestContent) {
          const funcCall = req.data.functionCall;
          const args = funcCall.parseArguments() ?? {};
          expect(funcCall.name).toBe('process_refund');
          expect(args).toEqual({ order_number: '12345' });
          expect(req.data).toBeInstanceOf(FunctionApprovalRequest); // the old name still works
          responses[req.requestId] = req.data.createResponse({ approved: true });
        } else if (req.data instanceof HandoffAgentUserRequest) {
          responses[req.requestId] = HandoffAgentUserRequest.createResponse(
            'Yes, please process the refund.',
          );
        }
      }
      s.server.enqueue({ text: 'Your refund for 12345 has been processed.' });
      const after = await collect(resumed.sendResponsesStreaming(responses));
      expect(after.find((e) => e.type === 'tool_result')).toMatchObject({
        result: { result: 'Refund processed successfully for order 12345.' },
      });
      expect(after.filter((e) => e.type === 'request_info')).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
