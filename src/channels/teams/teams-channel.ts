/**
 * The Teams channel: `POST /api/messages` through the Bot Framework transport. Each activity is answered at once
 * (a typing indicator), its conversation reference is saved, and the turn runs afterwards through the driver,
 * replying proactively. Approval clicks are answered with the decided card as soon as the driver settled them.
 */
import type { Context } from 'hono';
import type { Persona } from '../../agents/agent.js';
import type { ChatChannel, HttpRoute } from '../channel.js';
import type { ConversationDriver, Inbound } from '../conversation-driver.js';
import { type Logger, silentLogger } from '../logger.js';
import { noticeCard, parseApprovalData } from './approval-card.js';
import { cardReply, handleApprovalClick, RECORDING_TEXT } from './approval-click.js';
import type { ConversationSender, InboundTurn, InvokeReply, TeamsTransport } from './bot-adapter.js';
import { createBotbuilderTransport, type TeamsAppType } from './botbuilder-transport.js';
import {
  type ConversationReferenceStore,
  InMemoryConversationReferenceStore,
} from './conversation-references.js';
import {
  conversationKeyOf,
  messageContents,
  scopeOf,
  type TeamsScope,
  tenantOf,
  userOf,
} from './inbound-activity.js';
import type { TeamsDispatch, TeamsJob } from './teams-job.js';
import type { StreamTiming } from './teams-stream.js';
import { TeamsTurnRenderer } from './turn-renderer.js';

export interface TeamsChannelOptions {
  driver: ConversationDriver;
  /** `MicrosoftAppId`. Absent: authentication is off (local use with Agents Playground only). */
  appId?: string;
  /** `MicrosoftAppPassword`. */
  appPassword?: string;
  /** `MicrosoftAppTenantId`. */
  tenantId?: string;
  /** `MicrosoftAppType` (default SingleTenant). */
  appType?: TeamsAppType;
  /** Entra tenant ids whose activities are processed; others are ignored. Default: every tenant. */
  allowedTenants?: readonly string[];
  logger?: Logger;
  /** Stream answers in personal chats (default true). */
  streaming?: boolean;
  streamTiming?: StreamTiming;
  /** Where conversation references live between a message and a reply hours later (default: in memory). */
  conversationReferences?: ConversationReferenceStore;
  /** Route path (default `/api/messages`). */
  path?: string;
  /** How long an approval click waits for the settle before answering "recording…" (default 4000 ms). */
  invokeWaitMs?: number;
  /** Another Bot Framework SDK behind Baton's interface (default: botbuilder's CloudAdapter). */
  transport?: TeamsTransport;
  /**
   * Hands each accepted turn to another host instead of running it here (the Lambda ingress enqueues it; a worker
   * runs it with `runJob`). The request is answered after the hand-over; a click answers "recording…" and the
   * worker updates the card. Default: run in process through the driver.
   */
  dispatch?: TeamsDispatch;
}

/** Bot Framework activities are well under this; larger bodies are refused (413) before parsing. */
export const MAX_ACTIVITY_BYTES = 1024 * 1024;

export interface TeamsChannel extends ChatChannel {
  /** Resolves when every turn started so far has finished rendering (tests, graceful shutdown). */
  whenIdle(): Promise<void>;
  /** Runs a turn handed to `dispatch` (on a worker), replying through the stored conversation reference. */
  runJob(job: TeamsJob): Promise<void>;
}

