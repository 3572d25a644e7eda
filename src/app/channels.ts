/**
 * Which chat channels run, from the configuration. The playground is on unless BATON_PLAYGROUND=off; Slack runs when configured; Teams
 * runs with MicrosoftAppId, or unauthenticated on loopback when BATON_TEAMS_AUTH=off says so. Each channel off gets a banner line naming
 * the variables that turn it on.
 */
import type { ChatChannel } from '../channels/channel.js';
import type { ConversationDriver } from '../channels/conversation-driver.js';
import type { Logger } from '../channels/logger.js';
import { createPlaygroundChannel } from '../channels/playground/index.js';
import { createSlackChannel, KeyValueInstallationStore, type SlackChannel } from '../channels/slack/index.js';
import type { SlackDispatch } from '../channels/slack/slack-job.js';
import {
  createTeamsChannel,
  KeyValueConversationReferenceStore,
  type TeamsChannel,
} from '../channels/teams/index.js';
import type { TeamsDispatch } from '../channels/teams/teams-job.js';
import type { KeyValueStore } from '../store/key-value.js';
import type { AppConfig } from './config.js';

export interface ChannelSetup {
  channels: ChatChannel[];
  /** Banner lines for channels that are off, with how to turn them on. */
  off: string[];
  /** The same channels, typed (a Lambda worker runs their jobs). */
  slack?: SlackChannel;
  teams?: TeamsChannel;
}

export const TEAMS_OFF =
  'Teams: off — set MicrosoftAppId, MicrosoftAppPassword and MicrosoftAppTenantId; or, to try it with the ' +
  'Microsoft 365 Agents Playground on this machine, BATON_TEAMS_AUTH=off (no authentication, loopback only)';

export interface ChannelContext {
  /** Reachable from outside this machine whatever HOST says (a Lambda Function URL). */
  publicEndpoint?: boolean;
  config: AppConfig;
  driver: ConversationDriver;
  logger: Logger;
  /** Durable records: Teams conversation references, Slack OAuth installs. */
  records: KeyValueStore;
  playground: { notice?: string; about: { model: string; store: string } };
  /** Hand turns to another host instead of running them here (the Lambda ingress). */
  dispatch?: { slack?: SlackDispatch; teams?: TeamsDispatch };
}

export function slackEnabled(config: AppConfig): boolean {
  // parseConfig has already rejected half-configured Slack settings.
  return (
    !!(config.SLACK_BOT_TOKEN || config.SLACK_CLIENT_ID) &&
    !!(config.SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN)
  );
}

export const SLACK_OFF =
  'Slack: off — set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)';
export async function createChannels(ctx: ChannelContext): Promise<ChannelSetup> {
  const { config } = ctx;
  const channels: ChatChannel[] = [];
  const off: string[] = [];

  if (config.BATON_PLAYGROUND === 'on') {
    channels.push(
      await createPlaygroundChannel({
        driver: ctx.driver,
        dataDir: config.BATON_DATA_DIR,
        logger: ctx.logger,
        about: ctx.playground.about,
        ...(ctx.playground.notice ? { notice: ctx.playground.notice } : {}),
      }),
    );
  } else {
    off.push('Playground: off — set BATON_PLAYGROUND=on');
  }

  let slack: SlackChannel | undefined;
  if (slackEnabled(config)) {
    slack = createSlackChannel({
      driver: ctx.driver,
      logger: ctx.logger,
      ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
      ...(config.SLACK_BOT_TOKEN ? { botToken: config.SLACK_BOT_TOKEN } : {}),
      ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
      ...(config.SLACK_CLIENT_ID && config.SLACK_CLIENT_SECRET && config.SLACK_STATE_SECRET
        ? {
            clientId: config.SLACK_CLIENT_ID,
            clientSecret: config.SLACK_CLIENT_SECRET,
            stateSecret: config.SLACK_STATE_SECRET,
            installationStore: new KeyValueInstallationStore(ctx.records),
          }
        : {}),
      ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
      streaming: config.BATON_SLACK_STREAMING,
      ...(ctx.dispatch?.slack ? { dispatch: ctx.dispatch.slack } : {}),
    });
    channels.push(slack);
  } else {
    off.push(SLACK_OFF);
  }

  // Without MicrosoftAppId the Teams endpoint has no authentication: anyone who reaches it could run turns and
  // approve tools. Only on an explicit BATON_TEAMS_AUTH=off, which parseConfig allows on a loopback HOST only, and
  // never behind a public endpoint (a Lambda Function URL); the HTTP policy then refuses Origin, X-Forwarded-*,
  // other Host names and non-JSON bodies, and the transport refuses serviceUrls off this machine.
  const unauthenticated = config.BATON_TEAMS_AUTH === 'off' && !ctx.publicEndpoint;
  if (!config.MicrosoftAppId && !unauthenticated) {
    off.push(TEAMS_OFF);
    return { channels, off, ...(slack ? { slack } : {}) };
  }
  const teams = createTeamsChannel({
    driver: ctx.driver,
    logger: ctx.logger,
    conversationReferences: new KeyValueConversationReferenceStore(ctx.records),
    ...(config.MicrosoftAppId ? { appId: config.MicrosoftAppId } : {}),
    ...(config.MicrosoftAppPassword ? { appPassword: config.MicrosoftAppPassword } : {}),
    ...(config.MicrosoftAppTenantId ? { tenantId: config.MicrosoftAppTenantId } : {}),
    ...(config.MicrosoftAppType ? { appType: config.MicrosoftAppType } : {}),
    ...(ctx.dispatch?.teams ? { dispatch: ctx.dispatch.teams } : {}),
  });
  channels.push(teams);

  return { channels, off, teams, ...(slack ? { slack } : {}) };
}
