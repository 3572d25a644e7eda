import { describe, expect, it } from 'vitest';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import { HandoffConfigurationError } from '../../src/handoff/errors.js';
import { RequestInfoEvent, WorkflowOutputEvent } from '../../src/handoff/events.js';
import { HandoffAgentUserRequest } from '../../src/handoff/requests.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { collect, useScriptedServer } from '../helpers.js';
import { handoff, supportAgents } from './fixtures.js';

const s = useScriptedServer();

describe('autonomous mode', () => {
  it('continues with the default prompt instead of asking, up to the turn limit, then asks', async () => {
    const { triage, order } = supportAgents(s.model());
    const wf = new HandoffBuilder({ participants: [triage, order] })
      .withStartAgent(triage)
      .withAutonomousMode({ turnLimits: { triage_agent: 2 } })
      .build();
    s.server.enqueue({ text: 'Step 1' }, { text: 'Step 2' }, { text: 'Step 3' });
    const result = await wf.run('Do the thing');
    expect(s.server.requests).toHaveLength(3);
    expect(s.server.requests[1]!.lastUserText).toBe('User did not respond. Continue assisting autonomously.');
    expect(result.getRequestInfoEvents()).toHaveLength(1);
    // The synthetic prompt is private plumbing: people never see it.
    expect((await wf.getConversation()).map((m) => m.text)).toEqual([
      'Do the thing',
      'Step 1',
      'Step 2',
      'Step 3',
    ]);
  });

  it('applies to a subset of agents with per-agent prompts', async () => {
    const { triage, order } = supportAgents(s.model());
    const wf = new HandoffBuilder({ participants: [triage, order] })
      .withStartAgent(triage)
      .withAutonomousMode({
        agents: [order],
        prompts: { order_agent: 'Continue with your best judgment as the user is unavailable.' },
        turnLimits: { order_agent: 1 },
      })
      .build();
    s.server.enqueue({ text: 'Triage asks a question' });
    const first = await wf.run('hello');
    expect(first.getRequestInfoEvents()).toHaveLength(1); // triage is not autonomous
    s.server.enqueue(handoff('order_agent'), { text: 'Order step 1' }, { text: 'Order step 2' });
    await wf.run('my order');
    expect(s.server.requests.at(-1)!.lastUserText).toBe(
      'Continue with your best judgment as the user is unavailable.',
    );
  });

  it('checkpoints inside the autonomous loop', async () => {
    const storage = new InMemoryCheckpointStorage();
    const { triage, order } = supportAgents(s.model());
    const wf = new HandoffBuilder({ name: 'auto', participants: [triage, order] })
      .withStartAgent(triage)
      .withAutonomousMode({ turnLimits: { triage_agent: 3 } })
      .withCheckpointing(storage)
      .build();
    s.server.enqueue({ text: '1' }, { text: '2' }, { text: '3' }, { text: '4' });
    await wf.run('go');
    // input + 3 autonomous steps + the final pause
    expect(await storage.listCheckpoints({ conversationId: wf.conversationId })).toHaveLength(5);
  });

  it('refuses a turn limit below 1 instead of silently using the default', () => {
    const { triage, order } = supportAgents(s.model());
    expect(() =>
      new HandoffBuilder({ participants: [triage, order] })
        .withAutonomousMode({ turnLimits: { triage_agent: 0 } })
        .build(),
    ).toThrow(HandoffConfigurationError);
  });
});

describe('termination', () => {
  it('ends when the condition holds after an agent reply and emits the conversation', async () => {
    const { triage, order } = supportAgents(s.model());
    const wf = new HandoffBuilder({ participants: [triage, order] })
      .withStartAgent(triage)
      .withTerminationCondition((c) => c.length > 0 && c.at(-1)!.text.toLowerCase().includes('welcome'))
      .build();
    s.server.enqueue({ text: 'Anything else?' });
    await wf.run('thanks');
    s.server.enqueue({ text: "You're welcome, goodbye!" });
    const result = await wf.run('no, that is all');
    const [output] = result.getOutputs();
    expect(output!.map((m) => [m.role, m.text])).toEqual([
      ['user', 'thanks'],
      ['assistant', 'Anything else?'],
      ['user', 'no, that is all'],
      ['assistant', "You're welcome, goodbye!"],
    ]);
    expect(result.getRequestInfoEvents()).toHaveLength(0);
    expect(result.state).toBe('idle');
    expect((await wf.getStatus()).status).toBe('completed');
  });

  it('accepts an async condition that is not skewed by autonomous prompts', async () => {
    const { triage, order } = supportAgents(s.model());
    const seen: number[] = [];
    const wf = new HandoffBuilder({ participants: [triage, order] })
      .withStartAgent(triage)
      .withAutonomousMode({ turnLimits: { triage_agent: 3 } })
      .withTerminationCondition(async (c) => {
        const users = c.filter((m) => m.role === 'user').length;
        seen.push(users);
        return users >= 2;
      })
      .build();
    s.server.enqueue({ text: 'a' }, { text: 'b' }, { text: 'c' }, { text: 'd' });
    await wf.run('only one user message');
    // Checked before the first run and after each of the 4 replies; the 3 autonomous prompts never count.
    expect(seen).toEqual([1, 1, 1, 1, 1]);
  });

  it('reopens an ended conversation at the start agent, keeping the transcript', async () => {
    const { triage, order } = supportAgents(s.model());
    const wf = new HandoffBuilder({ participants: [triage, order] })
      .withStartAgent(triage)
      .withTerminationCondition((c) => c.at(-1)?.text.includes('Goodbye') ?? false)
      .build();
    s.server.enqueue(
      { toolCalls: [{ name: 'handoff_to_order_agent', arguments: {} }] },
      { text: 'Goodbye!' },
    );
    await wf.run('bye');
    expect((await wf.getStatus()).status).toBe('completed');
    s.server.enqueue({ text: 'Welcome back.' });
    await wf.run('one more thing');
    expect(s.server.requests.at(-1)!.messages[0]!.content).toMatch(/^You are frontline support triage/);
    expect((await wf.getConversation()).map((m) => m.text)).toEqual([
      'bye',
      'Goodbye!',
      'one more thing',
      'Welcome back.',
    ]);
  });

  it('terminate() ends the workflow with its output', async () => {
    const { triage, order } = supportAgents(s.model());
    const wf = new HandoffBuilder({ participants: [triage, order] }).withStartAgent(triage).build();
    s.server.enqueue({ text: 'How can I help?' });
    const [req] = (await wf.run('hi')).getRequestInfoEvents();
    const events = await collect(
      wf.sendResponsesStreaming({ [req!.requestId]: HandoffAgentUserRequest.terminate() }),
    );
    expect(events.find((e) => e instanceof WorkflowOutputEvent)).toBeDefined();
    expect(events.some((e) => e instanceof RequestInfoEvent)).toBe(false);
    expect(s.server.requests).toHaveLength(1);
  });
});
