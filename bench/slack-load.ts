/**
 * Slack ingress under load: N conversations each post one signed `app_mention` at once to the running app
 * (`startApp`, Slack over the loopback Web API fake, a scripted model taking 2 s per call), beside a bare Bolt app
 * that only acks. Loopback only; every wait is bounded.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '@slack/bolt';
import { type RunningApp, startApp } from '../src/app/app.js';
import { parseConfig } from '../src/app/config.js';
import { startScriptedOpenAIServer } from '../src/testing/index.js';
import { FakeSlackApi } from '../test/channels/slack/fake-slack-api.js';
import type { BenchTable } from './table.js';
import { median, percentile, round } from './text.js';

const BOT_USER = 'UBOT';
const TEAM = 'T_BENCH';
const CHANNEL = 'C_BENCH';
const BOT_TOKEN = 'xoxb-test-token';

export interface SlackLoadOptions {
  conversations: number;
  modelDelayMs: number;
  /** Give up waiting for the replies after this long. */
  replyTimeoutMs: number;
}

export interface SlackLoadResult {
  conversations: number;
  baton: {
    ackMs: number[];
    tokenToSlackMs: number[];
    replied: number;
    modelCalls: number;
    slackCalls: Record<string, number>;
  };
  bolt: { ackMs: number[] };
}

const marker = (i: number): string => `[c${String(i).padStart(4, '0')}]`;

/** Signs like Slack: HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret. */
function signedPost(url: string, secret: string, body: string): Promise<Response> {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signature,
    },
    body,
  });
}

function mentionBody(i: number, run: string): string {
  const ts = `1800${String(i).padStart(6, '0')}.${String(i).padStart(6, '0')}`;
  return JSON.stringify({
    token: 'legacy',
    team_id: TEAM,
    api_app_id: 'A_BATON',
    type: 'event_callback',
    event_id: `Ev${run}${i}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
    event: {
      type: 'app_mention',
      user: 'U_USER',
      text: `<@${BOT_USER}> Where is my order? ${marker(i)}`,
      ts,
      event_ts: ts,
      channel: CHANNEL,
    },
  });
}

/** Posts all events at once and returns each one's time to the HTTP response (the ack). */
async function burst(url: string, secret: string, count: number, run: string): Promise<number[]> {
  const bodies = Array.from({ length: count }, (_, i) => mentionBody(i, run));
  return Promise.all(
    bodies.map(async (body) => {
      const started = performance.now();
      const res = await signedPost(url, secret, body);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`ack status ${res.status}`);
      return performance.now() - started;
    }),
  );
}

async function batonRun(options: SlackLoadOptions, fake: FakeSlackApi): Promise<SlackLoadResult['baton']> {
  const secret = randomBytes(16).toString('hex');
  /** When each conversation's model call arrived (wall clock ms), by marker. */
  const modelStarted = new Map<string, number>();
  const model = await startScriptedOpenAIServer({
    responder: (request) => {
      const tag = /\[c\d{4}\]/.exec(request.lastUserText ?? '')?.[0] ?? '?';
      modelStarted.set(tag, Date.now());
      // The reply is one content piece. The server streams 3 chunks (role, content, finish), sleeping delayMs/3
      // before each: the first token leaves at 2/3 of delayMs and the call ends at delayMs.
      return { text: `Your order ${tag} ships tomorrow.`, delayMs: options.modelDelayMs, chunkSize: 10_000 };
    },
  });
  let app: RunningApp | undefined;
  // A fresh data dir per run: the app keeps event and thread records there, and a reused one would treat the
  // next run's events (same channel and ts) as repeats of the last run's.
  const dataDir = await mkdtemp(join(tmpdir(), 'baton-bench-slack-'));
  try {
    const config = parseConfig({
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      BATON_PLAYGROUND: 'off',
      BATON_DATA_DIR: dataDir,
      OPENAI_API_KEY: 'sk-bench',
      OPENAI_BASE_URL: model.baseURL,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: fake.apiUrl,
    });
    app = await startApp({ ...config, PORT: 0 }, { printBanner: false });
    const ackMs = await burst(`${app.url}/slack/events`, secret, options.conversations, 'baton');

    // Wait (bounded) until every conversation's reply text has reached the Slack API.
    const deadline = Date.now() + options.replyTimeoutMs;
    const shown = new Map<string, number>();
    while (shown.size < options.conversations && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      for (const call of fake.calls) {
        const tag = /\[c\d{4}\] ships/.exec(JSON.stringify(call.args))?.[0]?.slice(0, 7);
        if (tag && !shown.has(tag)) shown.set(tag, call.at);
      }
    }
    const tokenToSlackMs = [...shown].flatMap(([tag, at]) => {
      const started = modelStarted.get(tag);
      return started === undefined ? [] : [at - (started + (options.modelDelayMs * 2) / 3)];
    });
    const slackCalls: Record<string, number> = {};
    for (const call of fake.calls)
      slackCalls[`${call.method} ${call.status}`] = (slackCalls[`${call.method} ${call.status}`] ?? 0) + 1;
    return { ackMs, tokenToSlackMs, replied: shown.size, modelCalls: modelStarted.size, slackCalls };
  } finally {
    await app?.close();
    await model.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A Bolt app that acks app_mention and does nothing else: the floor for ack latency. */
async function boltRun(options: SlackLoadOptions): Promise<SlackLoadResult['bolt']> {
  const secret = randomBytes(16).toString('hex');
  const bolt = new App({
    signingSecret: secret,
    // No Web API calls: the bare app never needs to look its token up.
    authorize: async () => ({ botToken: BOT_TOKEN, botUserId: BOT_USER, botId: 'B_BENCH' }),
  });
  bolt.event('app_mention', async () => {});
  const server = await bolt.start({ port: 0, host: '127.0.0.1' });
  try {
    const { port } = server.address() as AddressInfo;
    return {
      ackMs: await burst(`http://127.0.0.1:${port}/slack/events`, secret, options.conversations, 'bolt'),
    };
  } finally {
    await bolt.stop();
  }
}

