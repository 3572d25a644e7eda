/** One workflow built once and shared; each conversation gets its own run. */
import { describe, expect, it } from 'vitest';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import { WorkflowBusyError } from '../../src/handoff/errors.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { useScriptedServer } from '../helpers.js';
import { supportAgents } from './fixtures.js';

const s = useScriptedServer();

function support(storage = new InMemoryCheckpointStorage()) {
  const { triage, refund, order } = supportAgents(s.model());
  const wf = new HandoffBuilder({ name: 'support', participants: [triage, refund, order] })
    .withCheckpointing(storage)
    .build();
  return { wf, storage };
}

describe('definition apart from run', () => {
  it('binds no conversation at build(); each keyless workflow gets its own id when it runs', async () => {
    const { wf, storage } = support();
    const other = support(storage).wf;
    s.server.enqueue({ text: 'Hello.' }, { text: 'Hello again.' });
    await wf.run('hi');
    await other.run('hi there');
    expect(wf.conversationId).toMatch(/^conv_[0-9a-z]{26}$/);
    expect(other.conversationId).not.toBe(wf.conversationId);
    const stored = new Set((await storage.listCheckpoints()).map((c) => c.conversationId));
    expect([...stored].sort()).toEqual([wf.conversationId, other.conversationId].sort());
    expect((await other.getConversation()).map((m) => m.text)).toEqual(['hi there', 'Hello again.']);
  });

  it('runs many conversations at once on one shared workflow, each with its own transcript', async () => {
    const { wf } = support();
    for (let i = 0; i < 3; i++) s.server.enqueue({ text: 'Hi.', delayMs: 50 });
    const keys = ['slack:T1:C1:1.1', 'teams:t:c', 'playground:abc'];
    await Promise.all(keys.map((key) => wf.forConversation(key).run(`I am ${key}`)));
    for (const key of keys) {
      const run = wf.forConversation(key);
      expect(run.definition).toBe(wf.definition);
      expect((await run.getConversation()).map((m) => m.text)).toEqual([`I am ${key}`, 'Hi.']);
    }
  });

  it('refuses to run one conversation twice at once without the driver, saying so', async () => {
    const { wf } = support();
    const run = wf.forConversation('slack:T1:C1:2.2');
    s.server.enqueue({ text: 'slow', delayMs: 100 });
    const first = run.run('one');
    const second = run.run('two');
    await expect(second).rejects.toBeInstanceOf(WorkflowBusyError);
    await expect(second).rejects.toMatchObject({
      code: 'BATON_CONVERSATION_BUSY',
      message: expect.stringContaining('"slack:T1:C1:2.2"'),
    });
    await first;
    // The refused call changed nothing: the conversation holds only the first turn.
    expect((await wf.forConversation('slack:T1:C1:2.2').getConversation()).map((m) => m.text)).toEqual([
      'one',
      'slow',
    ]);
  });
});
