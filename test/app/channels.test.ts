import { describe, expect, it } from 'vitest';
import { createChannels, TEAMS_OFF } from '../../src/app/channels.js';
import { parseConfig } from '../../src/app/config.js';
import { ConversationDriver } from '../../src/channels/conversation-driver.js';
import { silentLogger } from '../../src/channels/logger.js';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import { InMemoryKeyValueStore } from '../../src/store/key-value.js';
import { supportAgents } from '../handoff/fixtures.js';
import { useScriptedServer } from '../helpers.js';

const s = useScriptedServer();

async function channelsFor(env: Record<string, string>, publicEndpoint = false) {
  const { triage } = supportAgents(s.model());
  const driver = new ConversationDriver({ workflow: new HandoffBuilder({ participants: [triage] }).build() });
  const config = parseConfig({ LOG_LEVEL: 'silent', BATON_PLAYGROUND: 'off', ...env });
  return createChannels({
    config,
    driver,
    logger: silentLogger,
    records: new InMemoryKeyValueStore(),
    playground: { about: { model: 'm', store: 's' } },
    publicEndpoint,
  });
}

describe('which channels run', () => {
  it('serves an unauthenticated Teams endpoint only when BATON_TEAMS_AUTH=off says so, on a loopback host', async () => {
    // No app id and no opt-in: Teams is off, and the banner line says how to turn it on either way.
    const plain = await channelsFor({ HOST: '127.0.0.1' });
    expect(plain.channels).toEqual([]);
    expect(plain.off).toContain(TEAMS_OFF);
    expect(TEAMS_OFF).toContain('BATON_TEAMS_AUTH=off');
    const optIn = { HOST: '127.0.0.1', BATON_TEAMS_AUTH: 'off' };
    expect((await channelsFor(optIn)).channels.map((c) => c.name)).toEqual(['teams']);
    // Not on a public interface: the configuration itself is refused.
    expect(() =>
      parseConfig({ HOST: '0.0.0.0', BATON_ALLOWED_HOSTS: 'bot.example.com', BATON_TEAMS_AUTH: 'off' }),
    ).toThrow(/BATON_TEAMS_AUTH="off" \(no Teams authentication\) is allowed only when HOST is a loopback/);
    // A Lambda Function URL is public whatever HOST says.
    expect((await channelsFor(optIn, true)).channels).toEqual([]);
  });

  it('serves Teams anywhere once an app id turns authentication on', async () => {
    const env = {
      HOST: '0.0.0.0',
      BATON_ALLOWED_HOSTS: 'bot.example.com',
      MicrosoftAppId: 'app-id',
      MicrosoftAppPassword: 'pw',
      MicrosoftAppTenantId: 'tenant',
    };
    expect((await channelsFor(env)).channels.map((c) => c.name)).toEqual(['teams']);
    expect((await channelsFor(env, true)).channels.map((c) => c.name)).toEqual(['teams']);
  });
});
