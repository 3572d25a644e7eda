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
  lines.push('', `  Playground: ${b.url}/    Health: ${b.url}/healthz`);
  if (b.config.HOST === '0.0.0.0' || b.config.HOST === '::') {
    lines.push(
      '  Listening on all interfaces (HOST): the playground has no login, so anyone who can reach this port can use it.',
    );
  }
  lines.push('  Stop with Ctrl+C.', '');
  return `${lines.join('\n')}\n`;
}
