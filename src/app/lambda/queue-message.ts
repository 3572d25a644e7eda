/**
 * The SQS message between the Lambda ingress and the worker: one turn as plain JSON, validated on read with a
 * `schemaVersion` (a worker deployed before or after the ingress must refuse, not misread, another shape).
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ContentSchema } from '../../agents/messages.js';
import type { SlackJob } from '../../channels/slack/slack-job.js';
import type { TeamsJob } from '../../channels/teams/teams-job.js';

export const QUEUE_MESSAGE_SCHEMA_VERSION = 1;

// `external` must survive the queue: dropping it would let a Slack Connect user approve on the worker.
const UserSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  external: z.boolean().optional(),
});

const MessageInboundSchema = z.object({
  type: z.literal('message'),
  conversationKey: z.string().min(1),
  user: UserSchema,
  contents: z.array(ContentSchema),
  eventId: z.string().optional(),
});

const DecisionInboundSchema = z.object({
  type: z.literal('decision'),
  conversationKey: z.string().min(1),
  user: UserSchema,
  requestId: z.string().min(1),
  approved: z.boolean(),
  eventId: z.string().optional(),
});

const SlackThreadSchema = z.object({
  workspace: z.string().min(1),
  channel: z.string().min(1),
  threadTs: z.string().min(1),
  userId: z.string().min(1),
  teamId: z.string().optional(),
  installTeamId: z.string().optional(),
  enterpriseId: z.string().optional(),
  isEnterpriseInstall: z.boolean().optional(),
});

const TeamsScopeSchema = z.enum(['personal', 'groupChat', 'channel']);

const RenderSchema = z.discriminatedUnion('channel', [
  z.object({
    channel: z.literal('slack'),
    thread: SlackThreadSchema,
    /** Clicks only: the card to close once the decision is settled. */
    card: z.object({ messageTs: z.string().min(1), blocks: z.array(z.unknown()) }).optional(),
  }),
  z.object({
    channel: z.literal('teams'),
    scope: TeamsScopeSchema,
    /** Clicks only: who clicked which card, and the button's data. */
    click: z
      .object({
        activity: z.object({
          type: z.string(),
          id: z.string().optional(),
          replyToId: z.string().optional(),
          from: z
            .object({ id: z.string(), name: z.string().optional(), aadObjectId: z.string().optional() })
            .optional(),
        }),
        data: z.object({ kind: z.literal('baton.approval'), requestId: z.string(), approved: z.boolean() }),
      })
      .optional(),
  }),
]);

export const QueueMessageSchema = z
  .object({
    schemaVersion: z.literal(QUEUE_MESSAGE_SCHEMA_VERSION),
    conversationKey: z.string().min(1),
    inbound: z.discriminatedUnion('type', [MessageInboundSchema, DecisionInboundSchema]),
    render: RenderSchema,
  })
  .refine((m) => m.inbound.conversationKey === m.conversationKey, {
    message: 'inbound.conversationKey must equal conversationKey',
  });

export type QueueMessage = z.infer<typeof QueueMessageSchema>;

export function slackQueueMessage(job: SlackJob): QueueMessage {
  return {
    schemaVersion: QUEUE_MESSAGE_SCHEMA_VERSION,
    conversationKey: job.inbound.conversationKey,
    inbound: job.inbound,
    render: { channel: 'slack', thread: job.thread, ...(job.kind === 'click' ? { card: job.card } : {}) },
  };
}

export function teamsQueueMessage(job: TeamsJob): QueueMessage {
  if (job.kind === 'message') {
    return {
      schemaVersion: QUEUE_MESSAGE_SCHEMA_VERSION,
      conversationKey: job.conversationKey,
      inbound: job.inbound,
      render: { channel: 'teams', scope: job.scope },
    };
  }
  // The decision as the driver will see it, so the queue message reads the same for both channels.
  const user = job.activity.from;
  return {
    schemaVersion: QUEUE_MESSAGE_SCHEMA_VERSION,
    conversationKey: job.conversationKey,
    inbound: {
      type: 'decision',
      conversationKey: job.conversationKey,
      user: { id: user?.aadObjectId ?? user?.id ?? 'unknown', ...(user?.name ? { name: user.name } : {}) },
      requestId: job.data.requestId,
      approved: job.data.approved,
      ...(job.activity.id ? { eventId: `teams:${job.activity.id}` } : {}),
    },
    render: { channel: 'teams', scope: job.scope, click: { activity: job.activity, data: job.data } },
  };
}

/** Throws a ZodError (the worker reports the record as failed; it ends in the dead-letter queue). */
export function parseQueueMessage(body: string): QueueMessage {
  return QueueMessageSchema.parse(JSON.parse(body));
}

export type ChannelJob = { channel: 'slack'; job: SlackJob } | { channel: 'teams'; job: TeamsJob };

/** The job the channel runs, back from the queue message. */
export function jobOf(message: QueueMessage): ChannelJob {
  const { inbound, render, conversationKey } = message;
  if (render.channel === 'slack') {
    if (inbound.type === 'message')
      return { channel: 'slack', job: { kind: 'message', inbound, thread: render.thread } };
    if (!render.card) throw new Error('A Slack decision needs the clicked card.');
    return { channel: 'slack', job: { kind: 'click', inbound, thread: render.thread, card: render.card } };
  }
  if (inbound.type === 'message') {
    return { channel: 'teams', job: { kind: 'message', conversationKey, scope: render.scope, inbound } };
  }
  if (!render.click) throw new Error('A Teams decision needs the click.');
  return {
    channel: 'teams',
    job: {
      kind: 'click',
      conversationKey,
      scope: render.scope,
      activity: render.click.activity,
      data: render.click.data,
    },
  };
}

/**
 * SQS ids (`MessageGroupId`, `MessageDeduplicationId`) allow at most 128 characters of alphanumerics and
 * punctuation: longer or other ids (Teams conversation ids run long) become their SHA-256, stable across retries.
 */
export function sqsId(value: string | undefined): string {
  if (value === undefined) return randomUUID();
  if (value.length <= 128 && /^[\x21-\x7e]+$/.test(value)) return value;
  return createHash('sha256').update(value).digest('hex');
}
