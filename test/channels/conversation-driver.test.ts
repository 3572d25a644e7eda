import { describe, expect, it } from 'vitest';
import { ConversationDriver, type Inbound, type TurnSink } from '../../src/channels/conversation-driver.js';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import type { WorkflowEvent } from '../../src/handoff/events.js';
import { InMemoryIdempotencyStore } from '../../src/store/idempotency.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { handoff, supportAgents } from '../handoff/fixtures.js';
import { useScriptedServer } from '../helpers.js';

const s = useScriptedServer();

function setup(
  options: { approvers?: ConstructorParameters<typeof ConversationDriver>[0]['approvers'] } = {},
) {
  const storage = new InMemoryCheckpointStorage();
  const { triage, refund, order, counters } = supportAgents(s.model());
  const workflow = new HandoffBuilder({ name: 'support', participants: [triage, refund, order] })
    .withStartAgent(triage)
    .withCheckpointing(storage)
    .build();
  const idempotency = new InMemoryIdempotencyStore();
  const driver = new ConversationDriver({
    workflow,
    idempotency,
    ...(options.approvers ? { approvers: options.approvers } : {}),
  });
  return { driver, storage, counters, workflow, idempotency };
}

class Sink implements TurnSink {
  readonly events: WorkflowEvent[] = [];
  event(e: WorkflowEvent) {
    this.events.push(e);
  }
  requestIds() {
    return this.events.flatMap((e) => (e.type === 'request_info' ? [e.requestId] : []));
  }
}

const msg = (conversationKey: string, text: string, eventId?: string, user = 'U1'): Inbound => ({
  type: 'message',
  conversationKey,
  user: { id: user, name: 'Jane' },
  contents: [{ type: 'text', text }],
  ...(eventId ? { eventId } : {}),
});

