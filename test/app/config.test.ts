import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/app/config.js';

function problems(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('needs nothing: loopback, port 3000, .data, the offline model', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      BATON_DATA_DIR: '.data',
      LOG_LEVEL: 'info',
      OPENAI_MODEL: 'gpt-4.1-mini',
    });
    expect(c.OPENAI_API_KEY).toBeUndefined();
    expect(c.DYNAMODB_TABLE).toBeUndefined();
  });

  it('treats empty values (a copied .env.example) as unset and ignores unrelated variables', () => {
    const c = parseConfig({ PORT: '', OPENAI_API_KEY: '', HOME: '/root', PATH: '/bin' });
    expect(c.PORT).toBe(3000);
    expect(c.OPENAI_API_KEY).toBeUndefined();
  });

  it('names a bad variable and how to fix it', () => {
    const message = problems({ PORT: 'abc' });
    expect(message).toContain('PORT="abc"');
    expect(message).toContain('e.g. PORT=3000');
    expect(problems({ PORT: '70000' })).toContain('PORT="70000"');
    expect(problems({ LOG_LEVEL: 'loud' })).toMatch(
      /LOG_LEVEL="loud" must be one of fatal, error, warn, info/,
    );
    expect(problems({ OPENAI_BASE_URL: 'localhost:11434' })).toMatch(
      /OPENAI_BASE_URL="localhost:11434" must be an http\(s\) URL/,
    );
  });

  it('lists every problem at once, and never prints a secret', () => {
    const message = problems({
      PORT: '-1',
      SLACK_BOT_TOKEN: 'hunter2-very-secret',
      SLACK_SIGNING_SECRET: 'abc',
    });
    expect(message).toContain('PORT="-1"');
    expect(message).toContain('SLACK_BOT_TOKEN=(hidden) must be a bot token starting with "xoxb-"');
    expect(message).not.toContain('hunter2');
  });

  it('catches half-configured providers, naming the missing variable', () => {
    expect(
      problems({ AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com', AZURE_OPENAI_API_KEY: 'k' }),
    ).toContain('AZURE_OPENAI_DEPLOYMENT is required');
    expect(problems({ DYNAMODB_TABLE: 'baton' })).toContain('AWS_REGION is required with DYNAMODB_TABLE');
    expect(problems({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' })).toContain('DYNAMODB_TABLE is required');
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1' })).toContain('SLACK_SIGNING_SECRET is required');
    expect(problems({ SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 's' })).toContain(
      'SLACK_STATE_SECRET is required',
    );
    expect(
      problems({
        SLACK_CLIENT_ID: '1',
        SLACK_CLIENT_SECRET: 's',
        SLACK_STATE_SECRET: 't',
        SLACK_APP_TOKEN: 'xapp-1',
      }),
    ).toContain('SLACK_APP_TOKEN=(hidden) cannot be used with SLACK_CLIENT_*');
    expect(parseConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).SLACK_APP_TOKEN).toBe(
      'xapp-1',
    );
    expect(problems({ MicrosoftAppId: 'id' })).toContain('MicrosoftAppPassword is required');
    expect(
      problems({ MicrosoftAppId: 'id', MicrosoftAppPassword: 'p', MicrosoftAppType: 'SingleTenant' }),
    ).toContain('MicrosoftAppTenantId is required');
  });

  it('npm start stops at once with the message and exit code 1', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
      env: { PATH: process.env.PATH ?? '', PORT: 'not-a-port', BATON_DATA_DIR: '/nonexistent/never-created' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Invalid configuration');
    expect(run.stderr).toContain('PORT="not-a-port"');
  });
});
