/**
 * SIGKILL trials of the refund flow through the real app. A round starts the app, runs several refund flows in
 * their own threads, staggered (a user asks by @mention, approves the card, gets the answer), kills the app
 * with SIGKILL at a chosen moment — so each flow is caught at a different point — and starts it again on the
 * same port. Slack redelivers what was never acked; whatever was acked the restarted process must finish by
 * itself. Each flow is one trial, judged from the stored conversation, its side ledger and what Slack shows.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeMessage } from '../channels/slack/fake-slack-api.js';
import { type LedgerEntry, readLedger } from './chaos-bot.js';
import type { FigureRow } from './figures.js';
import { freePort, sleep } from './processes.js';
import { clickOn, mention, slackTs, TEAM } from './slack-delivery.js';
import { type AppProcess, slackDelivery, startAppProcess, storedWorkflow, type World } from './world.js';

const APOLOGY = 'Sorry, something went wrong';

export type RefundMode = 'idempotent' | 'at-most-once';
export type StorageKind = 'dynamodb' | 'file';

export interface KillRoundOptions {
  round: number;
  storage: StorageKind;
  refund?: RefundMode;
  /** Refund flows in this round, each in its own thread (default 4). */
  flows?: number;
  /** Flow k starts at a random moment in [0, staggerMs) (default 2500). */
  staggerMs?: number;
  /** Kill the app this long after the round's first flow starts; undefined: no kill (the baseline). */
  killAtMs?: number;
  /** How long a flow may take after the (re)start before it counts as waiting (default 30 000). */
  deadlineMs?: number;
  env?: Record<string, string>;
}

export interface RefundTrialOutcome {
  round: number;
  flow: number;
  storage: StorageKind;
  refund: RefundMode;
  /** The round was killed and this flow had not finished by then. */
  interrupted: boolean;
  /** What the flow had reached when the kill landed. */
  killedDuring: string | undefined;
  lostUserMessages: number;
  duplicatedUserMessages: number;
  duplicatedStoredReplies: number;
  doubleToolRuns: number;
  /** The refund finished (ledger) but the thread does not say so. */
  lostResults: number;
  /** Killed mid-refund (not idempotent): the thread claims an outcome instead of saying it is unknown. */
  dishonest: number;
  /** The thread was not finished by the deadline: the user would have to write again. */
  waiting: number;
  /** Agent replies shown on Slack that are not in the committed conversation. */
  ghosts: number;
  apologies: number;
  modelCalls: number;
  /** From the restarted app's readiness to this flow's final reply, for flows the kill interrupted. */
  resumeMs: number | undefined;
  /** Why an invariant failed (empty when all held). */
  notes: string[];
}

/** An approval card, open (buttons) or closed by the click ("Approved by …"). */
function isCard(m: FakeMessage): boolean {
  return isOpenCard(m) || /^(Approved|Rejected) by/.test(m.text);
}

function isOpenCard(m: FakeMessage): boolean {
  return m.blocks.some((b) => b.type === 'actions');
}

/** Handoff notes, "Approved by", apologies: context blocks, not an agent's reply. */
function isNotice(m: FakeMessage): boolean {
  return m.blocks[0]?.type === 'context';
}

async function waitFor<T>(probe: () => T | undefined, until: () => number): Promise<T | undefined> {
  while (Date.now() < until()) {
    const found = probe();
    if (found !== undefined) return found;
    await sleep(25);
  }
  return probe();
}

