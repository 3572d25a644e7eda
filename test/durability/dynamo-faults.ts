/**
 * DynamoDB faults under the real app: two app processes reach dynalite through the chaos proxy, and users
 * @mention the bot in separate threads (so every apology belongs to one message). Judged per thread: a delivery
 * Baton acked must end in a shown reply or an apology (no silent loss), and an apology must mean the turn really
 * failed (its reply was not committed).
 */
import { join } from 'node:path';
import type { FakeMessage } from '../channels/slack/fake-slack-api.js';
import { startChaosProxy } from './chaos-proxy.js';
import type { FigureRow } from './figures.js';
import { freePort, sleep } from './processes.js';
import { mention, slackTs, TEAM } from './slack-delivery.js';
import { type AppProcess, slackDelivery, startAppProcess, storedWorkflow, type World } from './world.js';

const APOLOGY = 'Sorry, something went wrong';

export interface FaultRunOptions {
  /** Share of DynamoDB requests that fail (0..1). */
  rate: number;
  messages: number;
  processes?: number;
  deadlineMs?: number;
}

export interface FaultRunOutcome {
  rate: number;
  messages: number;
  /** Deliveries Slack gave up on (never answered 2xx): Baton never accepted them. */
  neverAcked: number;
  /** Acked, and the user saw neither a reply nor an apology. */
  silentLosses: number;
  /** The user got an apology, yet the reply was committed (the turn did not really fail). */
  falseFailures: number;
  /** Replies shown that were not committed. */
  ghosts: number;
  apologies: number;
  answered: number;
  modelCalls: number;
  injected: Record<string, number>;
  dynamoRequests: number;
  notes: string[];
}

export async function runDynamoFaults(world: World, options: FaultRunOptions): Promise<FaultRunOutcome> {
  const proxy = await startChaosProxy(world.dynamo.endpoint);
  const table = `chaos-faults-${Math.round(options.rate * 100)}-${Date.now()}`;
  const ledger = join(world.dir, 'ledger-faults.jsonl');
  const apps: AppProcess[] = [];
  const notes: string[] = [];
  try {
    for (let p = 0; p < (options.processes ?? 2); p++) {
      apps.push(
        await startAppProcess(world, {
          table,
          ledger,
          port: await freePort(),
          dynamoEndpoint: proxy.endpoint,
        }),
      );
    }
    const callsBefore = world.model.requests.length;
    const requestsBefore = proxy.requests;
    proxy.rate = options.rate;
    const threads = Array.from({ length: options.messages }, (_, i) => ({
      channel: `CF${Math.round(options.rate * 100)}X${i}`,
      ts: slackTs(),
      text: `fault note ${Math.round(options.rate * 100)}-${i}`,
    }));
    const shownIn = (t: (typeof threads)[number]) =>
      world.slack.messages.filter((m) => m.channel === t.channel && m.threadTs === t.ts);
    const deliveries = await Promise.all(
      threads.map((t, i) =>
        slackDelivery(world, apps[i % apps.length]!.url).event(
          `EvF${t.channel}`,
          mention(t.channel, t.text, t.ts),
        ),
      ),
    );
    const settled = (t: (typeof threads)[number]) =>
      shownIn(t).some((m) => m.text.includes(`Noted: ${t.text}`) || m.text.includes(APOLOGY));
    const deadline = Date.now() + (options.deadlineMs ?? 45_000);
    while (Date.now() < deadline && !threads.every((t, i) => !deliveries[i]!.acked || settled(t)))
      await sleep(100);
    // Retries still running may yet answer (or apologize): give them a moment, then judge with faults off.
    await sleep(2000);
    proxy.rate = 0;
    const dynamoRequests = proxy.requests - requestsBefore;
    const stored = storedWorkflow(world, table);
    let neverAcked = 0;
    let silentLosses = 0;
    let falseFailures = 0;
    let ghosts = 0;
    let apologies = 0;
    let answered = 0;
    try {
      for (const [i, t] of threads.entries()) {
        const shown: FakeMessage[] = shownIn(t);
        const conversation = await stored.workflow
          .forConversation(`slack:${TEAM}:${t.channel}:${t.ts}`)
          .getConversation();
        const committed = conversation.some((m) => m.role === 'assistant' && m.text === `Noted: ${t.text}`);
        const shownReply = shown.some((m) => m.text.trim() === `Noted: ${t.text}`);
        const apologized = shown.some((m) => m.text.includes(APOLOGY));
        if (!deliveries[i]!.acked) neverAcked++;
        if (apologized) apologies++;
        if (shownReply) answered++;
        if (deliveries[i]!.acked && !shownReply && !apologized) {
          silentLosses++;
          notes.push(
            `${t.channel}: acked, nothing shown; stored ${JSON.stringify(conversation.map((m) => m.text))}`,
          );
        }
        if (apologized && committed) {
          falseFailures++;
          notes.push(
            `${t.channel}: apology, yet the reply was committed; shown ${JSON.stringify(shown.map((m) => m.text.slice(0, 60)))}`,
          );
        }
        if (shownReply && !committed) {
          ghosts++;
          notes.push(`${t.channel}: reply shown but not committed`);
        }
      }
    } finally {
      stored.close();
    }
    return {
      rate: options.rate,
      messages: options.messages,
      neverAcked,
      silentLosses,
      falseFailures,
      ghosts,
      apologies,
      answered,
      modelCalls: world.model.requests.length - callsBefore,
      injected: { ...proxy.injected },
      dynamoRequests,
      notes,
    };
  } finally {
    proxy.rate = 0;
    await Promise.all(apps.map((a) => a.child.kill('SIGKILL')));
    await proxy.close();
  }
}

export function faultFigures(o: FaultRunOutcome): FigureRow {
  return {
    scenario: `DynamoDB faults at ${Math.round(o.rate * 100)}% (${o.dynamoRequests} requests)`,
    trials: o.messages,
    interrupted: o.neverAcked,
    lost: o.silentLosses,
    duplicated: 0,
    duplicatedReplies: 0,
    doubleRuns: 0,
    lostResults: 0,
    dishonest: o.falseFailures,
    waiting: 0,
    resumeMs: [],
    ghosts: o.ghosts,
    apologies: o.apologies,
    modelCalls: o.modelCalls,
    expectedModelCalls: o.messages,
  };
}
