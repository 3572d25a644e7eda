/**
 * The Slack channel: the real Bolt `App` behind Baton's HTTP routes (or Socket Mode), acking at once and running
 * each turn afterwards through the conversation driver, rendered into the thread by `SlackTurnRenderer`.
 */
import {
  App,
  type BlockAction,
  type ButtonAction,
  type Receiver,
  SocketModeReceiver,
  type types,
  webApi,
} from '@slack/bolt';
import type { Context } from 'hono';
import type { Persona } from '../../agents/agent.js';
import type { ChatChannel, HttpRoute } from '../channel.js';
import type { TurnResult } from '../conversation-driver.js';
import { type Logger, silentLogger } from '../logger.js';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID, settledCard } from './approval-card.js';
import { toBoltLogger } from './bolt-logger.js';
import { BotIdentity, BotIdentityUnavailableError, DEFAULT_IDENTITY_RETRY } from './bot-identity.js';
import { clickJobOf } from './click-job.js';
import { SharedFileReads } from './files.js';
import { HonoReceiver } from './hono-receiver.js';
import {
  asMessageEvent,
  isDirectMessage,
  isUserMessage,
  messageInbound,
  withFiles,
  workspaceOf,
} from './inbound.js';
import { InMemoryInstallationStore, type InstallationStore } from './installation-store.js';
import { PersonaPoster, type ThreadTarget } from './persona-poster.js';
import { SlackTurnRenderer } from './renderer.js';
import { installIds, type SlackJob, type SlackThreadRef, toTarget } from './slack-job.js';
import {
  authTestLookup,
  DEFAULT_BOT_SCOPES,
  DEFAULT_RETRY_CONFIG,
  EVENTS_PATH,
  INSTALL_PATH,
  OAUTH_REDIRECT_PATH,
  oauthAuthorizeUrl,
  type SlackChannelOptions,
  singleWorkspaceAuthorize,
  validateOptions,
} from './slack-options.js';
import { WorkspaceCapabilities } from './workspace-capabilities.js';

export const EPHEMERAL = {
  forbidden:
    "You can't decide on this request: only the person who started this conversation (or an approver configured for this tool) can.",
  notPending: 'This request was already decided or is no longer waiting for a decision.',
} as const;

export interface SlackChannel extends ChatChannel {
  /** The Bolt app (to add listeners of your own). */
  readonly app: App;
  /** Resolves when every accepted event and click has been fully handled (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Runs a turn handed to `dispatch` (on a worker): authorizes its workspace, then renders as in process. */
  runJob(job: SlackJob): Promise<void>;
}

export function createSlackChannel(options: SlackChannelOptions): SlackChannel {
  return new BoltSlackChannel(options);
}

class BoltSlackChannel implements SlackChannel {
  readonly name = 'slack';
  readonly app: App;
  readonly routes: readonly HttpRoute[];
  private readonly receiver: HonoReceiver | SocketModeReceiver;
  private readonly socketMode: boolean;
  private readonly oauth: boolean;
  private readonly logger: Logger;
  private readonly poster: PersonaPoster;
  private readonly capabilities = new WorkspaceCapabilities();
  private readonly inFlight = new Set<Promise<void>>();
  /** Files being read, by message delivery key: a mention's app_mention and message events share one read. */
  private readonly fileReads: SharedFileReads;
  private readonly installationStore: InstallationStore | undefined;
  private readonly clientOptions: webApi.WebClientOptions;
  /** The single-workspace bot's ids (OAuth installs carry their own). */
  private readonly identity: BotIdentity | undefined;
  private stopped = false;

