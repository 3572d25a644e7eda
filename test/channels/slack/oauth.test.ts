import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InMemoryInstallationStore } from '../../../src/channels/slack/index.js';
import { mentionEvent, userTs, useSlackHarness } from './harness.js';

const h = useSlackHarness();

function oauthRig() {
  const installationStore = new InMemoryInstallationStore();
  const rig = h.setup({
    botToken: undefined,
    clientId: '1111.2222',
    clientSecret: randomBytes(16).toString('hex'),
    stateSecret: randomBytes(16).toString('hex'),
    installationStore,
    fake: {
      oauthAccess: {
        ok: true,
        app_id: 'A_BATON',
        authed_user: { id: 'U_ADMIN' },
        scope: 'chat:write,app_mentions:read',
        token_type: 'bot',
        access_token: 'xoxb-workspace-two',
        bot_user_id: 'UBOT2',
        team: { id: 'T2', name: 'Workspace Two' },
        enterprise: null,
        is_enterprise_install: false,
      },
    },
  });
  return { rig, installationStore };
}

async function install() {
  const page = await fetch(`${h.url}/slack/install`);
  expect(page.status).toBe(200);
  const html = await page.text();
  const link = /<a href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  // The install link is on the configured Slack host (here the loopback fake), not always slack.com.
  expect(link).toContain(`${h.fake.url}/oauth/v2/authorize?`);
  const url = new URL(link!);
  expect(url.searchParams.get('client_id')).toBe('1111.2222');
  expect(url.searchParams.get('scope')).toContain('chat:write.customize');
  const state = url.searchParams.get('state')!;
  const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
  return fetch(`${h.url}/slack/oauth_redirect?code=one-time-code&state=${encodeURIComponent(state)}`, {
    headers: { cookie },
  });
}

/** An event from another workspace: its envelope and authorizations name that team. */
function eventFrom(team: string, ts: string) {
  const body = {
    token: 't',
    team_id: team,
    api_app_id: 'A_BATON',
    type: 'event_callback',
    event_id: `Ev-${team}-${ts}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: team, user_id: 'UBOT2', is_bot: true, is_enterprise_install: false }],
    event: { ...mentionEvent('hello from two', { ts }), text: '<@UBOT2> hello from two' },
  };
  return h.post(JSON.stringify(body), 'application/json');
}

describe('Slack channel: OAuth install for many workspaces', () => {
  it('installs a workspace and answers its events with that workspace’s token', async () => {
    const { installationStore } = oauthRig();
    const done = await install();
    expect(done.status).toBe(200);
    expect(h.fake.callsTo('oauth.v2.access')).toHaveLength(1);
    expect(
      await installationStore.fetchInstallation({
        teamId: 'T2',
        isEnterpriseInstall: false,
        enterpriseId: undefined,
      }),
    ).toMatchObject({ team: { id: 'T2' } });

    h.fixture.server.enqueue({ text: 'Hello, workspace two.' });
    const ts = userTs();
    expect((await eventFrom('T2', ts)).status).toBe(200);
    await h.settle();
    // The mention of this workspace's bot user was stripped too.
    expect(h.fixture.server.requests[0]?.lastUserText).toBe('hello from two');
    const streamed = h.fake.callsTo('chat.startStream');
    expect(streamed).toHaveLength(1);
    expect(streamed[0]!.token).toBe('xoxb-workspace-two');
  });

  it('ignores events from a workspace that never installed the app', async () => {
    oauthRig();
    h.fixture.server.enqueue({ text: 'never' });
    await eventFrom('T_UNKNOWN', userTs());
    await h.settle();
    expect(h.fixture.server.requests).toHaveLength(0);
    expect(h.fake.callsTo('chat.startStream')).toHaveLength(0);
  });

  it('forgets a workspace when the app is uninstalled', async () => {
    const { installationStore } = oauthRig();
    await install();
    await expect(
      installationStore.fetchInstallation({
        teamId: 'T2',
        isEnterpriseInstall: false,
        enterpriseId: undefined,
      }),
    ).resolves.toBeDefined();
    const body = {
      token: 't',
      team_id: 'T2',
      api_app_id: 'A_BATON',
      type: 'event_callback',
      event_id: 'Ev-uninstall',
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_uninstalled', event_ts: '1.1' },
    };
    expect((await h.post(JSON.stringify(body), 'application/json')).status).toBe(200);
    await h.settle();
    await expect(
      installationStore.fetchInstallation({
        teamId: 'T2',
        isEnterpriseInstall: false,
        enterpriseId: undefined,
      }),
    ).rejects.toThrow(/No Slack installation for team T2/);
  });
});
