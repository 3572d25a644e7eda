/**
 * Slack events and clicks → the driver's `Inbound`: which messages Baton answers, the conversation key of a
 * thread, and the delivery keys that make Slack's retries and its app_mention + message pair count once.
 */
import type { Content } from '../../agents/messages.js';
import { BARE_MENTION_PROMPT } from '../bare-mention.js';
import type { Inbound } from '../conversation-driver.js';
import { isExternalSlackUser } from './approvers.js';
import { type SlackFile, unreadFileContents } from './files.js';

export type { SlackFile } from './files.js';

/** The fields of a Slack message or app_mention event that Baton reads. */
export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
  /** The author's own team (differs from the envelope's in Slack Connect channels). */
  user_team?: string;
  files?: readonly SlackFile[];
}

/** `slack:{enterprise_id ?? team_id}:{channel}:{thread root ts}` — the only identity that crosses layers. */
export function conversationKey(workspace: string, channel: string, threadTs: string): string {
  return `slack:${workspace}:${channel}:${threadTs}`;
}

/**
 * One key per Slack message, whichever event delivers it: Slack sends both `app_mention` and `message.*` for a
 * mention (with different `event_id`s), and retries reuse the message's channel and ts.
 */
export function messageDeliveryKey(workspace: string, channel: string, ts: string): string {
  return `slack:msg:${workspace}:${channel}:${ts}`;
}

/** One key per click: a redelivered click repeats its `action_ts`; a second click has a new one. */
export function actionDeliveryKey(
  workspace: string,
  channel: string,
  messageTs: string,
  actionTs: string,
): string {
  return `slack:action:${workspace}:${channel}:${messageTs}:${actionTs}`;
}

/**
 * Subtypes that are still a person talking: a message with an uploaded file arrives as `file_share`, a thread
 * reply also sent to the channel as `thread_broadcast`.
 */
const USER_SUBTYPES = new Set(['file_share', 'thread_broadcast']);

export interface BotIdentity {
  botUserId?: string;
  botId?: string;
}

/** Edits, deletions, joins, bot posts (ours or others') and our own messages are not user turns. */
export function isUserMessage(event: SlackMessageEvent, bot: BotIdentity): boolean {
  if (event.subtype !== undefined && !USER_SUBTYPES.has(event.subtype)) return false;
  if (event.bot_id !== undefined) return false;
  if (event.user === undefined || event.user === bot.botUserId) return false;
  return true;
}

export function isDirectMessage(event: SlackMessageEvent): boolean {
  return event.channel_type === 'im' || event.channel.startsWith('D');
}

/** Removes mentions of the bot (`<@U123>` or `<@U123|name>`) and the spaces they leave. */
export function stripBotMention(text: string, botUserId: string | undefined): string {
  if (!botUserId) return text.trim();
  const mention = new RegExp(`<@${escapeRegExp(botUserId)}(?:\\|[^>]*)?>`, 'g');
  return text
    .replace(mention, ' ')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/**
 * Files as text placeholders, without downloading them. Never `uri` contents: no model provider can fetch
 * Slack's `url_private` (it needs the bot token), and a failed fetch would fail every later turn of the thread.
 * The channel replaces these with what `readSlackFiles` downloaded before the turn runs.
 */
export function fileContents(files: readonly SlackFile[] | undefined): Content[] {
  return unreadFileContents(files);
}

/**
 * The driver inbound for a user message (call `isUserMessage` first). Undefined when it carries nothing; a
 * message that is only the bot's @mention carries `bareMentionPrompt`. `files` are the message's files as read
 * by `readSlackFiles` (default: a placeholder for each).
 */
export function messageInbound(
  event: SlackMessageEvent,
  workspace: string,
  bot: BotIdentity,
  files: readonly Content[] = fileContents(event.files),
  bareMentionPrompt: string = BARE_MENTION_PROMPT,
): Extract<Inbound, { type: 'message' }> | undefined {
  const raw = event.text ?? '';
  let text = stripBotMention(raw, bot.botUserId);
  if (!text && files.length === 0 && text !== raw.trim()) text = bareMentionPrompt;
  const contents: Content[] = [...(text ? [{ type: 'text' as const, text }] : []), ...files];
  if (contents.length === 0 || event.user === undefined) return undefined;
  return {
    type: 'message',
    conversationKey: conversationKey(workspace, event.channel, event.thread_ts ?? event.ts),
    user: {
      id: event.user,
      // A Slack Connect user may chat; the approver policy keeps them from approving by default.
      ...(workspace.startsWith('T') && isExternalSlackUser({ userTeamId: event.user_team, teamId: workspace })
        ? { external: true }
        : {}),
    },
    contents,
    eventId: messageDeliveryKey(workspace, event.channel, event.ts),
  };
}

/** The inbound with its file placeholders (the last `files.length` contents) replaced by what was read. */
export function withFiles(
  inbound: Extract<Inbound, { type: 'message' }>,
  files: readonly SlackFile[],
  read: readonly Content[],
): Extract<Inbound, { type: 'message' }> {
  const kept = inbound.contents.slice(0, Math.max(0, inbound.contents.length - files.length));
  return { ...inbound, contents: [...kept, ...read] };
}

/** Narrows an event from Bolt (a wide union) to the fields above, or undefined if it is not a message. */
export function asMessageEvent(event: unknown): SlackMessageEvent | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as Record<string, unknown>;
  if (typeof e.ts !== 'string' || typeof e.channel !== 'string' || typeof e.type !== 'string')
    return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const files = Array.isArray(e.files)
    ? e.files.filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null)
    : [];
  const out: SlackMessageEvent = { type: e.type, ts: e.ts, channel: e.channel };
  const optional = {
    subtype: str(e.subtype),
    user: str(e.user),
    bot_id: str(e.bot_id),
    text: str(e.text),
    thread_ts: str(e.thread_ts),
    channel_type: str(e.channel_type),
    user_team: str(e.user_team),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) Object.assign(out, { [k]: v });
  if (files.length > 0) {
    out.files = files.map((f) => {
      const file: SlackFile = {};
      for (const key of ['id', 'name', 'title', 'mimetype', 'url_private', 'url_private_download'] as const) {
        const v = f[key];
        if (typeof v === 'string') file[key] = v;
      }
      if (typeof f.size === 'number' && Number.isFinite(f.size)) file.size = f.size;
      return file;
    });
  }
  return out;
}

/** The workspace an envelope or click belongs to: the org for Enterprise Grid, else the team. */
export function workspaceOf(ids: {
  enterpriseId?: string | null;
  teamId?: string | null;
}): string | undefined {
  return ids.enterpriseId || ids.teamId || undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