  constructor(private readonly options: SlackChannelOptions) {
    this.logger = (options.logger ?? silentLogger).child({ channel: 'slack' });
    this.fileReads = new SharedFileReads({
      ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
      ...(options.fileLimits ? { limits: options.fileLimits } : {}),
      logger: this.logger,
    });
    this.poster = new PersonaPoster(this.capabilities, this.logger);
    this.socketMode = options.appToken !== undefined;
    this.oauth = options.clientId !== undefined;
    validateOptions(options);
    this.installationStore = this.oauth
      ? (options.installationStore ?? new InMemoryInstallationStore())
      : undefined;
    const clientOptions: webApi.WebClientOptions = {
      retryConfig: options.retryConfig ?? DEFAULT_RETRY_CONFIG,
      // Wait out 429s (Retry-After) and retry instead of failing the render.
      rejectRateLimitedCalls: false,
      ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    };
    this.clientOptions = clientOptions;
    this.identity = options.botToken
      ? new BotIdentity(authTestLookup(options.botToken, clientOptions), {
          ...(options.botId ? { botId: options.botId } : {}),
          ...(options.botUserId ? { botUserId: options.botUserId } : {}),
        })
      : undefined;
    const boltLogger = toBoltLogger(this.logger);
    this.receiver = this.socketMode
      ? new SocketModeReceiver({
          appToken: options.appToken!,
          logger: boltLogger,
          // `apps.connections.open` on the configured host. A fresh object: the socket-mode client writes its own
          // retry settings (and fetch) into the options it is given.
          installerOptions: {
            clientOptions: options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {},
          },
        })
      : new HonoReceiver({
          signingSecret: options.signingSecret!,
          // Ack before listeners finish: a model turn takes far longer than Slack's 3 s. A dispatching channel
          // answers after the hand-over instead (a queue write takes milliseconds), so a lost turn is retried.
          processBeforeResponse: options.dispatch !== undefined,
          logger: boltLogger,
          ...(this.oauth
            ? {
                oauth: {
                  provider: {
                    clientId: options.clientId!,
                    clientSecret: options.clientSecret!,
                    stateSecret: options.stateSecret!,
                    installationStore: this.installationStore!,
                    logger: boltLogger,
                    clientOptions,
                    // The install link goes to the same Slack host as the Web API (GovSlack, …).
                    ...(options.slackApiUrl
                      ? { authorizationUrl: oauthAuthorizeUrl(options.slackApiUrl) }
                      : {}),
                  },
                  installUrl: { scopes: [...(options.scopes ?? DEFAULT_BOT_SCOPES)] },
                },
              }
            : {}),
        });
    this.app = new App({
      receiver: this.receiver as Receiver,
      clientOptions,
      logger: boltLogger,
      convoStore: false,
      ...(this.identity ? { authorize: singleWorkspaceAuthorize(options.botToken!, this.identity) } : {}),
    });
    this.app.error(async (error) => {
      this.logger.error({ err: { name: error.name, message: error.message } }, 'Bolt error');
      // A failed hand-over must not be acked: the 500 makes Slack deliver the event again.
      if (this.options.dispatch) throw error;
      // Nor an event that arrived before the bot knew who it is. Rethrown as a plain error: Bolt acks (or
      // answers 401 to) an AuthorizationError, which would drop the event.
      const original = (error as { original?: unknown }).original;
      if (original instanceof BotIdentityUnavailableError) throw new Error(original.message);
    });
    this.registerListeners();
    this.routes = this.socketMode ? [] : this.httpRoutes();
  }

  describe(): string {
    const problem = this.identity?.problem();
    const warning = problem
      ? ` — WARNING: bot identity unknown (auth.test: ${problem}); retrying, and events are refused until it answers`
      : '';
    if (this.socketMode) return `Slack: on — Socket Mode${warning}`;
    return `Slack: on — HTTP ${EVENTS_PATH}${this.oauth ? `, install at ${INSTALL_PATH}` : ''}${warning}`;
  }

