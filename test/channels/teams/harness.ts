/** A Baton Teams bot on loopback (real CloudAdapter over HTTP) wired to the fake Bot Connector. */
import { createCustomerSupportWorkflow } from '../../../examples/customer-support.js';
import type { ChatModel } from '../../../src/agents/model.js';
import { type ApproverRule, ConversationDriver } from '../../../src/channels/conversation-driver.js';
import {
  createTeamsChannel,
  type TeamsChannel,
  type TeamsChannelOptions,
} from '../../../src/channels/teams/index.js';
import { InMemoryIdempotencyStore } from '../../../src/store/idempotency.js';
import { InMemoryCheckpointStorage } from '../../../src/store/memory.js';
import { serveRoutes } from '../../http-routes.js';
import { type FakeConnector, startFakeConnector } from './fake-connector.js';

export const TENANT = 'tenant-contoso';
export const BOT = { id: '28:baton-bot', name: 'Baton' };
export const ALEX = { id: '29:alex', name: 'Alex Wilber', aadObjectId: 'aad-alex' };
export const MEGAN = { id: '29:megan', name: 'Megan Bowen', aadObjectId: 'aad-megan' };

export interface Harness {
  url: string;
  connector: FakeConnector;
  channel: TeamsChannel;
  driver: ConversationDriver;
  post(
    activity: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startHarness(
  model: ChatModel,
  options: Partial<Omit<TeamsChannelOptions, 'driver'>> & { approvers?: Record<string, ApproverRule> } = {},
): Promise<Harness> {
  const connector = await startFakeConnector();
  const workflow = createCustomerSupportWorkflow({ model, storage: new InMemoryCheckpointStorage() });
  const { approvers, ...channelOptions } = options;
  const driver = new ConversationDriver({
    workflow,
    idempotency: new InMemoryIdempotencyStore(),
    ...(approvers ? { approvers } : {}),
  });
  const channel = createTeamsChannel({ driver, ...channelOptions });
  const server = await serveRoutes(() => channel.routes);
  const url = `${server.url}/api/messages`;
  return {
    url,
    connector,
    channel,
    driver,
    async post(activity, headers = {}) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ serviceUrl: connector.url, ...activity }),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {}
      return { status: res.status, body };
    },
    async close() {
      await channel.whenIdle();
      await driver.drain();
      await server.close();
      await connector.close();
    },
  };
}

let seq = 0;

export type Scope = 'personal' | 'groupChat' | 'channel';

/** A message activity as Teams posts it; in group chats and channels the bot is @mentioned. */
export function message(
  text: string,
  options: {
    conversationId: string;
    scope?: Scope;
    from?: typeof ALEX;
    tenantId?: string;
    attachments?: unknown[];
  },
): Record<string, unknown> {
  const scope = options.scope ?? 'personal';
  const mention = scope === 'personal' ? '' : `<at>${BOT.name}</at> `;
  return {
    type: 'message',
    id: `in-${++seq}`,
    channelId: 'msteams',
    timestamp: new Date().toISOString(),
    from: options.from ?? ALEX,
    recipient: BOT,
    conversation: conversation(options.conversationId, scope, options.tenantId),
    channelData: { tenant: { id: options.tenantId ?? TENANT } },
    text: `${mention}${text}`,
    textFormat: 'plain',
    ...(options.attachments ? { attachments: options.attachments } : {}),
    ...(mention ? { entities: [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }] } : {}),
  };
}

/** A click on an approval card's Action.Execute button: the `adaptiveCard/action` invoke. */
export function cardClick(options: {
  conversationId: string;
  scope?: Scope;
  cardActivityId: string;
  data: unknown;
  verb?: string;
  from?: typeof ALEX;
}): Record<string, unknown> {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `invoke-${++seq}`,
    channelId: 'msteams',
    from: options.from ?? ALEX,
    recipient: BOT,
    conversation: conversation(options.conversationId, options.scope ?? 'personal'),
    channelData: { tenant: { id: TENANT } },
    replyToId: options.cardActivityId,
    value: { action: { type: 'Action.Execute', verb: options.verb ?? 'baton.approve', data: options.data } },
  };
}

function conversation(id: string, scope: Scope, tenantId = TENANT) {
  return { id, conversationType: scope, tenantId, ...(scope === 'personal' ? {} : { isGroup: true }) };
}
