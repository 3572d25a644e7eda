/** With an app id configured, only Bot Framework-signed requests are processed; tenant allow-lists hold. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/channels/logger.js';
import {
  createBotbuilderTransport,
  TeamsConfigError,
} from '../../../src/channels/teams/botbuilder-transport.js';
import { useScriptedServer } from '../../helpers.js';
import { cardClick, type Harness, message, startHarness } from './harness.js';

const s = useScriptedServer();
let secured: Harness;
let restricted: Harness;
let ownTenant: Harness;

beforeAll(async () => {
  // botbuilder's CloudAdapter prints every rejected request's stack with console.error.
  vi.spyOn(console, 'error').mockImplementation(() => {});
  // A user-assigned managed identity needs no secret: nothing sensitive in the test.
  secured = await startHarness(s.model(), {
    appId: '00000000-0000-4000-8000-00000000b0b0',
    tenantId: '00000000-0000-4000-8000-0000000000aa',
    appType: 'UserAssignedMSI',
  });
  restricted = await startHarness(s.model(), { allowedTenants: ['tenant-contoso'] });
  // No allow-list given: the bot's own tenant (MicrosoftAppTenantId) is the default.
  ownTenant = await startHarness(s.model(), { tenantId: 'tenant-contoso' });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await secured?.close();
  await restricted?.close();
  await ownTenant?.close();
});

describe('Teams channel security', () => {
  it('rejects requests without a valid Bot Framework token (401) and processes nothing', async () => {
    s.server.enqueue({ text: 'should never be sent' });
    const activity = message('Refund order 1234', { conversationId: 'a:auth' });
    const anonymous = await secured.post(activity);
    expect(anonymous.status).toBe(401);
    const forged = await secured.post(
      { ...activity, id: 'in-forged' },
      { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.' },
    );
    expect(forged.status).toBe(401);
    await secured.channel.whenIdle();
    expect(secured.connector.calls).toEqual([]);
    expect(s.server.requests).toEqual([]);
    expect(secured.channel.describe()).toContain('authentication on');
  });

  it('says authentication is off when no app id is configured', () => {
    expect(restricted.channel.describe()).toContain('authentication OFF');
  });

  it('ignores activities from a tenant that is not allowed', async () => {
    s.server.enqueue({ text: 'Hello from Contoso' });
    const foreign = await restricted.post(
      message('hi', { conversationId: 'a:foreign', tenantId: 'tenant-fabrikam' }),
    );
    expect(foreign.status).toBe(200);
    await restricted.channel.whenIdle();
    expect(restricted.connector.calls).toEqual([]);
    expect(s.server.requests).toEqual([]);

    await restricted.post(message('hi', { conversationId: 'a:allowed' }));
    await restricted.channel.whenIdle();
    expect(restricted.connector.sent('a:allowed').at(-1)?.body.text).toBe(
      '**Triage Agent**\n\nHello from Contoso',
    );
  });

  it('defaults to the bot tenant: another tenant can neither chat nor click an approval (403)', async () => {
    s.server.enqueue({ text: 'Hello from Contoso' });
    const foreign = await ownTenant.post(
      message('hi', { conversationId: 'a:sideloaded', tenantId: 'tenant-fabrikam' }),
    );
    expect(foreign.status).toBe(200);
    const click = cardClick({
      conversationId: 'a:sideloaded',
      cardActivityId: 'card-1',
      data: { kind: 'baton.approval', requestId: 'req_x', approved: true },
    });
    const forged = await ownTenant.post({
      ...click,
      conversation: { ...(click.conversation as object), tenantId: 'tenant-fabrikam' },
      channelData: { tenant: { id: 'tenant-fabrikam' } },
    });
    expect(forged.status).toBe(403);
    await ownTenant.channel.whenIdle();
    expect(ownTenant.connector.calls).toEqual([]);
    expect(s.server.requests).toEqual([]);
    expect(ownTenant.channel.describe()).toContain('tenants tenant-contoso');
    await ownTenant.post(message('hi', { conversationId: 'a:home' }));
    await ownTenant.channel.whenIdle();
    expect(ownTenant.connector.sent('a:home').at(-1)?.body.text).toBe(
      '**Triage Agent**\n\nHello from Contoso',
    );
  });

  it('fails at start-up with the missing variable named when credentials are incomplete', () => {
    const appId = '00000000-0000-4000-8000-00000000b0b0';
    expect(() => createBotbuilderTransport({ appId, logger: silentLogger })).toThrow(TeamsConfigError);
    expect(() => createBotbuilderTransport({ appId, logger: silentLogger })).toThrow(/MicrosoftAppTenantId/);
    expect(() => createBotbuilderTransport({ appId, tenantId: 't', logger: silentLogger })).toThrow(
      /MicrosoftAppPassword is required for MicrosoftAppType=SingleTenant/,
    );
    expect(() => createBotbuilderTransport({ appId, appType: 'MultiTenant', logger: silentLogger })).toThrow(
      /MicrosoftAppPassword/,
    );
  });
});