  async start(): Promise<void> {
    this.stopped = false;
    if (this.identity && !(await this.identity.firstAttempt(this.logger))) {
      const retry = { ...DEFAULT_IDENTITY_RETRY, ...this.options.identityRetry };
      this.track(this.identity.keepTrying(retry, this.logger));
    }
    if (this.socketMode) await this.app.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.identity?.cancel();
    if (this.socketMode) await this.app.stop();
    await this.idle();
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private httpRoutes(): HttpRoute[] {
    const receiver = this.receiver as HonoReceiver;
    const unlessStopped = (handle: (c: Context) => Promise<Response>) => (c: Context) =>
      // Not acked: Slack retries the delivery, which another instance (or this one restarted) handles.
      this.stopped ? new Response(null, { status: 503 }) : handle(c);
    const routes: HttpRoute[] = [
      {
        method: 'POST',
        path: EVENTS_PATH,
        // Interactivity payloads come form-encoded; Bolt checks the signature over the raw text.
        policy: {
          audience: 'webhook',
          accepts: ['application/json', 'application/x-www-form-urlencoded'],
        },
        handler: unlessStopped((c) => receiver.handleEvent(c)),
      },
    ];
    if (this.oauth) {
      // Opened in a browser by an admin, the redirect by a navigation from Slack's site: no Origin rule applies.
      const page = { audience: 'public' } as const;
      routes.push(
        {
          method: 'GET',
          path: INSTALL_PATH,
          policy: page,
          handler: unlessStopped((c) => receiver.handleOAuth(c, 'install')),
        },
        {
          method: 'GET',
          path: OAUTH_REDIRECT_PATH,
          policy: page,
          handler: unlessStopped((c) => receiver.handleOAuth(c, 'redirect')),
        },
      );
    }
    return routes;
  }

  private registerListeners(): void {
    // Listeners only schedule work: Bolt has already acked the event, and the turn runs afterwards.
    this.app.event('app_mention', async ({ event, body, context, client }) => {
      await this.schedule(this.onMessage('mention', event, body, context, client));
    });
    this.app.event('message', async ({ event, body, context, client }) => {
      await this.schedule(this.onMessage('message', event, body, context, client));
    });
    this.app.action<BlockAction<ButtonAction>>(
      { type: 'block_actions', action_id: new RegExp(`^(${APPROVE_ACTION_ID}|${REJECT_ACTION_ID})$`) },
      async ({ ack, body, action, client, context }) => {
        await ack();
        await this.schedule(this.onClick(body, action, client, context.teamId));
      },
    );
    if (this.oauth) {
      const forget = async (body: {
        team_id?: string;
        enterprise_id?: string;
        is_enterprise_install?: boolean;
      }) => {
        await this.installationStore?.deleteInstallation?.({
          teamId: body.team_id,
          enterpriseId: body.enterprise_id,
          isEnterpriseInstall: body.is_enterprise_install === true,
        });
      };
      this.app.event('app_uninstalled', async ({ body }) => this.track(forget(body)));
      this.app.event('tokens_revoked', async ({ body }) => this.track(forget(body)));
    }
  }

  /** In process: tracked, after the ack. Dispatching: awaited, so the answer waits for the hand-over. */
  private async schedule(work: Promise<void>): Promise<void> {
    if (this.options.dispatch) await work;
    else this.track(work);
  }

  async runJob(job: SlackJob): Promise<void> {
    const client = await this.clientFor(job.thread);
    if (job.kind === 'message') await this.runMessage(job, client);
    else await this.runClick(job, client);
  }

  /** The workspace's client off the request path: the single bot token, or the OAuth install's. */
  private async clientFor(thread: SlackThreadRef): Promise<webApi.WebClient> {
    let token = this.options.botToken;
    if (!token && this.installationStore) {
      const install = await this.installationStore.fetchInstallation({
        teamId: thread.installTeamId,
        enterpriseId: thread.enterpriseId,
        isEnterpriseInstall: thread.isEnterpriseInstall === true,
      });
      token = install.bot?.token;
    }
    if (!token) throw new Error(`No Slack bot token for workspace ${thread.workspace}.`);
    return new webApi.WebClient(token, this.clientOptions);
  }

  private track(work: Promise<void>): void {
    const p = work.catch((error: unknown) => {
      this.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        'Slack handler failed',
      );
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async onMessage(
    source: 'mention' | 'message',
    rawEvent: unknown,
    body: { team_id?: string; enterprise_id?: string },
    context: {
      botUserId?: string;
      botId?: string;
      teamId?: string;
      enterpriseId?: string;
      isEnterpriseInstall?: boolean;
    },
    client: webApi.WebClient,
  ): Promise<void> {
    const event = asMessageEvent(rawEvent);
    const bot = { botUserId: context.botUserId, botId: context.botId };
    if (!event || !isUserMessage(event, bot)) return;
    const workspace = workspaceOf({
      enterpriseId: body.enterprise_id,
      teamId: body.team_id ?? context.teamId,
    });
    if (!workspace) return;
    const inbound = messageInbound(event, workspace, bot, undefined, this.options.bareMentionPrompt);
    if (!inbound) return;
    if (source === 'message' && !isDirectMessage(event)) {
      // In channels Baton speaks when mentioned; after that, replies in a Baton thread continue without one.
      if (event.thread_ts === undefined) return;
      const known = await this.options.driver.workflow
        .forConversation(inbound.conversationKey)
        .getConversation();
      if (known.length === 0) return;
    }
    const teamId = event.user_team ?? body.team_id;
    const job: SlackJob = {
      kind: 'message',
      inbound,
      // Only the links: the runner downloads them after the ack (a dispatching ingress must answer fast and
      // queue small messages), with the workspace's token, and replaces the inbound's placeholders.
      ...(event.files?.length ? { files: [...event.files] } : {}),
      thread: {
        workspace,
        channel: event.channel,
        threadTs: event.thread_ts ?? event.ts,
        userId: inbound.user.id,
        ...(teamId ? { teamId } : {}),
        ...installIds(body.team_id ?? context.teamId, body.enterprise_id, context.isEnterpriseInstall),
      },
    };
    if (this.options.dispatch) await this.options.dispatch(job);
    else await this.runMessage(job, client);
  }

  private async runMessage(job: Extract<SlackJob, { kind: 'message' }>, client: webApi.WebClient) {
    const inbound = job.files?.length
      ? withFiles(
          job.inbound,
          job.files,
          await this.fileReads.read(job.inbound.eventId, job.files, client.token),
        )
      : job.inbound;
    const renderer = this.renderer(toTarget(job.thread, client), async () => renderer.showThinking());
    const result = await this.options.driver.handle(inbound, renderer);
    await this.finishTurn(renderer, result);
  }

  private async onClick(
    body: BlockAction<ButtonAction>,
    action: ButtonAction,
    client: webApi.WebClient,
    contextTeamId: string | undefined,
  ): Promise<void> {
    const job = clickJobOf(body, action, contextTeamId);
    if (!job) return;
    if (this.options.dispatch) await this.options.dispatch(job);
    else await this.runClick(job, client);
  }

  private async runClick(job: Extract<SlackJob, { kind: 'click' }>, client: webApi.WebClient) {
    const { channel, threadTs, userId } = job.thread;
    const { messageTs } = job.card;
    const approved = job.inbound.approved;
    let cardClosed = false;
    const closeCard = async () => {
      if (cardClosed) return;
      const card = settledCard(job.card.blocks as types.KnownBlock[], { approved, userId, at: new Date() });
      await client.chat.update({ channel, ts: messageTs, text: card.text, blocks: card.blocks });
      // Only once it worked: a failed edit is tried again when the turn ends.
      cardClosed = true;
    };
    // The first event of a decision turn (other than a failure to record it) means the decision was accepted:
    // close the card before the tool runs.
    const renderer = this.renderer(toTarget(job.thread, client), closeCard);
    const result = await this.options.driver.handle(job.inbound, renderer);
    await this.finishTurn(renderer, result);
    if (result.status !== 'processed' || !result.decision) return;
    const decision = result.decision.status;
    if (decision === 'settled') {
      await closeCard();
    } else {
      await client.chat.postEphemeral({
        channel,
        user: userId,
        thread_ts: threadTs,
        text: decision === 'forbidden' ? EPHEMERAL.forbidden : EPHEMERAL.notPending,
      });
    }
  }

  private renderer(target: ThreadTarget, onFirstEvent: () => Promise<void>): SlackTurnRenderer {
    return new SlackTurnRenderer({
      target,
      poster: this.poster,
      capabilities: this.capabilities,
      personaOf: (agentId) => this.personaOf(agentId),
      streaming: this.options.streaming ?? 'auto',
      updateIntervalMs: this.options.updateIntervalMs ?? 1000,
      logger: this.logger.child({ thread: `${target.channel}:${target.threadTs}` }),
      onFirstEvent,
    });
  }

  private async finishTurn(renderer: SlackTurnRenderer, result: TurnResult): Promise<void> {
    // A duplicate delivery renders nothing: the first delivery already did.
    if (result.status === 'duplicate') return;
    await renderer.close();
    if (result.status === 'failed') await renderer.apologize();
  }

  private personaOf(agentId: string): Persona {
    return this.options.driver.workflow.agents.get(agentId)?.persona ?? { displayName: agentId };
  }
}
