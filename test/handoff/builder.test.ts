import { describe, expect, it } from 'vitest';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import { HandoffConfigurationError } from '../../src/handoff/errors.js';
import { useScriptedServer } from '../helpers.js';
import { supportAgents } from './fixtures.js';

const s = useScriptedServer();

describe('HandoffBuilder validation', () => {
  it('says which agent is wrong and why', () => {
    const { triage, refund, order } = supportAgents(s.model());
    expect(() => new HandoffBuilder().build()).toThrow(/No participants/);
    expect(() => new HandoffBuilder({ participants: [triage, triage] })).toThrow(
      /Two participants are named "triage_agent"/,
    );
    expect(() =>
      new HandoffBuilder({ participants: [triage, refund] }).withStartAgent(order).build(),
    ).toThrow('Start agent "order_agent" is not a participant; participants: triage_agent, refund_agent.');
    expect(() =>
      new HandoffBuilder({ participants: [triage, refund] }).addHandoff(triage, [order]).build(),
    ).toThrow(/Handoff target \(from "triage_agent"\) "order_agent" is not a participant/);
    expect(() => new HandoffBuilder({ participants: [triage] }).addHandoff(triage, triage)).toThrow(
      /cannot hand off to itself/,
    );
    expect(() => new HandoffBuilder({ participants: [triage] }).participants([refund])).toThrow(/only once/);
    expect(() =>
      new HandoffBuilder({ participants: [triage, refund] }).withLimits({ pingPongWindow: 2 }).build(),
    ).toThrow(HandoffConfigurationError);
  });

  it('starts with the first participant by default and notes agents that cannot hand off', () => {
    const { triage, refund, order } = supportAgents(s.model());
    const wf = new HandoffBuilder({ participants: [refund, triage, order] })
      .addHandoff(triage, [order])
      .build();
    expect(wf.definition.startAgent).toBe('refund_agent');
    expect(wf.definition.warnings).toEqual([
      'Agent "refund_agent" has no handoff targets: once it has the conversation, it keeps it.',
      'Agent "order_agent" has no handoff targets: once it has the conversation, it keeps it.',
    ]);
  });
});