export async function runKillRound(world: World, options: KillRoundOptions): Promise<RefundTrialOutcome[]> {
  const refund = options.refund ?? 'idempotent';
  const flows = options.flows ?? 4;
  const table = `chaos-r${options.round}-${Date.now()}`;
  const env: Record<string, string> = { ...options.env };
  if (options.storage === 'file') {
    env.CHAOS_FILE_STORE = join(world.dir, `files-r${options.round}`);
    await mkdir(env.CHAOS_FILE_STORE, { recursive: true });
  }
  const port = await freePort();
  // One ledger per round: flows tell their entries apart by conversation id.
  const ledger = join(world.dir, `ledger-r${options.round}.jsonl`);
  const appOptions = { table, ledger, port, refund, env };
  let app: AppProcess = await startAppProcess(world, appOptions);
  const delivery = slackDelivery(world, app.url);
  const started = Date.now();
  let restartedAt: number | undefined;
  const deadline = () => (restartedAt ?? started) + (options.deadlineMs ?? 30_000);
  const phases: string[] = [];
  const finishedAt: (number | undefined)[] = [];
  let killedPhases: string[] | undefined;

  const killer =
    options.killAtMs === undefined
      ? Promise.resolve()
      : (async () => {
          await sleep(options.killAtMs!);
          killedPhases = [...phases];
          await app.child.kill('SIGKILL');
          app = await startAppProcess(world, appOptions);
          restartedAt = app.readyAt;
        })();

  const runFlow = async (k: number) => {
    const channel = `C${options.round}X${k}`;
    const order = String(10_000 + options.round * 100 + k);
    const rootTs = slackTs();
    const thread = () => world.slack.messages.filter((m) => m.channel === channel && m.threadTs === rootTs);
    phases[k] = 'not started';
    await sleep(Math.random() * (options.staggerMs ?? 2500));
    phases[k] = 'mention';
    const mentioned = delivery.event(
      `Ev${options.round}x${k}`,
      mention(channel, `I want a refund for order ${order}`, rootTs),
    );
    phases[k] = 'awaiting card';
    const card = await waitFor(() => thread().find(isOpenCard), deadline);
    if (card) {
      phases[k] = 'click';
      void delivery.click(`click-${options.round}-${k}`, clickOn(card, true));
      phases[k] = 'awaiting answer';
      const answer = await waitFor(
        () => thread().find((m) => !isCard(m) && m.text.includes("You're welcome")),
        deadline,
      );
      if (answer) finishedAt[k] = Date.now();
    }
    phases[k] = 'finished';
    return { channel, order, rootTs, thread, mentioned };
  };

  const threads = await Promise.all(Array.from({ length: flows }, (_, k) => runFlow(k)));
  await killer;
  // Flows finished before the restart was ready still get the restarted process's full deadline to settle.
  await sleep(300);
  const entries = readLedger(ledger);
  const outcomes: RefundTrialOutcome[] = [];
  const stored = storedWorkflow(world, table, env.CHAOS_FILE_STORE);
  try {
    for (const [k, t] of threads.entries()) {
      const key = `slack:${TEAM}:${t.channel}:${t.rootTs}`;
      const killedDuring = killedPhases?.[k];
      const interrupted = killedDuring !== undefined && killedDuring !== 'finished';
      const judged = await evaluate({
        workflow: stored.workflow.forConversation(key),
        order: t.order,
        ledger: entries.filter((e) => e.conversationId === key),
        shown: t.thread(),
        refund,
      });
      const done = finishedAt[k];
      const mentionDelivery = await t.mentioned;
      if (!mentionDelivery.acked) judged.notes.push('Slack gave up on the mention: never acked');
      outcomes.push({
        round: options.round,
        flow: k,
        storage: options.storage,
        refund,
        interrupted,
        killedDuring,
        ...judged,
        modelCalls: world.model.requests.filter((r) =>
          r.messages.some((m) => JSON.stringify(m.content ?? '').includes(`order ${t.order}`)),
        ).length,
        resumeMs:
          interrupted && restartedAt !== undefined && done !== undefined
            ? Math.max(0, done - restartedAt)
            : undefined,
      });
    }
  } finally {
    stored.close();
    await app.child.kill('SIGKILL');
  }
  return outcomes;
}

interface EvaluateInput {
  workflow: ReturnType<typeof storedWorkflow>['workflow'];
  order: string;
  ledger: LedgerEntry[];
  shown: FakeMessage[];
  refund: RefundMode;
}

