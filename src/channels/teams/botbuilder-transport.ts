/**
 * `TeamsTransport` on botbuilder 4.23.3's `CloudAdapter` — the only file that imports botbuilder, so the move to
 * `@microsoft/agents-hosting` is one new file. Authentication uses botbuilder's own configuration names.
 */
import {
  type Activity,
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationReference,
  TurnContext,
} from 'botbuilder';
import { BatonError } from '../../errors.js';
import type { Logger } from '../logger.js';
import type {
  ActivityRequest,
  ActivityResponse,
  ConversationRef,
  ConversationSender,
  InboundTurn,
  InvokeReply,
  TeamsActivity,
  TeamsTransport,
} from './bot-adapter.js';
import { applyBotbuilderEntityFix } from './botbuilder-entity-fix.js';

/**
 * `MicrosoftAppType`. New Azure Bot registrations can only be SingleTenant or UserAssignedMSI (multi-tenant
 * creation ended 2025-07-31); `MultiTenant` is accepted for registrations made before that.
 */
export type TeamsAppType = 'SingleTenant' | 'UserAssignedMSI' | 'MultiTenant';

export interface BotbuilderTransportOptions {
  /** `MicrosoftAppId`. Absent: inbound authentication is off (local use with Agents Playground only). */
  appId?: string;
  /** `MicrosoftAppPassword` (SingleTenant). */
  appPassword?: string;
  /** `MicrosoftAppTenantId`. */
  tenantId?: string;
  /** `MicrosoftAppType`. Default SingleTenant. */
  appType?: TeamsAppType;
  logger: Logger;
}

export class TeamsConfigError extends BatonError {
  readonly code = 'BATON_TEAMS_CONFIG';
  override name = 'TeamsConfigError';
}

export function createBotbuilderTransport(options: BotbuilderTransportOptions): TeamsTransport {
  // Before the adapter sends anything: otherwise streaminfo and AI-label fields never reach Teams.
  applyBotbuilderEntityFix();
  const appId = options.appId?.trim() ?? '';
  const appType = options.appType ?? 'SingleTenant';
  if (appId) checkCredentials(appType, options);
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: options.appPassword ?? '',
    MicrosoftAppTenantId: options.tenantId ?? '',
    MicrosoftAppType: appId ? appType : '',
  });
  const adapter = new CloudAdapter(auth);
  const log = options.logger;
  adapter.onTurnError = async (_context, error) => {
    log.error({ err: { name: error.name, message: error.message } }, 'Teams turn failed');
    throw error;
  };

  const senderFor = (context: TurnContext): ConversationSender => ({
    async send(activity) {
      const sent = await context.sendActivity(activity as Partial<Activity>);
      return sent?.id;
    },
    async update(activity) {
      await context.updateActivity(activity as Partial<Activity>);
    },
  });

  return {
    authenticationEnabled: appId !== '',

    async process(request: ActivityRequest, onActivity) {
      if (appId === '') {
        // Unauthenticated (local use only): replies go to the activity's serviceUrl, so only to this machine.
        const serviceUrl = (request.body as { serviceUrl?: unknown } | null)?.serviceUrl;
        if (!isLoopbackUrl(serviceUrl)) {
          log.warn(
            { serviceUrl: String(serviceUrl) },
            'Teams: unauthenticated activity with a remote serviceUrl refused',
          );
          return {
            status: 403,
            headers: { 'content-type': 'text/plain; charset=utf-8' },
            body: 'Without MicrosoftAppId, Baton answers only activities whose serviceUrl is on this machine.',
          };
        }
      }
      const response = new BufferedResponse();
      const req = {
        method: request.method,
        headers: { ...request.headers },
        body: request.body as Record<string, unknown>,
      };
      await adapter.process(req, response, async (context) => {
        const activity = context.activity as TeamsActivity;
        const turn: InboundTurn = {
          activity,
          reference: toRef(TurnContext.getConversationReference(context.activity)),
          ...senderFor(context),
        };
        const reply: InvokeReply | undefined = await onActivity(turn);
        if (reply && activity.type === ActivityTypes.Invoke) {
          await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: reply });
        }
      });
      return response.toActivityResponse();
    },

    async continueConversation(ref: ConversationRef, fn) {
      await adapter.continueConversationAsync(appId, ref as ConversationReference, async (context) => {
        await fn(senderFor(context));
      });
    },
  };
}

/**
 * The response object `CloudAdapter.process` writes to (it checks for express/restify's `status/header/send/end`),
 * buffered into Baton's {@link ActivityResponse}: the only bridge botbuilder needs.
 */
class BufferedResponse {
  socket: unknown = null;
  private statusCode = 200;
  private readonly headers: Record<string, string> = {};
  private body: string | undefined;

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  header(name: string, value: unknown): this {
    this.headers[name.toLowerCase()] = String(value);
    return this;
  }

  send(value?: unknown): this {
    if (value === undefined) return this;
    if (typeof value === 'string' || Buffer.isBuffer(value)) {
      this.body = value.toString();
      this.headers['content-type'] ??= 'text/plain; charset=utf-8';
    } else {
      this.body = JSON.stringify(value);
      this.headers['content-type'] = 'application/json; charset=utf-8';
    }
    return this;
  }

  end(): this {
    return this;
  }

  toActivityResponse(): ActivityResponse {
    return {
      status: this.statusCode,
      headers: this.headers,
      ...(this.body !== undefined ? { body: this.body } : {}),
    };
  }
}

function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  const { protocol, hostname } = new URL(value);
  return (
    (protocol === 'http:' || protocol === 'https:') &&
    (hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname))
  );
}

function toRef(ref: Partial<ConversationReference>): ConversationRef {
  const out: ConversationRef = {
    serviceUrl: ref.serviceUrl ?? '',
    channelId: ref.channelId ?? 'msteams',
    conversation: ref.conversation as ConversationRef['conversation'],
    bot: ref.bot as ConversationRef['bot'],
  };
  if (ref.user) out.user = ref.user;
  if (ref.activityId) out.activityId = ref.activityId;
  if (ref.locale) out.locale = ref.locale;
  return out;
}

function checkCredentials(appType: TeamsAppType, options: BotbuilderTransportOptions): void {
  if (appType === 'MultiTenant') {
    if (!options.appPassword?.trim()) {
      throw new TeamsConfigError(
        "MicrosoftAppPassword is required for MicrosoftAppType=MultiTenant: a client secret of the bot's Entra app.",
      );
    }
    return;
  }
  if (!options.tenantId?.trim()) {
    throw new TeamsConfigError(
      `MicrosoftAppTenantId is required when MicrosoftAppId is set (MicrosoftAppType=${appType}): ` +
        'set it to the Entra tenant id of the bot registration.',
    );
  }
  if (appType === 'SingleTenant' && !options.appPassword?.trim()) {
    throw new TeamsConfigError(
      'MicrosoftAppPassword is required for MicrosoftAppType=SingleTenant: set it to a client secret of the ' +
        "bot's Entra app, or use MicrosoftAppType=UserAssignedMSI.",
    );
  }
  if (appType === 'UserAssignedMSI' && options.appPassword?.trim()) {
    throw new TeamsConfigError('MicrosoftAppPassword must not be set for MicrosoftAppType=UserAssignedMSI.');
  }
}