describe('ConversationDriver', () => {
  it('runs turns of one conversation one at a time, in order, and conversations in parallel', async () => {
    const { driver, workflow } = setup();
    s.server.enqueue(
      { text: 'A1', delayMs: 150, when: (r) => r.lastUserText === 'a-first' },
      { text: 'A2', when: (r) => r.lastUserText === 'a-second' },
      { text: 'B1', when: (r) => r.lastUserText === 'b-first' },
    );
    const done: string[] = [];
    const track = (p: Promise<unknown>, label: string) => p.then(() => done.push(label));
    await Promise.all([
      track(driver.handle(msg('t:A', 'a-first'), new Sink()), 'A1'),
      track(driver.handle(msg('t:A', 'a-second'), new Sink()), 'A2'),
      track(driver.handle(msg('t:B', 'b-first'), new Sink()), 'B1'),
    ]);
    // B did not wait for A's slow turn; A's second message waited for its first.
    expect(done).toEqual(['B1', 'A1', 'A2']);
    const a = await workflow.forConversation('t:A').getConversation();
    expect(a.map((m) => m.text)).toEqual(['a-first', 'A1', 'a-second', 'A2']);
    expect(a[0]).toMatchObject({ authorId: 'U1', authorName: 'Jane' });
    expect(driver.activeConversations).toBe(0);
  });

  it('processes a retried delivery (same event id) once', async () => {
    const { driver, workflow } = setup();
    s.server.enqueue({ text: 'Hello!', delayMs: 50 });
    const [first, retry] = await Promise.all([
      driver.handle(msg('t:C', 'hi', 'Ev1'), new Sink()),
      driver.handle(msg('t:C', 'hi', 'Ev1'), new Sink()),
    ]);
    expect([first.status, retry.status].sort()).toEqual(['duplicate', 'processed']);
    expect(await driver.handle(msg('t:C', 'hi', 'Ev1'), new Sink())).toEqual({ status: 'duplicate' });
    expect((await workflow.forConversation('t:C').getConversation()).map((m) => m.text)).toEqual([
      'hi',
      'Hello!',
    ]);
    expect(s.server.requests).toHaveLength(1);
  });

  async function pendingApproval(driver: ConversationDriver, key: string) {
    s.server.enqueue(handoff('refund_agent'), {
      toolCalls: [{ name: 'process_refund', arguments: { order_number: '1' } }],
    });
    const sink = new Sink();
    await driver.handle(msg(key, 'refund order 1'), sink);
    return sink.requestIds()[0]!;
  }

  it('settles an approval exactly once under double clicks and simultaneous approvers', async () => {
    const { driver, counters } = setup({ approvers: { process_refund: ['U1', 'U2'] } });
    const requestId = await pendingApproval(driver, 't:D');
    s.server.enqueue({ text: 'Refunded.' });
    const click = (user: string, eventId: string): Inbound => ({
      type: 'decision',
      conversationKey: 't:D',
      user: { id: user },
      requestId,
      approved: true,
      eventId,
    });
    const results = await Promise.all([
      driver.handle(click('U1', 'click-1'), new Sink()),
      driver.handle(click('U1', 'click-1'), new Sink()), // the same click delivered twice
      driver.handle(click('U1', 'click-2'), new Sink()), // a double click
      driver.handle(click('U2', 'click-3'), new Sink()), // another approver at the same moment
    ]);
    const decisions = results.map((r) => (r.status === 'processed' ? r.decision?.status : r.status));
    expect(decisions.sort()).toEqual(['duplicate', 'not_pending', 'not_pending', 'settled']);
    expect(counters.refunds).toBe(1);
  });

  it('lets only the conversation starter approve by default, and refuses forged request ids', async () => {
    const { driver, counters } = setup();
    const requestId = await pendingApproval(driver, 't:E');
    const other = await driver.handle(
      { type: 'decision', conversationKey: 't:E', user: { id: 'U-intruder' }, requestId, approved: true },
      new Sink(),
    );
    expect(other).toMatchObject({ status: 'processed', decision: { status: 'forbidden' } });
    const forged = await driver.handle(
      {
        type: 'decision',
        conversationKey: 't:E',
        user: { id: 'U1' },
        requestId: 'req_forged',
        approved: true,
      },
      new Sink(),
    );
    expect(forged).toMatchObject({ decision: { status: 'not_pending' } });
    const crossThread = await driver.handle(
      { type: 'decision', conversationKey: 't:other', user: { id: 'U1' }, requestId, approved: true },
      new Sink(),
    );
    expect(crossThread).toMatchObject({ decision: { status: 'not_pending' } });
    expect(counters.refunds).toBe(0);
    s.server.enqueue({ text: 'Done.' });
    const ok = await driver.handle(
      { type: 'decision', conversationKey: 't:E', user: { id: 'U1' }, requestId, approved: true },
      new Sink(),
    );
    expect(ok).toMatchObject({ decision: { status: 'settled', approved: true } });
    expect(counters.refunds).toBe(1);
  });

  it('loses no message when two processes write one thread at once', async () => {
    const storage = new InMemoryCheckpointStorage();
    const make = () => {
      const { triage, order } = supportAgents(s.model());
      const workflow = new HandoffBuilder({ name: 'support', participants: [triage, order] })
        .withStartAgent(triage)
        .withCheckpointing(storage)
        .build();
      return new ConversationDriver({ workflow });
    };
    const [p1, p2] = [make(), make()];
    for (let i = 0; i < 12; i++) s.server.enqueue({ text: 'ok' });
    await Promise.all([
      p1.handle(msg('t:F', 'one'), new Sink()),
      p2.handle(msg('t:F', 'two'), new Sink()),
      p1.handle(msg('t:F', 'three'), new Sink()),
      p2.handle(msg('t:F', 'four'), new Sink()),
    ]);
    const thread = p1.workflow.forConversation('t:F');
    const texts = (await thread.getConversation()).map((m) => m.text);
    // Every user message exactly once. A turn that raced may have been answered together with another
    // (its retry sees the message already answered and does not ask the model again), so replies are 1–4.
    expect(texts.filter((t) => t !== 'ok').sort()).toEqual(['four', 'one', 'three', 'two']);
    expect(texts.at(-1)).toBe('ok');
    expect((await thread.getStatus()).status).toBe('awaiting');
    expect((await thread.getPendingRequests()).map((r) => r.data.kind)).toEqual(['user_input']);
  });

  it('reports a failed turn and keeps the conversation usable', async () => {
    const { driver, workflow } = setup();
    s.server.enqueue({ fault: 'server_error', status: 500 });
    const sink = new Sink();
    const result = await driver.handle(msg('t:G', 'hello?'), sink);
    expect(result.status).toBe('failed');
    expect(sink.events.some((e) => e.type === 'failed')).toBe(true);
    s.server.enqueue({ text: 'Back now.' });
    await driver.handle(msg('t:G', 'hello again'), new Sink());
    expect((await workflow.forConversation('t:G').getConversation()).map((m) => m.text)).toEqual([
      'hello?',
      'hello again',
      'Back now.',
    ]);
  });
});

describe('ConversationDriver redeliveries', () => {
  it('records a redelivered message once even when its claim has lapsed', async () => {
    const storage = new InMemoryCheckpointStorage();
    const { triage, order } = supportAgents(s.model());
    const workflow = new HandoffBuilder({ name: 'support', participants: [triage, order] })
      .withStartAgent(triage)
      .withCheckpointing(storage)
      .build();
    // No idempotency store: as if the claim had expired before the redelivery (an SQS retry 30 minutes on).
    const driver = new ConversationDriver({ workflow });
    s.server.enqueue({ text: 'Hello!' });
    await driver.handle(msg('t:R', 'hi', 'Ev-redelivered'), new Sink());
    await driver.handle(msg('t:R', 'hi', 'Ev-redelivered'), new Sink());
    expect((await workflow.forConversation('t:R').getConversation()).map((m) => m.text)).toEqual([
      'hi',
      'Hello!',
    ]);
    expect(s.server.requests).toHaveLength(1);
  });
});
