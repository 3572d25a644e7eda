import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOT_SCOPES, EVENTS_PATH, OAUTH_REDIRECT_PATH } from '../../../src/channels/slack/index.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object on some toolchains.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const schemas = new URL('../../../../shared/schemas/', import.meta.url);
const manifestUrl = new URL('../../../manifests/slack/manifest.json', import.meta.url);
const readJson = (url: URL) => JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;

/** Slack's root schema picks a versioned schema by URL: serve those URLs from the local copies. */
function manifestValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const version of ['1.0.0', '2.0.0']) {
    ajv.addSchema(
      readJson(new URL(`slack-manifest.schema.${version}.json`, schemas)),
      `https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.${version}.json`,
    );
  }
  return ajv.compile(readJson(new URL('slack-manifest.schema.json', schemas)));
}

interface Manifest {
  _metadata: { major_version: number };
  oauth_config: { scopes: { bot: string[] }; redirect_urls: string[] };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
}

describe('Slack app manifest', () => {
  const validate = manifestValidator();
  const manifest = readJson(manifestUrl) as unknown as Manifest;

  it("validates offline against Slack's manifest schema (v2)", () => {
    expect(manifest._metadata.major_version).toBe(2);
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is checked for real: a too-long app name is rejected', () => {
    const broken = structuredClone(manifest) as unknown as { display_information: { name: string } };
    broken.display_information.name = 'B'.repeat(50);
    expect(validate(broken)).toBe(false);
  });

  it('asks for the scopes and events the channel uses, and points Slack at its routes', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...DEFAULT_BOT_SCOPES].sort());
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining([
        'app_mention',
        'message.channels',
        'message.groups',
        'message.im',
        'message.mpim',
      ]),
    );
    expect(new URL(manifest.settings.event_subscriptions.request_url).pathname).toBe(EVENTS_PATH);
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe(EVENTS_PATH);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(new URL(manifest.oauth_config.redirect_urls[0]!).pathname).toBe(OAUTH_REDIRECT_PATH);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });
});
