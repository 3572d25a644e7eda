/**
 * The Slack channel's options, their start-up validation (errors name the environment variable to set), and
 * how a single-workspace bot is authorized.
 */
import { type Authorize, webApi } from '@slack/bolt';
import type { ConversationDriver } from '../conversation-driver.js';
import type { Logger } from '../logger.js';
import type { BotIdentity, IdentityRetry } from './bot-identity.js';
import type { DEFAULT_FILE_LIMITS, FileLimits } from './files.js';
import type { InstallationStore } from './installation-store.js';
import type { SlackDispatch } from './slack-job.js';
import type { StreamingMode } from './streaming.js';

/** Bot scopes Baton uses (requested by `/slack/install`; the manifest lists the same). */
export const DEFAULT_BOT_SCOPES = [
  'app_mentions:read',
  'assistant:write',
  'channels:history',
  'chat:write',
  'chat:write.customize',
  'files:read',
  'groups:history',
  'im:history',
  'mpim:history',
] as const;

export const EVENTS_PATH = '/slack/events';
export const INSTALL_PATH = '/slack/install';
export const OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';

export interface SlackChannelOptions {
  driver: ConversationDriver;
  /** Verifies every HTTP request (`SLACK_SIGNING_SECRET`). Not needed in Socket Mode. */
  signingSecret?: string;
  /** Single workspace (`SLACK_BOT_TOKEN`). Omit when using OAuth. */
  botToken?: string;
  /**
   * Known bot ids skip `auth.test`. Otherwise `start()` calls it (and keeps retrying in the background, see
   * `identityRetry`); events that arrive while the ids are unknown are answered 5xx (not acked) so Slack
   * delivers them again.
   */
  botUserId?: string;
  botId?: string;
  /** How `auth.test` is retried after start-up (default 5 attempts, 0.5 s doubling to 8 s). */
  identityRetry?: Partial<IdentityRetry>;
  /** Socket Mode (`SLACK_APP_TOKEN`, xapp-): no public URL; `start()` connects. */
  appToken?: string;
  /** OAuth (`SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`, `SLACK_STATE_SECRET`): many workspaces. */
  clientId?: string;
  clientSecret?: string;
  stateSecret?: string;
  /** Where installs are kept (default: in memory, lost on restart). */
  installationStore?: InstallationStore;
  /** Bot scopes the install link asks for (default {@link DEFAULT_BOT_SCOPES}). */
  scopes?: readonly string[];
  /** Web API base URL (`SLACK_API_URL`; GovSlack, or a fake in tests). Default `https://slack.com/api/`. */
  slackApiUrl?: string;
  /** Retries of failed Web API calls; 429s always wait for `Retry-After` first. */
  retryConfig?: webApi.RetryOptions;
  logger?: Logger;
  /**
   * Default `auto` (= `native`): native streaming, falling back per workspace to `update` (post, then edit);
   * `off` posts each reply once it is complete (`BATON_SLACK_STREAMING`).
   */
  streaming?: StreamingMode;
  /**
   * What the start agent is told when someone mentions the bot with nothing else (default
   * {@link BARE_MENTION_PROMPT}): it then greets and says what it can do.
   */
  bareMentionPrompt?: string;
  /** Minimum time between edits of a streaming reply (default 1000 ms). */
  updateIntervalMs?: number;
  /**
   * Hosts model output may link to (`example.com`, `*.example.com`). Other links are shown as their text with
   * the address visible, not clickable. Default: none.
   */
  linkHosts?: readonly string[];
  /**
   * Hands each accepted turn to another host instead of running it here (the Lambda ingress enqueues it; a worker
   * runs it with `runJob`). Requests are then answered only after `dispatch` resolved, and a failed dispatch is
   * answered 500 so Slack retries. Default: run in process through the driver, after the ack.
   */
  dispatch?: SlackDispatch;
  /** Limits on the files of a message Baton downloads (default {@link DEFAULT_FILE_LIMITS}). */
  fileLimits?: Partial<FileLimits>;
}

/** Five retries over about 15 s (429s wait for Retry-After on top): not the SDK's default of 30 minutes. */
export const DEFAULT_RETRY_CONFIG: webApi.RetryOptions = {
  retries: 5,
  factor: 2,
  minTimeout: 500,
  maxTimeout: 10_000,
};

export function validateOptions(options: SlackChannelOptions): void {
  const socket = options.appToken !== undefined;
  if (!socket && !options.signingSecret) {
    throw new Error(
      'Slack needs SLACK_SIGNING_SECRET (signingSecret) to verify requests, or SLACK_APP_TOKEN for Socket Mode.',
    );
  }
  const oauth = [options.clientId, options.clientSecret, options.stateSecret];
  if (oauth.some((v) => v !== undefined) && oauth.some((v) => !v)) {
    throw new Error('Slack OAuth needs all of SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET.');
  }
  if (options.clientId && options.botToken) {
    throw new Error(
      'Set either SLACK_BOT_TOKEN (one workspace) or the SLACK_CLIENT_* OAuth settings, not both.',
    );
  }
  if (!options.clientId && !options.botToken) {
    throw new Error(
      'Slack needs SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID/SECRET/STATE_SECRET (OAuth).',
    );
  }
  if (options.clientId && socket) {
    throw new Error(
      'Baton does not run the OAuth install flow in Socket Mode: use HTTP mode for many workspaces.',
    );
  }
}

/** `auth.test` with the single bot token: the bot's user id and bot id. */
export function authTestLookup(botToken: string, clientOptions: webApi.WebClientOptions) {
  // One call per attempt: the caller paces retries (an event cannot wait for the client's backoff).
  const client = new webApi.WebClient(botToken, { ...clientOptions, retryConfig: { retries: 0 } });
  return async () => {
    const res = await client.auth.test();
    return {
      ...(typeof res.bot_id === 'string' ? { botId: res.bot_id } : {}),
      ...(typeof res.user_id === 'string' ? { botUserId: res.user_id } : {}),
    };
  };
}

/** One token for every event; the bot's ids from `identity` (which throws while they are unknown). */
export function singleWorkspaceAuthorize(botToken: string, identity: BotIdentity): Authorize<boolean> {
  return async (source) => ({
    botToken,
    ...(await identity.get()),
    teamId: source.teamId,
    enterpriseId: source.enterpriseId,
  });
}

/**
 * The OAuth authorize page on the same Slack host as the Web API: `https://slack.com/api/` →
 * `https://slack.com/oauth/v2/authorize`, `https://slack-gov.com/api/` → `https://slack-gov.com/oauth/v2/authorize`.
 */
export function oauthAuthorizeUrl(slackApiUrl: string): string {
  const url = new URL(slackApiUrl);
  const base = url.pathname.replace(/\/?api\/?$/u, '').replace(/\/$/u, '');
  return `${url.origin}${base}/oauth/v2/authorize`;
}
