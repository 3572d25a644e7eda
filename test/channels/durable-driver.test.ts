/**
 * The lease-driven driver: deliveries recorded in the inbox first, one runner per conversation across
 * "processes" (driver instances with their own owner ids on one store), fenced commits, a lost lease retracted
 * and retried, and interrupted turns resumed with no user message (redelivery, start-up, sweeper).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationDriver, type Inbound, type TurnSink } from '../../src/channels/conversation-driver.js';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import type { RequestInfoEvent, WorkflowEvent } from '../../src/handoff/events.js';
import type { CheckpointStorage } from '../../src/store/checkpoint-storage.js';
import { DynamoDBCheckpointStorage } from '../../src/store/dynamodb/dynamodb-checkpoint-storage.js';
import { FileCheckpointStorage } from '../../src/store/file.js';
import type { TurnInbox } from '../../src/store/inbox.js';
import type { LeaseStore } from '../../src/store/lease.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { handoff, supportAgents } from '../handoff/fixtures.js';
import { useScriptedServer } from '../helpers.js';
import { useDynalite } from '../store/dynalite-harness.js';

const s = useScriptedServer();
const dynalite = useDynalite();

type Store = CheckpointStorage & LeaseStore & TurnInbox;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A process's view of the store: `crash()` freezes every call from then on (SIGKILL). */
function processView(store: Store) {
  const state = { crashed: false, failRenew: false, failComplete: false };
  const view = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (state.crashed) return new Promise(() => {});
        if (state.failRenew && key === 'renewLease') return Promise.reject(new Error('connection reset'));
        if (state.failComplete && key === 'completeInbound')
          return Promise.reject(new Error('connection reset'));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { view, state };
}

function driverOn(
  store: Store,
  owner: string,
  extra: Partial<ConstructorParameters<typeof ConversationDriver>[0]> = {},
) {
  const { triage, refund, order, counters } = supportAgents(s.model());
  const workflow = new HandoffBuilder({ name: 'support', participants: [triage, refund, order] })
    .withStartAgent(triage)
    .withCheckpointing(store)
    .build();
  const driver = new ConversationDriver({
    workflow,
    owner,
    leaseTtlMs: 2000,
    pollMs: 10,
    orphanAfterMs: 500,
    ...extra,
  });
  // A "killed" driver never finishes its turn: do not wait for it.
  cleanups.push(() => Promise.race([driver.drain(), new Promise<void>((r) => setTimeout(r, 200))]));
  return { driver, workflow, counters };
}

class Sink implements TurnSink {
  readonly events: WorkflowEvent[] = [];
  retracted = 0;
  committedCount = 0;
  reshown: (readonly RequestInfoEvent[])[] = [];
  event(e: WorkflowEvent) {
    this.events.push(e);
  }
  retract() {
    this.retracted++;
  }
  committed() {
    this.committedCount++;
  }
  reshow(pending: readonly RequestInfoEvent[]) {
    this.reshown.push(pending);
  }
  texts() {
    return this.events.flatMap((e) => (e.type === 'agent_response' ? [e.message.text] : []));
  }
}

const msg = (key: string, text: string, eventId: string): Inbound => ({
  type: 'message',
  conversationKey: key,
  user: { id: 'U1', name: 'Jane' },
  contents: [{ type: 'text', text }],
  eventId,
});

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const backends: [string, () => Promise<Store>][] = [
  ['memory', async () => new InMemoryCheckpointStorage()],
  [
    'file',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'baton-driver-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return new FileCheckpointStorage({ storagePath: dir });
    },
  ],
  [
    'dynalite',
    async () =>
      new DynamoDBCheckpointStorage({ client: dynalite.dynamo.client, tableName: await dynalite.newTable() }),
  ],
];

describe.each(backends)('lease-driven driver on %s storage', (_name, makeStore) => {
  it('takes turns when two processes get messages for one conversation at once', async () => {
    const store = await makeStore();
    const p1 = driverOn(store, 'host:1');
    const p2 = driverOn(store, 'host:2');
    for (let i = 0; i < 6; i++) s.server.enqueue({ text: `answer ${i}`, delayMs: 30 });
    const sends = [0, 1, 2, 3, 4, 5].map((i) =>
      (i % 2 ? p2 : p1).driver.handle(msg('t:1', `question ${i}`, `Ev${i}`), new Sink()),
    );
    const results = await Promise.all(sends);
    expect(results.map((r) => (r.status === 'failed' ? r.error.message : r.status))).toEqual(
      Array(6).fill('processed'),
    );
    const conversation = await p1.workflow.forConversation('t:1').getConversation();
    // Every question stored once, each followed by exactly one answer: no ghost or lost turn.
    expect(conversation).toHaveLength(12);
    expect(new Set(conversation.filter((m) => m.role === 'user').map((m) => m.text)).size).toBe(6);
    expect(conversation.map((m) => m.role)).toEqual(Array(6).fill(['user', 'assistant']).flat());
    expect(s.server.requests).toHaveLength(6);
    expect(await store.listInbound('t:1')).toEqual([]);
  });

  it('resumes a turn killed mid-run at the next start-up, with no user message', async () => {
    const store = await makeStore();
    const { view, state } = processView(store);
    const dead = driverOn(view, 'host:dead', { leaseTtlMs: 400 });
    s.server.enqueue({ text: 'never committed', delayMs: 100 }, { text: 'Here is your answer.' });
    void dead.driver.handle(msg('t:2', 'hello?', 'Ev-kill'), new Sink());
    await until(() => s.server.requests.length === 1);
    state.crashed = true;

    const sink = new Sink();
    const fresh = driverOn(store, 'host:fresh', { sinkFor: () => sink });
    // The dead owner's lease runs out, then the new process finds the conversation and finishes it.
    await until(async () => (await fresh.driver.resumeInterrupted()) === 1);
    expect(sink.texts()).toEqual(['Here is your answer.']);
    const conversation = await fresh.workflow.forConversation('t:2').getConversation();
    expect(conversation.map((m) => m.text)).toEqual(['hello?', 'Here is your answer.']);
    expect(await store.listInbound('t:2')).toEqual([]);
    expect(await store.listInterrupted()).toEqual([]);
  });
});

