/**
 * The Slack channel's options, their start-up validation (errors name the environment variable to set), and
 * how a single-workspace bot is authorized.
 */
import { type Authorize, webApi } from '@slack/bolt';
import type { ConversationDriver } from '../conversation-driver.js';
import type { Logger } from '../logger.js';
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
  /** Known bot ids skip the `auth.test` call that otherwise runs once, on the first event. */
  botUserId?: string;
  botId?: string;
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
  /** Default `auto`: native streaming, falling back per workspace to `update` (post, then edit). */
  streaming?: StreamingMode;
  /** Minimum time between edits of a streaming reply (default 1000 ms). */
  updateIntervalMs?: number;
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

/** One token for every event; the bot's ids come from the options or one cached `auth.test`. */
export function singleWorkspaceAuthorize(
  options: SlackChannelOptions,
  clientOptions: webApi.WebClientOptions,
): Authorize<boolean> {
  const botToken = options.botToken!;
  let ids: Promise<{ botId?: string; botUserId?: string }> | undefined =
    options.botId && options.botUserId
      ? Promise.resolve({ botId: options.botId, botUserId: options.botUserId })
      : undefined;
  const lookup = async () => {
    const res = await new webApi.WebClient(botToken, clientOptions).auth.test();
    return {
      ...(typeof res.bot_id === 'string' ? { botId: res.bot_id } : {}),
      ...(typeof res.user_id === 'string' ? { botUserId: res.user_id } : {}),
    };
  };
  return async (source) => {
    ids ??= lookup().catch((error: unknown) => {
      ids = undefined; // try again on the next event
      throw error;
    });
    return { botToken, ...(await ids), teamId: source.teamId, enterpriseId: source.enterpriseId };
  };
}
