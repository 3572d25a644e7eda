import { describe, expect, it } from 'vitest';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import { WorkflowWarningEvent } from '../../src/handoff/events.js';
import { isPingPong } from '../../src/handoff/turn-runner.js';
import { collect, useScriptedServer } from '../helpers.js';
import { handoff, supportAgents } from './fixtures.js';

const s = useScriptedServer();

describe('loop safety', () => {
  it('detects ping-pong and stops with a clear warning instead of burning tokens', async () => {
    const { triage, refund, order } = supportAgents(s.model());
    const wf = new HandoffBuilder({ participants: [triage, refund, order] }).withStartAgent(triage).build();
    // triage → order → triage → order …: a model that cannot decide.
    for (let i = 0; i < 10; i++) s.server.enqueue(handoff(i % 2 === 0 ? 'order_agent' : 'triage_agent'));
    const events = await collect(wf.runStream('help'));
    const warning = events.find((e): e is WorkflowWarningEvent => e instanceof WorkflowWarningEvent);
    expect(warning?.code).toBe('handoff_loop');
    expect(warning?.message).toMatch(/triage_agent → order_agent → triage_agent → order_agent/);
    expect(events.filter((e) => e.type === 'handoff')).toHaveLength(2);
    expect(s.server.requests).toHaveLength(3);
    expect(events.at(-2)?.type).toBe('request_info');
    // The conversation is not dead: the next user message is handled normally.
    s.server.enqueue({ text: 'Clear now, here is your order status.' });
    const next = await wf.run('I mean my order status');
    expect(next.getRequestInfoEvents()).toHaveLength(1);
  });

  it('caps handoffs per user turn, and resets the cap on the next turn', async () => {
    const { triage, refund, order } = supportAgents(s.model());
    const wf = new HandoffBuilder({ participants: [triage, refund, order] })
      .withStartAgent(triage)
      .withLimits({ maxHandoffsPerTurn: 2, pingPongWindow: 0 })
      .build();
    s.server.enqueue(handoff('order_agent'), handoff('refund_agent'), handoff('triage_agent'));
    const events = await collect(wf.runStream('go'));
    expect(events.filter((e) => e.type === 'handoff')).toHaveLength(2);
    expect(events.find((e) => e instanceof WorkflowWarningEvent)).toMatchObject({ code: 'handoff_limit' });
    s.server.enqueue(handoff('order_agent'), { text: 'Order agent.' });
    const next = await collect(wf.runStream('again'));
    expect(next.filter((e) => e.type === 'handoff')).toHaveLength(1);
  });

  it('caps model calls per user turn across agents', async () => {
    const { triage, order } = supportAgents(s.model());
    const wf = new HandoffBuilder({ participants: [triage, order] })
      .withStartAgent(order)
      .withLimits({ maxModelCallsPerTurn: 3 })
      .build();
    for (let i = 0; i < 5; i++)
      s.server.enqueue({ toolCalls: [{ name: 'check_order_status', arguments: { order_number: `${i}` } }] });
    const events = await collect(wf.runStream('loop'));
    expect(s.server.requests).toHaveLength(3);
    expect(events.find((e) => e instanceof WorkflowWarningEvent)).toMatchObject({ code: 'model_call_limit' });
  });

  it('recognizes only alternation between two agents as ping-pong', () => {
    expect(isPingPong(['a', 'b', 'a', 'b'], 4)).toBe(true);
    expect(isPingPong(['c', 'a', 'b', 'a', 'b'], 4)).toBe(true);
    expect(isPingPong(['a', 'b', 'c', 'a'], 4)).toBe(false);
    expect(isPingPong(['a', 'b', 'a'], 4)).toBe(false);
    expect(isPingPong(['a', 'b', 'a', 'b'], 0)).toBe(false);
  });
});
