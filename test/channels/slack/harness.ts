/**
 * Test rig for the Slack channel: the real Bolt app behind the channel's routes on a loopback `node:http`
 * server, Slack's Web API faked on loopback, a scripted OpenAI-compatible model, and correctly signed requests.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { z } from 'zod';
import { ChatAgent } from '../../../src/agents/agent.js';
import { tool } from '../../../src/agents/tool.js';
import type { HttpRoute } from '../../../src/channels/channel.js';
import { type ApproverRule, ConversationDriver } from '../../../src/channels/conversation-driver.js';
import {
  createSlackChannel,
  type SlackChannel,
  type SlackChannelOptions,
} from '../../../src/channels/slack/index.js';
import { HandoffBuilder } from '../../../src/handoff/builder.js';
import { InMemoryIdempotencyStore } from '../../../src/store/idempotency.js';
import { InMemoryCheckpointStorage } from '../../../src/store/memory.js';
import { type ScriptedFixture, useScriptedServer } from '../../helpers.js';
import { type RoutesServer, serveRoutes } from '../../http-routes.js';
import { type FakeMessage, FakeSlackApi, type FakeSlackOptions } from './fake-slack-api.js';

export const TEAM = 'T1';
export const BOT_USER = 'UBOT';
export const STARTER = 'U_STARTER';
export const CHANNEL = 'C_SUPPORT';
export const REFUND_ICON = 'https://example.com/refund-agent.png';

export interface SetupOptions extends Partial<Omit<SlackChannelOptions, 'driver'>> {
  fake?: FakeSlackOptions;
  approvers?: Record<string, ApproverRule>;
  /** Share storage (a "restart": a new channel and driver over the same store). */
  storage?: InMemoryCheckpointStorage;
  idempotency?: InMemoryIdempotencyStore;
}

export interface Rig {
  channel: SlackChannel;
  driver: ConversationDriver;
  storage: InMemoryCheckpointStorage;
  idempotency: InMemoryIdempotencyStore;
  counters: { refunds: number; lookups: number };
}

export function supportWorkflow(fixture: ScriptedFixture, storage: InMemoryCheckpointStorage) {
  const counters = { refunds: 0, lookups: 0 };
  const model = fixture.model();
  const processRefund = tool({
    name: 'process_refund',
    description: 'Process a refund for a given order number.',
    parameters: z.object({ order_number: z.string() }),
    approvalMode: 'always_require',
    execute: ({ order_number }) => {
      counters.refunds++;
      return `Refund processed successfully for order ${order_number}.`;
    },
  });
  const checkOrderStatus = tool({
    name: 'check_order_status',
    description: 'Check the status of a given order number.',
    parameters: z.object({ order_number: z.string() }),
    execute: ({ order_number }) => {
      counters.lookups++;
      return `Order ${order_number} will ship in 2 business days.`;
    },
  });
  const triage = new ChatAgent({
    name: 'triage_agent',
    instructions: 'You are frontline support triage.',
    model,
    persona: { iconEmoji: ':wave:' },
  });
  const order = new ChatAgent({
    name: 'order_agent',
    instructions: 'You handle order and shipping inquiries.',
    model,
    tools: [checkOrderStatus],
    persona: { iconEmoji: ':package:' },
  });
  const refund = new ChatAgent({
    name: 'refund_agent',
    instructions: 'You process refund requests.',
    model,
    tools: [processRefund],
    persona: { iconUrl: REFUND_ICON },
  });
  const workflow = new HandoffBuilder({ name: 'support', participants: [triage, order, refund] })
    .withStartAgent(triage)
    .withTerminationCondition((c) => c.at(-1)?.text.toLowerCase().includes('welcome') ?? false)
    .withCheckpointing(storage)
    .build();
  return { workflow, counters };
}

export interface SlackHarness {
  readonly fixture: ScriptedFixture;
  readonly fake: FakeSlackApi;
  readonly signingSecret: string;
  readonly url: string;
  setup(options?: SetupOptions): Rig;
  /** POSTs an Events API envelope, signed unless `sign` says otherwise. */
  postEvent(event: Record<string, unknown>, opts?: PostOptions): Promise<Response>;
  postAction(payload: Record<string, unknown>, opts?: PostOptions): Promise<Response>;
  post(body: string, contentType: string, opts?: PostOptions): Promise<Response>;
  /** Waits until the channel has finished everything it accepted. */
  settle(): Promise<void>;
}

export interface PostOptions {
  eventId?: string;
  retryNum?: number;
  /** `false`: no signature headers; a number: sign with a timestamp this many seconds old; `forged`. */
  sign?: false | 'forged' | { ageSeconds: number };
}