export async function measureSlackLoad(options: SlackLoadOptions): Promise<SlackLoadResult> {
  const fake = await FakeSlackApi.start();
  try {
    const baton = await batonRun(options, fake);
    const bolt = await boltRun(options);
    return { conversations: options.conversations, baton, bolt };
  } finally {
    await fake.close();
  }
}

export async function benchSlackLoad(): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  for (const conversations of [50, 200]) {
    const r = await measureSlackLoad({ conversations, modelDelayMs: 2_000, replyTimeoutMs: 60_000 });
    rows.push([
      conversations,
      round(median(r.bolt.ackMs)),
      round(percentile(r.bolt.ackMs, 0.99)),
      round(median(r.baton.ackMs)),
      round(percentile(r.baton.ackMs, 0.99)),
      `${r.baton.modelCalls}/${conversations}`,
      `${r.baton.replied}/${conversations}`,
      r.baton.tokenToSlackMs.length ? round(median(r.baton.tokenToSlackMs)) : '-',
      r.baton.tokenToSlackMs.length ? round(percentile(r.baton.tokenToSlackMs, 0.99)) : '-',
    ]);
  }
  return {
    title: 'Slack ingress under load: N conversations post one signed app_mention at once (loopback)',
    columns: [
      'conversations',
      'bare Bolt ack p50 ms',
      'bare Bolt ack p99 ms',
      'Baton ack p50 ms',
      'Baton ack p99 ms',
      'Baton model calls',
      'Baton replies shown',
      'first token → Slack p50 ms',
      'first token → Slack p99 ms',
    ],
    rows,
    notes: [
      'Ack = time from sending the signed POST /slack/events to its HTTP response, all N sent concurrently from the ' +
        'same process (one client per event; Node fetch pools connections).',
      'Baton: startApp with Slack configured (bot token + signing secret), Web API = the loopback FakeSlackApi from the ' +
        'tests, checkpoints in embedded DynamoDB (dynalite), the default bot; the model is the scripted ' +
        'OpenAI-compatible server taking 2 s per call (delayMs), the reply in one content chunk.',
      'Bare Bolt: @slack/bolt App (HTTPReceiver) with a no-op app_mention listener, same signing, same burst.',
      "First token → Slack: the Fake API's receive time of the first Web API call whose arguments carry the reply " +
        'text, minus when the model server wrote that token (request arrival + 2/3 × 2 s: it streams role, content and ' +
        'finish chunks, sleeping 2 s / 3 before each). Event-loop lag that delays the write is charged to Baton, so ' +
        'this is an upper bound. Bolt, Baton, the model server and the fake share one process and 2 cores.',
    ],
  };
}
