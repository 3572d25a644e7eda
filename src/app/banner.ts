/** The start-up banner: what is on, and for what is off, the variables that would turn it on. */
import type { ChatChannel } from '../channels/channel.js';
import type { AppConfig } from './config.js';
import type { AppModel } from './model.js';
import type { AppStore } from './store.js';

export interface BannerInput {
  url: string;
  config: AppConfig;
  bot: { name: string; source: string };
  model: Pick<AppModel, 'mode' | 'description' | 'notice'>;
  store: Pick<AppStore, 'mode' | 'description'>;
  channels: readonly ChatChannel[];
  off: readonly string[];
  /** The Host names answered to; absent: any. */
  allowedHosts?: readonly string[];
  /** The playground's access token, when it needs one; printed in the link unless the user chose it. */
  playgroundToken?: string;
  tokenFromEnv?: boolean;
}

export function renderBanner(b: BannerInput): string {
  const lines = [
    '',
    `Baton is running at ${b.url}`,
    `  Bot:    ${b.bot.name} (${b.bot.source}${b.config.BATON_BOT ? '' : '; set BATON_BOT=./my-bot.ts to run your own'})`,
    `  Model:  ${b.model.description}`,
  ];
  if (b.model.mode === 'demo') {
    lines.push(
      '          SCRIPTED — no AI is connected. Set OPENAI_API_KEY (or AZURE_OPENAI_*, or OPENAI_BASE_URL) for a real model.',
    );
  }
  lines.push(`  Store:  ${b.store.description}`);
  if (b.store.mode === 'embedded')
    lines.push('          set DYNAMODB_TABLE and AWS_REGION to use a DynamoDB table in AWS');
  lines.push('', ...b.channels.map((c) => `  ${c.describe()}`), ...b.off.map((line) => `  ${line}`));
  const playgroundOn = b.channels.some((c) => c.name === 'playground');
  const link = !playgroundOn
    ? undefined
    : b.playgroundToken === undefined
      ? `${b.url}/`
      : b.tokenFromEnv
        ? `${b.url}/?token=<BATON_PLAYGROUND_TOKEN>`
        : `${b.url}/?token=${b.playgroundToken}`;
  lines.push('', `  ${link ? `Playground: ${link}    ` : ''}Health: ${b.url}/healthz`);
  if (link && b.playgroundToken !== undefined) {
    lines.push(
      '  The playground needs its access token (anyone with the link can chat and approve as the same user);',
      `  ${b.tokenFromEnv ? 'it is BATON_PLAYGROUND_TOKEN' : 'a new random one each start: set BATON_PLAYGROUND_TOKEN to keep one'}.`,
    );
  }
  lines.push(
    b.allowedHosts
      ? `  Answers requests addressed to: ${b.allowedHosts.join(', ')} (BATON_ALLOWED_HOSTS)`
      : '  Answers requests addressed to any host name (BATON_ALLOWED_HOSTS=*)',
  );
  if (b.config.BATON_TEAMS_AUTH === 'off' && !b.config.MicrosoftAppId) {
    lines.push(
      '  BATON_TEAMS_AUTH=off: POST /api/messages has NO authentication; only requests from this machine',
      '  (loopback Host, no Origin, no X-Forwarded-*, loopback serviceUrl) are accepted.',
    );
  }
  lines.push('  Stop with Ctrl+C.', '');
  return `${lines.join('\n')}\n`;
}