export function createTeamsChannel(options: TeamsChannelOptions): TeamsChannel {
  const log = (options.logger ?? silentLogger).child({ channel: 'teams' });
  const transport =
    options.transport ??
    createBotbuilderTransport({
      ...(options.appId !== undefined ? { appId: options.appId } : {}),
      ...(options.appPassword !== undefined ? { appPassword: options.appPassword } : {}),
      ...(options.tenantId !== undefined ? { tenantId: options.tenantId } : {}),
      ...(options.appType !== undefined ? { appType: options.appType } : {}),
      logger: log,
    });
  const driver = options.driver;
  const refs = options.conversationReferences ?? new InMemoryConversationReferenceStore();
  const allowed = options.allowedTenants ? new Set(options.allowedTenants) : undefined;
  const streaming = options.streaming ?? true;
  const path = options.path ?? '/api/messages';
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;

  const track = (work: Promise<unknown>) => {
    const p = work.catch((error: unknown) => {
      log.error({ err: errorInfo(error) }, 'Teams: background turn failed');
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  const personaOf = (agentId: string): Persona =>
    driver.workflow.agents.get(agentId)?.persona ?? { displayName: agentId };

  /** Posts into a conversation through its latest stored reference (valid long after the request). */
  const proactiveSender = (conversationKey: string): ConversationSender => {
    const withRef = async <T>(fn: (sender: ConversationSender) => Promise<T>): Promise<T> => {
      const ref = await refs.get(conversationKey);
      if (!ref) throw new Error(`No conversation reference stored for ${conversationKey}.`);
      let out: T | undefined;
      await transport.continueConversation(ref, async (sender) => {
        out = await fn(sender);
      });
      return out as T;
    };
    return {
      send: (activity) => withRef((s) => s.send(activity)),
      update: (activity) => withRef((s) => s.update(activity)),
    };
  };

  const rendererFor = (conversationKey: string, scope: TeamsScope) =>
    new TeamsTurnRenderer({
      sender: proactiveSender(conversationKey),
      streaming: streaming && scope === 'personal',
      personaOf,
      logger: log.child({ conversation: conversationKey }),
      ...(options.streamTiming ? { streamTiming: options.streamTiming } : {}),
    });

  const onActivity = async (turn: InboundTurn): Promise<InvokeReply | undefined> => {
    const activity = turn.activity;
    const tenant = tenantOf(activity);
    if (allowed && (!tenant || !allowed.has(tenant))) {
      log.warn(
        { tenant: tenant ?? null, type: activity.type },
        'Teams: activity from a tenant not allowed; ignored',
      );
      return activity.type === 'invoke' ? { status: 403 } : undefined;
    }
    const conversationKey = conversationKeyOf(activity);
    if (!conversationKey) return undefined;
    await refs.set(conversationKey, turn.reference);
    const scope = scopeOf(activity);
    const renderer = () => rendererFor(conversationKey, scope);
    const clickDeps = { driver, personaOf, logger: log, invokeWaitMs: options.invokeWaitMs ?? 4000, track };
    const clickJob = (data: NonNullable<ReturnType<typeof parseApprovalData>>): TeamsJob => ({
      kind: 'click',
      conversationKey,
      scope,
      activity: {
        type: activity.type,
        ...(activity.id ? { id: activity.id } : {}),
        ...(activity.replyToId ? { replyToId: activity.replyToId } : {}),
        ...(activity.from ? { from: activity.from } : {}),
      },
      data,
    });

    if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') {
      const action = (activity.value as { action?: { data?: unknown } } | undefined)?.action;
      const data = parseApprovalData(action?.data);
      if (!data) return cardReply(noticeCard('This button is not one Baton knows.'));
      if (options.dispatch) {
        // The worker settles it and updates the card for everyone; the clicker sees this until then.
        await options.dispatch(clickJob(data));
        return cardReply(noticeCard(RECORDING_TEXT));
      }
      return handleApprovalClick(
        { activity, conversationKey, data, sender: proactiveSender(conversationKey), renderer: renderer() },
        clickDeps,
      );
    }
    if (activity.type !== 'message') return undefined;

    const submitted = parseApprovalData(activity.value);
    if (submitted && options.dispatch) {
      await options.dispatch(clickJob(submitted));
      return undefined;
    }
    if (submitted) {
      // Action.Submit fallback (clients without Universal Actions): no invoke answer, the card update shows it.
      track(
        handleApprovalClick(
          {
            activity,
            conversationKey,
            data: submitted,
            sender: proactiveSender(conversationKey),
            renderer: renderer(),
          },
          clickDeps,
        ),
      );
      return undefined;
    }
    const contents = messageContents(activity);
    if (contents.length === 0) return undefined;
    try {
      await turn.send({ type: 'typing' });
    } catch (error) {
      log.warn({ err: errorInfo(error) }, 'Teams: typing indicator failed');
    }
    const inbound: Extract<Inbound, { type: 'message' }> = {
      type: 'message',
      conversationKey,
      user: userOf(activity),
      contents,
      ...(activity.id ? { eventId: `teams:${conversationKeyOf(activity)}:${activity.id}` } : {}),
    };
    if (options.dispatch) {
      await options.dispatch({ kind: 'message', conversationKey, scope, inbound });
      return undefined;
    }
    const sink = renderer();
    track(driver.handle(inbound, sink).then((result) => sink.close(result)));
    return undefined;
  };

  const runJob = async (job: TeamsJob): Promise<void> => {
    const sink = rendererFor(job.conversationKey, job.scope);
    if (job.kind === 'message') {
      await sink.close(await driver.handle(job.inbound, sink));
      return;
    }
    // Nobody waits for an invoke answer here: run the click to its end, card update and resumed turn included.
    const work: Promise<unknown>[] = [];
    await handleApprovalClick(
      {
        activity: job.activity,
        conversationKey: job.conversationKey,
        data: job.data,
        sender: proactiveSender(job.conversationKey),
        renderer: sink,
      },
      { driver, personaOf, logger: log, invokeWaitMs: 0, track: (p) => work.push(p) },
    );
    while (work.length > 0) await Promise.all(work.splice(0));
  };

  const handler = async (c: Context): Promise<Response> => {
    if (stopped) return c.text('Shutting down.', 503);
    try {
      const answer = await transport.process(
        { method: c.req.method, headers: c.req.header(), body: await c.req.json() },
        onActivity,
      );
      return new Response(answer.body ?? null, { status: answer.status, headers: answer.headers });
    } catch (error) {
      log.error({ err: errorInfo(error) }, 'Teams: request failed');
      return c.text('Internal error.', 500);
    }
  };

  // Without authentication the endpoint is for this machine only: no proxies, no tunnels.
  const routes: HttpRoute[] = [
    {
      method: 'POST',
      path,
      policy: {
        audience: 'webhook',
        maxBodyBytes: MAX_ACTIVITY_BYTES,
        refuseForwarded: !transport.authenticationEnabled,
      },
      handler,
    },
  ];
  return {
    name: 'teams',
    routes,
    async stop() {
      stopped = true;
      await waitIdle(inFlight);
    },
    whenIdle: () => waitIdle(inFlight),
    runJob,
    describe() {
      const auth = transport.authenticationEnabled
        ? `authentication on (app ${options.appId}, ${options.appType ?? 'SingleTenant'})`
        : 'authentication OFF (no MicrosoftAppId: local use with Agents Playground only)';
      const tenants = allowed ? `tenants ${[...allowed].join(', ')}` : 'all tenants';
      return `Teams: on — POST ${path}, ${auth}, ${tenants}, streaming ${streaming ? 'on' : 'off'} in personal chats`;
    },
  };
}

async function waitIdle(inFlight: Set<Promise<unknown>>): Promise<void> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
}

function errorInfo(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