describe('lease-driven driver', () => {
  it('withdraws a reply whose commit lost the lease, then runs the delivery again', async () => {
    const store = new InMemoryCheckpointStorage();
    const { view, state } = processView(store);
    const p1 = driverOn(view, 'host:1', { leaseTtlMs: 300 });
    s.server.enqueue({ text: 'first attempt', delayMs: 600 }, { text: 'second attempt' });
    state.failRenew = true;
    const sink = new Sink();
    const turn = p1.driver.handle(msg('t:3', 'hi', 'Ev-lost'), sink);
    await until(() => s.server.requests.length === 1);
    // The renewals fail, the lease runs out, and another runner takes the conversation for a moment.
    await new Promise((r) => setTimeout(r, 350));
    const other = await store.acquireLease('t:3', { owner: 'host:2', ttlMs: 1000 });
    expect(other).toBeDefined();
    state.failRenew = false;
    await new Promise((r) => setTimeout(r, 400));
    await store.releaseLease(other!);
    const result = await turn;
    expect(result.status).toBe('processed');
    expect(sink.retracted).toBe(1);
    expect(sink.committedCount).toBe(1);
    const conversation = await p1.workflow.forConversation('t:3').getConversation();
    expect(conversation.map((m) => m.text)).toEqual(['hi', 'second attempt']);
  });

  it('lets a redelivery take over from an owner that died, and answers a later retry as duplicate', async () => {
    const store = new InMemoryCheckpointStorage();
    const { view, state } = processView(store);
    const dead = driverOn(view, 'host:dead', { leaseTtlMs: 400 });
    s.server.enqueue({ text: 'lost', delayMs: 100 }, { text: 'Taken over.' });
    void dead.driver.handle(msg('t:4', 'help', 'Ev-r'), new Sink());
    await until(() => s.server.requests.length === 1);
    state.crashed = true;

    const other = driverOn(store, 'host:2');
    const sink = new Sink();
    expect(await other.driver.handle(msg('t:4', 'help', 'Ev-r'), sink)).toEqual({ status: 'processed' });
    expect(sink.texts()).toEqual(['Taken over.']);
    expect(await other.driver.handle(msg('t:4', 'help', 'Ev-r'), new Sink())).toEqual({
      status: 'duplicate',
    });
    const conversation = await other.workflow.forConversation('t:4').getConversation();
    expect(conversation.map((m) => m.text)).toEqual(['help', 'Taken over.']);
  });

  it('sweeps up a conversation interrupted in another process', async () => {
    const store = new InMemoryCheckpointStorage();
    const { view, state } = processView(store);
    const dead = driverOn(view, 'host:dead', { leaseTtlMs: 400 });
    s.server.enqueue({ text: 'lost', delayMs: 100 }, { text: 'Swept.' });
    void dead.driver.handle(msg('t:5', 'anyone?', 'Ev-s'), new Sink());
    await until(() => s.server.requests.length === 1);
    state.crashed = true;

    const sink = new Sink();
    const sweeper = driverOn(store, 'host:sweeper', { sinkFor: () => sink, sweepIntervalMs: 100 });
    sweeper.driver.startSweeper();
    await until(() => sink.texts().length === 1);
    expect(sink.texts()).toEqual(['Swept.']);
    await sweeper.driver.drain();
    expect(await store.listInterrupted()).toEqual([]);
  });

  it('re-shows pending approvals when a committed turn is delivered again, running nothing', async () => {
    const store = new InMemoryCheckpointStorage();
    const { view, state } = processView(store);
    const p1 = driverOn(view, 'host:1');
    s.server.enqueue(handoff('refund_agent'), {
      toolCalls: [{ name: 'process_refund', arguments: { order_number: '7' } }],
    });
    // The turn commits, but marking its delivery done keeps failing: the platform must deliver again.
    state.failComplete = true;
    const first = await p1.driver.handle(msg('t:6', 'refund 7', 'Ev-a'), new Sink());
    expect(first.status).toBe('failed');
    state.failComplete = false;
    const requestsBefore = s.server.requests.length;

    const sink = new Sink();
    expect(await p1.driver.handle(msg('t:6', 'refund 7', 'Ev-a'), sink)).toEqual({ status: 'processed' });
    expect(s.server.requests).toHaveLength(requestsBefore);
    expect(sink.reshown).toHaveLength(1);
    expect(sink.reshown[0]!.map((r) => r.data.kind)).toEqual(['function_approval']);
    expect(await store.listInbound('t:6')).toEqual([]);
  });
});