async function evaluate(input: EvaluateInput) {
  const notes: string[] = [];
  const request = `I want a refund for order ${input.order}`;
  const success = `Refund processed successfully for order ${input.order}`;
  const conversation = await input.workflow.getConversation();
  const status = (await input.workflow.getStatus()).status;
  const users = conversation.filter((m) => m.role === 'user' && m.text.includes(request));
  const replies = conversation.filter((m) => m.role === 'assistant').map((m) => m.text);
  const duplicatedStoredReplies = replies.length - new Set(replies).size;
  const effects = input.ledger.filter((e) => e.event === 'effect');
  const starts = input.ledger.filter((e) => e.event === 'start');
  const done = input.ledger.some((e) => e.event === 'done');
  // Idempotent: the provider refuses a repeat under the same key ('replay'), so only a second effect counts.
  const doubleToolRuns =
    input.refund === 'idempotent' ? Math.max(0, effects.length - 1) : Math.max(0, starts.length - 1);
  const saysSuccess = replies.some((r) => r.includes(success));
  const lostResults = done && !saysSuccess ? 1 : 0;
  // An at-most-once refund killed after it took effect and before it returned: only "unknown" is honest.
  const cutMidRun = input.refund === 'at-most-once' && effects.length > 0 && !done;
  const dishonest = cutMidRun && !replies.some((r) => /unknown/i.test(r) && !r.includes(success)) ? 1 : 0;
  const waiting = status === 'completed' ? 0 : 1;
  const bot = input.shown.filter((m) => !isCard(m));
  const apologies = bot.filter((m) => m.text.includes(APOLOGY)).length;
  const ghosts = bot.filter((m) => !isNotice(m) && !replies.some((r) => normalize(r) === normalize(m.text)));
  const shown = JSON.stringify(bot.map((m) => m.text.slice(0, 90)));
  if (users.length !== 1) notes.push(`user message stored ${users.length}×`);
  if (duplicatedStoredReplies) notes.push(`stored replies: ${JSON.stringify(replies)}`);
  if (doubleToolRuns) notes.push(`ledger: ${input.ledger.map((e) => `${e.event}@${e.pid}`).join(',')}`);
  if (lostResults) notes.push(`refund done, stored replies: ${JSON.stringify(replies)}`);
  if (dishonest) notes.push(`refund cut mid-run, stored replies: ${JSON.stringify(replies)}`);
  if (waiting) notes.push(`status ${status}; shown: ${shown}`);
  if (ghosts.length) notes.push(`shown ${shown}, stored ${JSON.stringify(replies)}`);
  return {
    lostUserMessages: users.length === 0 ? 1 : 0,
    duplicatedUserMessages: Math.max(0, users.length - 1),
    duplicatedStoredReplies,
    doubleToolRuns,
    lostResults,
    dishonest,
    waiting,
    ghosts: ghosts.length,
    apologies,
    notes,
  };
}

/** Slack text vs stored text: the renderer converts Markdown to mrkdwn and may escape; compare loosely. */
function normalize(text: string): string {
  return text
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replace(/[*_~`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Sums trials into a row of the figures table (3 model calls per refund flow when nothing goes wrong). */
export function refundFigures(scenario: string, outcomes: readonly RefundTrialOutcome[]): FigureRow {
  const sum = (pick: (o: RefundTrialOutcome) => number) => outcomes.reduce((n, o) => n + pick(o), 0);
  return {
    scenario,
    trials: outcomes.length,
    interrupted: outcomes.filter((o) => o.interrupted).length,
    lost: sum((o) => o.lostUserMessages),
    duplicated: sum((o) => o.duplicatedUserMessages),
    duplicatedReplies: sum((o) => o.duplicatedStoredReplies),
    doubleRuns: sum((o) => o.doubleToolRuns),
    lostResults: sum((o) => o.lostResults),
    dishonest: sum((o) => o.dishonest),
    waiting: sum((o) => o.waiting),
    resumeMs: outcomes.flatMap((o) => (o.resumeMs === undefined ? [] : [o.resumeMs])),
    ghosts: sum((o) => o.ghosts),
    apologies: sum((o) => o.apologies),
    modelCalls: sum((o) => o.modelCalls),
    expectedModelCalls: 3 * outcomes.length,
  };
}