/** Registers the servers for the file (closed in afterAll) and resets the fakes after each test. */
export function useSlackHarness(): SlackHarness {
  const fixture = useScriptedServer();
  const signingSecret = randomBytes(16).toString('hex');
  let server: RoutesServer;
  let routes: readonly HttpRoute[] = [];
  let current: Rig | undefined;
  let eventSeq = 0;
  const h = {
    fixture,
    signingSecret,
    url: '',
  } as { -readonly [K in keyof SlackHarness]: SlackHarness[K] };

  beforeAll(async () => {
    h.fake = await FakeSlackApi.start();
    server = await serveRoutes(() => routes);
    h.url = server.url;
  });
  afterEach(async () => {
    await current?.channel.idle();
    h.fake.reset();
  });
  afterAll(async () => {
    await current?.channel.stop?.();
    await server.close();
    await h.fake.close();
  });

  h.setup = (options: SetupOptions = {}) => {
    const { fake, approvers, storage: sharedStorage, idempotency: sharedIdem, ...channelOptions } = options;
    h.fake.reset(fake);
    const storage = sharedStorage ?? new InMemoryCheckpointStorage();
    const idempotency = sharedIdem ?? new InMemoryIdempotencyStore();
    const { workflow, counters } = supportWorkflow(fixture, storage);
    const driver = new ConversationDriver({ workflow, idempotency, ...(approvers ? { approvers } : {}) });
    const channel = createSlackChannel({
      driver,
      signingSecret,
      botToken: 'xoxb-test-token',
      botUserId: BOT_USER,
      botId: 'BBOT',
      slackApiUrl: h.fake.apiUrl,
      updateIntervalMs: 100,
      retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50 },
      ...channelOptions,
    });
    routes = channel.routes;
    current = { channel, driver, storage, idempotency, counters };
    return current;
  };

  h.post = async (body, contentType, opts = {}) => {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (opts.sign !== false) {
      const age = typeof opts.sign === 'object' ? opts.sign.ageSeconds : 0;
      const ts = String(Math.floor(Date.now() / 1000) - age);
      const mac = createHmac('sha256', opts.sign === 'forged' ? `${signingSecret}x` : signingSecret);
      headers['x-slack-request-timestamp'] = ts;
      headers['x-slack-signature'] = `v0=${mac.update(`v0:${ts}:${body}`).digest('hex')}`;
    }
    if (opts.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(opts.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    return fetch(`${h.url}/slack/events`, { method: 'POST', headers, body });
  };

  h.postEvent = (event, opts = {}) => {
    const envelope = {
      token: 'legacy-verification-token',
      team_id: TEAM,
      api_app_id: 'A_BATON',
      type: 'event_callback',
      event_id: opts.eventId ?? `Ev${++eventSeq}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: TEAM, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
      event,
    };
    return h.post(JSON.stringify(envelope), 'application/json', opts);
  };

  h.postAction = (payload, opts = {}) =>
    h.post(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
      opts,
    );

  h.settle = async () => {
    await current?.channel.idle();
  };
  return h;
}

let tsSeq = 0;
/** A fresh Slack ts for a user message. */
export function userTs(): string {
  tsSeq++;
  return `1800000${String(tsSeq).padStart(3, '0')}.${String(tsSeq).padStart(6, '0')}`;
}

export function mentionEvent(
  text: string,
  o: { ts?: string; threadTs?: string; user?: string; channel?: string } = {},
) {
  return {
    type: 'app_mention',
    user: o.user ?? STARTER,
    text: `<@${BOT_USER}> ${text}`,
    ts: o.ts ?? userTs(),
    ...(o.threadTs ? { thread_ts: o.threadTs } : {}),
    channel: o.channel ?? CHANNEL,
    event_ts: o.ts,
  };
}

export function messageEvent(
  text: string,
  o: {
    ts?: string;
    threadTs?: string;
    user?: string;
    channel?: string;
    channelType?: string;
    extra?: object;
  } = {},
) {
  return {
    type: 'message',
    user: o.user ?? STARTER,
    text,
    ts: o.ts ?? userTs(),
    ...(o.threadTs ? { thread_ts: o.threadTs } : {}),
    channel: o.channel ?? CHANNEL,
    channel_type: o.channelType ?? 'channel',
    ...o.extra,
  };
}

let actionSeq = 0;
/** A click on a card button, as Slack sends it (the card as the message, with its thread). */
export function clickPayload(
  card: FakeMessage,
  o: { user?: string; approve?: boolean; actionTs?: string; value?: string; threadTs?: string } = {},
) {
  const actions = card.blocks.find((b) => b.type === 'actions') as {
    elements?: Array<Record<string, unknown>>;
  };
  const button = actions?.elements?.[o.approve === false ? 1 : 0] ?? {};
  const threadTs = o.threadTs ?? card.threadTs;
  return {
    type: 'block_actions',
    user: { id: o.user ?? STARTER, username: 'someone', team_id: TEAM },
    api_app_id: 'A_BATON',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: card.ts,
      channel_id: card.channel,
      is_ephemeral: false,
      thread_ts: threadTs,
    },
    trigger_id: 'trigger-1',
    team: { id: TEAM, domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: card.channel, name: 'support' },
    message: {
      type: 'message',
      user: BOT_USER,
      bot_id: 'BBOT',
      ts: card.ts,
      thread_ts: threadTs,
      text: card.text,
      blocks: card.blocks,
    },
    // Never contacted: the channel edits cards with chat.update.
    response_url: 'http://127.0.0.1:9/never-used',
    actions: [
      {
        type: 'button',
        action_id: button.action_id,
        block_id: (actions as { block_id?: string })?.block_id,
        text: button.text,
        value: o.value ?? button.value,
        action_ts: o.actionTs ?? `1900000000.${String(++actionSeq).padStart(6, '0')}`,
      },
    ],
  };
}

/** Text a person sees in a message: its text, or its blocks' text when it has blocks. */
export function visibleText(m: FakeMessage): string {
  if (m.blocks.length === 0) return m.text;
  return JSON.stringify(m.blocks);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
