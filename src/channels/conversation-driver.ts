/**
 * The channel-neutral conversation driver: every chat channel (Slack, Teams, the playground) hands it
 * normalized inbound messages and approval clicks; it records each delivery durably in the conversation's
 * inbox, runs one turn at a time per conversation — across processes, under the conversation's lease, with
 * its fencing token on every commit — authorizes approvers, and streams the workflow's events to the channel's
 * sink. Interrupted turns resume by themselves (a redelivery, `resumeInterrupted()` at start-up, the sweeper).
 * Channels render; they never route.
 */
import { hostname } from 'node:os';
import type { HandoffWorkflow } from '../handoff/workflow.js';
import type { IdempotencyStore } from '../store/idempotency.js';
import type { InboxItem } from '../store/inbox.js';
import { deliveryIdOf, inboundOf, inboxPayload, messageIdOf } from './delivery.js';
import type { ApproverRule, Inbound, TurnResult, TurnSink } from './driver-types.js';
import { LeaseWaitTimeoutError } from './driver-types.js';
import { runLegacy } from './legacy-turn.js';
import { type Logger, silentLogger } from './logger.js';

export type {
  ApproverContext,
  ApproverRule,
  ChannelUser,
  DecisionResult,
  Inbound,
  TurnResult,
  TurnSink,
} from './driver-types.js';
export { LeaseWaitTimeoutError } from './driver-types.js';

import { isLeaseLoss, runTurn } from './turn-execution.js';
import {
  asError,
  errorFields,
  type LeaseBackend,
  LeaseKeeper,
  type LeaseTiming,
  leaseBackendOf,
  safely,
  waitForTurn,
  withRetries,
} from './turn-lease.js';

export interface ConversationDriverOptions {
  /** The workflow; each conversation runs on `workflow.forConversation(key)`. */
  workflow: HandoffWorkflow;
  /**
   * Leases and the turn inbox (default: the workflow's storage when it has them — memory, file and DynamoDB
   * do). Without them turns are serialized in this process only and deduplicated through `idempotency`.
   */
  leases?: LeaseBackend;
  /** Deduplicates deliveries by `eventId` when there is no inbox (Slack retries, double clicks). */
  idempotency?: IdempotencyStore;
  approvers?: Readonly<Record<string, ApproverRule>>;
  /** Retries of a turn that lost an optimistic race with a writer outside the lease (default 5). */
  maxConflictRetries?: number;
  /** This process's lease owner id (default `host:pid:random`): unique per process. */
  owner?: string;
  /** Lease time-to-live (default 15 000 ms); renewed every third of it while a turn runs. */
  leaseTtlMs?: number;
  /** How long a delivery waits for the conversation's lease before its turn fails (default 300 000 ms). */
  leaseWaitMs?: number;
  /** Lease poll interval while waiting (default 100 ms, jittered). */
  pollMs?: number;
  /** An older delivery whose waiter is gone is run by the next holder after this (default 2 000 ms). */
  orphanAfterMs?: number;
  /** `startSweeper()` period (default leaseTtlMs / 3). */
  sweepIntervalMs?: number;
  /** The sink for turns run without their original waiter (start-up resume, sweeper, orphans). */
  sinkFor?: (inbound: Inbound) => TurnSink;
  logger?: Logger;
}

const droppingSink: TurnSink = { event: () => {} };

export class ConversationDriver {
  readonly workflow: HandoffWorkflow;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly options: ConversationDriverOptions;
  private readonly logger: Logger;
  private readonly backend: LeaseBackend | undefined;
  private readonly timing: LeaseTiming;
  /** Deliveries waiting or running in this process (never treated as orphans here). */
  private readonly localWaiters = new Set<string>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> = Promise.resolve();
  /** Conversations seen interrupted by the last sweep, with their oldest pending delivery. */
  private suspects = new Map<string, string>();

  constructor(options: ConversationDriverOptions) {
    this.options = options;
    this.workflow = options.workflow;
    this.logger = options.logger ?? silentLogger;
    this.backend = options.leases ?? leaseBackendOf(options.workflow.definition.storage);
    const ttlMs = options.leaseTtlMs ?? 15_000;
    this.timing = {
      owner: options.owner ?? `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`,
      ttlMs,
      pollMs: options.pollMs ?? 100,
      orphanAfterMs: options.orphanAfterMs ?? 2_000,
      waitMs: options.leaseWaitMs ?? 300_000,
    };
  }

  /** Conversations with a turn queued or running. */
  get activeConversations(): number {
    return this.queues.size;
  }

  /** This process's lease owner id. */
  get owner(): string {
    return this.timing.owner;
  }

