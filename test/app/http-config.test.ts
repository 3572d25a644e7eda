/** The HTTP settings: which Host names are answered, proxies, Teams without authentication, the playground token. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/app/config.js';
import { allowedHostsOf, isLoopbackHost } from '../../src/app/http/hosts.js';

describe('HTTP settings', () => {
  it('answers the loopback names by default, the listed ones when set, and any host for "*"', () => {
    expect(allowedHostsOf(parseConfig({}))).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(allowedHostsOf(parseConfig({ BATON_ALLOWED_HOSTS: 'Bot.Example.com, localhost' }))).toEqual([
      'bot.example.com',
      'localhost',
    ]);
    expect(allowedHostsOf(parseConfig({ BATON_ALLOWED_HOSTS: '[::1]' }))).toEqual(['[::1]']);
    expect(allowedHostsOf(parseConfig({ BATON_ALLOWED_HOSTS: '*' }))).toBeUndefined();
    // A Lambda Function URL's name is not known in advance: any host unless the variable says otherwise.
    expect(allowedHostsOf(parseConfig({}), true)).toBeUndefined();
  });

  it('requires BATON_ALLOWED_HOSTS off loopback, naming the fix', () => {
    expect(() => parseConfig({ HOST: '0.0.0.0' })).toThrow(
      /BATON_ALLOWED_HOSTS is required when HOST=0\.0\.0\.0 \(not loopback\).*BATON_ALLOWED_HOSTS=bot\.example\.com/,
    );
    expect(parseConfig({ HOST: '0.0.0.0', BATON_ALLOWED_HOSTS: 'bot.example.com' }).HOST).toBe('0.0.0.0');
    expect(() => parseConfig({ BATON_ALLOWED_HOSTS: 'bot.example.com/evil' })).toThrow(
      /BATON_ALLOWED_HOSTS="bot\.example\.com\/evil" must be "\*" or comma-separated host names/,
    );
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
  });

  it('turns Teams authentication off only on request, without an app id, on loopback', () => {
    expect(parseConfig({}).BATON_TEAMS_AUTH).toBe('on');
    expect(parseConfig({ BATON_TEAMS_AUTH: 'off' }).BATON_TEAMS_AUTH).toBe('off');
    expect(() =>
      parseConfig({
        BATON_TEAMS_AUTH: 'off',
        MicrosoftAppId: 'app',
        MicrosoftAppPassword: 'pw',
        MicrosoftAppTenantId: 't',
      }),
    ).toThrow(/BATON_TEAMS_AUTH="off" turns Teams authentication off, but MicrosoftAppId is set/);
    expect(() => parseConfig({ BATON_TEAMS_AUTH: 'maybe' })).toThrow(
      /BATON_TEAMS_AUTH="maybe" must be "on" or "off"/,
    );
  });

  it('checks the playground token without ever echoing it', () => {
    const token = 'x'.repeat(32);
    expect(parseConfig({ BATON_PLAYGROUND_TOKEN: token }).BATON_PLAYGROUND_TOKEN).toBe(token);
    try {
      parseConfig({ BATON_PLAYGROUND_TOKEN: 'short secret' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toContain('BATON_PLAYGROUND_TOKEN=(hidden) must be 24 or more');
      expect(String(error)).not.toContain('short secret');
    }
    expect(parseConfig({ BATON_TRUST_PROXY: 'on' }).BATON_TRUST_PROXY).toBe('on');
  });
});
