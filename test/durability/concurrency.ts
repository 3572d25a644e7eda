/**
 * Several app processes on one DynamoDB table, one Slack thread: `processes` × `sends` thread replies sent at
 * once (each process gets its share, concurrently). Judged from the committed conversation and what Slack shows.
 */
import { join } from 'node:path';
import type { FakeMessage } from '../channels/slack/fake-slack-api.js';
import type { FigureRow } from './figures.js';
import { freePort, sleep } from './processes.js';
import { mention, slackTs, TEAM, threadMessage } from './slack-delivery.js';
import { type AppProcess, slackDelivery, startAppProcess, storedWorkflow, type World } from './world.js';

export interface ConcurrencyOptions {
  processes: number;
  /** Concurrent sends per process. */
  sends: number;
  /** Where the processes reach DynamoDB (default: the world's dynalite; a fault proxy goes here). */
  dynamoEndpoint?: string;
  deadlineMs?: number;
  env?: Record<string, string>;
}

export interface ConcurrencyOutcome {
  sent: number;
  /** Sends Slack saw acked (2xx). */
  acked: number;
  /** Distinct sent messages stored exactly once. */
  storedOnce: number;
  lost: number;
  duplicated: number;
  /** Every stored user message is directly followed by the reply to it, and Slack shows replies in that order. */
  consistentOrder: boolean;
  apologies: number;
  /** Replies shown that were never committed. */
  ghosts: number;
  /** Replies shown more than once. */
  shownTwice: number;
  /** Model calls for the sends (the thread's opening turn excluded). */
  modelCalls: number;
  notes: string[];
}

const APOLOGY = 'Sorry, something went wrong';

export async function runConcurrency(world: World, options: ConcurrencyOptions): Promise<ConcurrencyOutcome> {
  const table = `chaos-conc-${Date.now()}`;
  const ledger = join(world.dir, 'ledger-concurrency.jsonl');
  const ports = await Promise.all(Array.from({ length: options.processes }, () => freePort()));
  const apps: AppProcess[] = [];
  // The first creates the table; the others start once it exists.
  const startOne = (port: number) =>
    startAppProcess(world, {
      table,
      ledger,
      port,
      ...(options.dynamoEndpoint ? { dynamoEndpoint: options.dynamoEndpoint } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
  apps.push(await startOne(ports[0]!));
  apps.push(...(await Promise.all(ports.slice(1).map(startOne))));
  const channel = 'CCONC';
  const rootTs = slackTs();
  const thread = () => world.slack.messages.filter((m) => m.channel === channel && m.threadTs === rootTs);
  const isReply = (m: FakeMessage) => m.blocks[0]?.type !== 'context' && !m.text.includes(APOLOGY);
  try {
    const opener = slackDelivery(world, apps[0]!.url);
    await opener.event('EvOpen', mention(channel, 'hello, I have some notes', rootTs));
    const deadline = Date.now() + (options.deadlineMs ?? 60_000);
    while (!thread().some((m) => m.text.includes('Noted: hello')) && Date.now() < deadline) await sleep(25);
    const callsBefore = world.model.requests.length;
    const texts: string[] = [];
    const sends: Promise<{ acked: boolean }>[] = [];
    for (const [p, app] of apps.entries()) {
      const delivery = slackDelivery(world, app.url);
      for (let i = 0; i < options.sends; i++) {
        const text = `note p${p}m${i}`;
        texts.push(text);
        sends.push(delivery.event(`EvC${p}x${i}`, threadMessage(channel, text, slackTs(), rootTs)));
      }
    }
    const acked = (await Promise.all(sends)).filter((d) => d.acked).length;
    const replyCount = () => thread().filter((m) => isReply(m) && m.text.includes('Noted: note')).length;
    while (replyCount() < texts.length && Date.now() < deadline) await sleep(50);
    // Let anything still running (a retry, a late duplicate) show up before judging.
    await sleep(1500);
    return await judge(world, {
      table,
      key: `slack:${TEAM}:${channel}:${rootTs}`,
      texts,
      acked,
      thread,
      isReply,
      callsBefore,
    });
  } finally {
    await Promise.all(apps.map((a) => a.child.kill('SIGKILL')));
  }
}

interface JudgeInput {
  table: string;
  key: string;
  texts: string[];
  acked: number;
  thread: () => FakeMessage[];
  isReply: (m: FakeMessage) => boolean;
  callsBefore: number;
}

async function judge(world: World, input: JudgeInput): Promise<ConcurrencyOutcome> {
  const notes: string[] = [];
  const stored = storedWorkflow(world, input.table);
  try {
    const conversation = (await stored.workflow.forConversation(input.key).getConversation()).filter((m) =>
      m.text.includes('note p'),
    );
    const counts = new Map(input.texts.map((t) => [t, 0]));
    for (const m of conversation) {
      if (m.role !== 'user') continue;
      const t = input.texts.find((x) => m.text.trim() === x);
      if (t) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    const storedOnce = [...counts.values()].filter((n) => n === 1).length;
    const lost = [...counts.values()].filter((n) => n === 0).length;
    const duplicated = [...counts.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    let pairs = conversation.length === input.texts.length * 2;
    for (let i = 0; pairs && i < conversation.length; i += 2) {
      const [u, r] = [conversation[i]!, conversation[i + 1]];
      pairs = u.role === 'user' && r?.role === 'assistant' && r.text === `Noted: ${u.text.trim()}`;
    }
    const storedReplies = conversation.filter((m) => m.role === 'assistant').map((m) => m.text);
    const shown = input.thread().filter((m) => input.isReply(m) && m.text.includes('Noted: note'));
    const shownTexts = shown.map((m) => m.text.trim());
    const ghosts = shownTexts.filter((t) => !storedReplies.includes(t)).length;
    const shownTwice = shownTexts.length - new Set(shownTexts).size;
    const inOrder = JSON.stringify([...new Set(shownTexts)]) === JSON.stringify(storedReplies);
    const apologies = input.thread().filter((m) => m.text.includes(APOLOGY)).length;
    if (!pairs) notes.push(`stored: ${JSON.stringify(conversation.map((m) => `${m.role}:${m.text}`))}`);
    if (!inOrder) notes.push(`shown: ${JSON.stringify(shownTexts)}`);
    return {
      sent: input.texts.length,
      acked: input.acked,
      storedOnce,
      lost,
      duplicated,
      consistentOrder: pairs && inOrder,
      apologies,
      ghosts,
      shownTwice,
      modelCalls: world.model.requests.length - input.callsBefore,
      notes,
    };
  } finally {
    stored.close();
  }
}

export function concurrencyFigures(scenario: string, o: ConcurrencyOutcome): FigureRow {
  return {
    scenario,
    trials: o.sent,
    interrupted: 0,
    lost: o.lost,
    duplicated: o.duplicated,
    duplicatedReplies: o.shownTwice,
    doubleRuns: 0,
    lostResults: 0,
    dishonest: 0,
    waiting: 0,
    resumeMs: [],
    ghosts: o.ghosts,
    apologies: o.apologies,
    modelCalls: o.modelCalls,
    expectedModelCalls: o.sent,
  };
}