  /**
   * Processes one inbound: records it in the conversation's inbox, then resolves when its turn has run.
   * Turns of one conversation run one at a time, in arrival order, across processes.
   */
  async handle(inbound: Inbound, sink: TurnSink): Promise<TurnResult> {
    const log = this.logger.child({
      conversation: inbound.conversationKey,
      ...(inbound.eventId ? { eventId: inbound.eventId } : {}),
    });
    const backend = this.backend;
    if (!backend) {
      return runLegacy(inbound, sink, log, {
        enqueue: (work) => this.enqueue(inbound.conversationKey, work),
        run: () => this.turn(inbound, sink, log, {}, messageIdOf(inbound.eventId ?? crypto.randomUUID())),
        ...(this.options.idempotency ? { idempotency: this.options.idempotency } : {}),
      });
    }
    const deliveryId = deliveryIdOf(inbound);
    let put: Awaited<ReturnType<LeaseBackend['putInbound']>>;
    try {
      put = await withRetries(() =>
        backend.putInbound(inbound.conversationKey, deliveryId, inboxPayload(inbound)),
      );
    } catch (error) {
      log.error({ err: errorFields(error) }, 'could not record the delivery; the platform must redeliver');
      return { status: 'failed', error: asError(error) };
    }
    if (put.done) {
      log.info({ type: inbound.type }, 'duplicate delivery ignored');
      return { status: 'duplicate' };
    }
    const redelivered = put.status === 'duplicate';
    this.localWaiters.add(deliveryId);
    try {
      return await this.enqueue(inbound.conversationKey, () =>
        this.leased(backend, inbound, deliveryId, sink, log, redelivered),
      );
    } finally {
      this.localWaiters.delete(deliveryId);
    }
  }

  /**
   * Runs the conversations left interrupted (a runner died mid-turn, or deliveries wait with no runner):
   * call it once the app is up. Resolves with how many conversations it ran.
   */
  async resumeInterrupted(): Promise<number> {
    const backend = this.backend;
    if (!backend) return 0;
    const ids = await withRetries(() => backend.listInterrupted());
    return this.resumeAll(
      backend,
      ids.filter((id) => !this.queues.has(id)),
    );
  }

  /**
   * Every `sweepIntervalMs`, picks up conversations interrupted in another process that died: one seen
   * interrupted by two sweeps in a row with the same oldest delivery has no live waiter. Stopped by `drain()`.
   */
  startSweeper(): void {
    const backend = this.backend;
    if (!backend || this.sweeper) return;
    const period = this.options.sweepIntervalMs ?? Math.max(1, Math.floor(this.timing.ttlMs / 3));
    this.sweeper = setInterval(() => {
      this.sweeping = this.sweep(backend).catch((error: unknown) => {
        this.logger.warn({ err: errorFields(error) }, 'sweep for interrupted conversations failed');
      });
    }, period);
    this.sweeper.unref();
  }

  stopSweeper(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Stops the sweeper and resolves when every queued turn has finished (graceful shutdown). */
  async drain(): Promise<void> {
    this.stopSweeper();
    await this.sweeping;
    while (this.queues.size > 0) await Promise.allSettled([...this.queues.values()]);
  }

  private async sweep(backend: LeaseBackend): Promise<void> {
    const ids = (await withRetries(() => backend.listInterrupted())).filter((id) => !this.queues.has(id));
    const next = new Map<string, string>();
    const due: string[] = [];
    for (const id of ids) {
      const pending = await withRetries(() => backend.listInbound(id));
      const signature = pending[0]?.deliveryId ?? '';
      if (pending.some((i) => this.localWaiters.has(i.deliveryId))) continue;
      if (this.suspects.get(id) === signature) due.push(id);
      else next.set(id, signature);
    }
    this.suspects = next;
    if (due.length > 0) await this.resumeAll(backend, due);
  }

  private async resumeAll(backend: LeaseBackend, ids: readonly string[]): Promise<number> {
    let resumed = 0;
    // A few conversations at a time: a restart after an outage must not stampede the model.
    for (let i = 0; i < ids.length; i += 8) {
      const batch = ids.slice(i, i + 8);
      const done = await Promise.all(batch.map((id) => this.enqueue(id, () => this.resumeOne(backend, id))));
      resumed += done.filter(Boolean).length;
    }
    return resumed;
  }

  private async resumeOne(backend: LeaseBackend, conversationId: string): Promise<boolean> {
    const log = this.logger.child({ conversation: conversationId });
    const lease = await withRetries(() =>
      backend.acquireLease(conversationId, { owner: this.timing.owner, ttlMs: this.timing.ttlMs }),
    );
    if (!lease) return false;
    const keeper = new LeaseKeeper(backend, lease, this.timing.ttlMs, log);
    try {
      const pending = await withRetries(() => backend.listInbound(conversationId));
      log.info({ pending: pending.length }, 'resuming an interrupted conversation');
      for (const item of pending) await this.runItem(backend, item, keeper, log);
      if (pending.length === 0) {
        // A turn that died after its delivery was completed (or one started outside the driver).
        const wf = this.workflow.forConversation(conversationId);
        const { status, checkpointId } = await wf.getStatus();
        if (status === 'running' && checkpointId) {
          const sink = this.sinkFor({
            type: 'message',
            conversationKey: conversationId,
            user: { id: 'baton' },
            contents: [],
          });
          for await (const e of wf.runStream(
            { checkpointId },
            { leaseToken: keeper.token, signal: keeper.signal },
          )) {
            await sink.event(e);
          }
        }
      }
      return true;
    } catch (error) {
      log.warn({ err: errorFields(error) }, 'resuming the conversation stopped; it stays interrupted');
      return false;
    } finally {
      await keeper.release();
    }
  }

  /** Runs a delivery found in the inbox without its waiter (resume, orphan). */
  private async runItem(backend: LeaseBackend, item: InboxItem, keeper: LeaseKeeper, log: Logger) {
    const inbound = inboundOf(item.payload);
    if (!inbound) {
      log.error({ deliveryId: item.deliveryId }, 'unreadable inbox item skipped');
      await withRetries(() =>
        backend.completeInbound(keeper.lease.conversationId, item.deliveryId, keeper.token),
      );
      return;
    }
    const result = await this.runDelivery(
      backend,
      inbound,
      item.deliveryId,
      this.sinkFor(inbound),
      keeper,
      log,
      true,
    );
    if (result.status === 'failed') throw result.error;
  }

  private sinkFor(inbound: Inbound): TurnSink {
    return this.options.sinkFor?.(inbound) ?? droppingSink;
  }

  /** Waits for the lease, runs the delivery (orphans first), and starts over when the lease is lost. */
  private async leased(
    backend: LeaseBackend,
    inbound: Inbound,
    deliveryId: string,
    sink: TurnSink,
    log: Logger,
    redelivered: boolean,
  ): Promise<TurnResult> {
    let again = redelivered;
    while (true) {
      const granted = await waitForTurn(
        backend,
        inbound.conversationKey,
        deliveryId,
        this.timing,
        this.localWaiters,
      ).catch((error: unknown) => ({ status: 'error' as const, error }));
      if (granted.status === 'error') return { status: 'failed', error: asError(granted.error) };
      if (granted.status === 'timeout') {
        const error = new LeaseWaitTimeoutError(inbound.conversationKey, this.timing.waitMs);
        log.warn({}, error.message);
        return { status: 'failed', error };
      }
      const keeper = new LeaseKeeper(backend, granted.lease, this.timing.ttlMs, log);
      try {
        for (const orphan of granted.orphans) {
          log.info({ deliveryId: orphan.deliveryId }, 'running an older delivery whose waiter is gone');
          await this.runItem(backend, orphan, keeper, log);
        }
        if (!granted.item) {
          log.info({ type: inbound.type }, 'delivery already processed by another runner');
          return { status: 'duplicate' };
        }
        return await this.runDelivery(backend, inbound, deliveryId, sink, keeper, log, again);
      } catch (error) {
        if (isLeaseLoss(error, keeper)) {
          log.warn(
            {},
            'lease lost mid-turn: withdrawing what was shown and waiting for the conversation again',
          );
          await safely(() => sink.retract?.());
          again = true;
          continue;
        }
        log.error({ err: errorFields(error) }, 'turn failed');
        return { status: 'failed', error: asError(error) };
      } finally {
        await keeper.release();
      }
    }
  }

  /** One delivery under a held lease: the turn, then its inbox item completed (fenced). Throws on lease loss. */
  private async runDelivery(
    backend: LeaseBackend,
    inbound: Inbound,
    deliveryId: string,
    sink: TurnSink,
    keeper: LeaseKeeper,
    log: Logger,
    redelivered: boolean,
  ): Promise<TurnResult> {
    const outcome = await this.turn(
      inbound,
      sink,
      log,
      { leaseToken: keeper.token, signal: keeper.signal },
      messageIdOf(deliveryId),
      redelivered,
    );
    // A failure that was not recorded (the store refused) keeps the delivery for a redelivery or the sweeper.
    if (outcome.result.status === 'failed' && !outcome.recorded) return outcome.result;
    await withRetries(() => backend.completeInbound(inbound.conversationKey, deliveryId, keeper.token));
    await safely(() => sink.committed?.());
    return outcome.result;
  }

  private turn(
    inbound: Inbound,
    sink: TurnSink,
    log: Logger,
    run: { leaseToken?: number; signal?: AbortSignal },
    messageId: string,
    redelivered = false,
  ) {
    return runTurn({
      workflow: this.workflow,
      inbound,
      sink,
      log,
      run,
      messageId,
      redelivered,
      maxConflictRetries: this.options.maxConflictRetries ?? 5,
      approvers: this.options.approvers,
    });
  }

  private enqueue<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }
}
