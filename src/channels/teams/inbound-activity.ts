/** Reading a Teams activity: its conversation key and tenant, the user's text without the bot's @mention, files. */
import type { Content } from '../../agents/messages.js';
import { BARE_MENTION_PROMPT } from '../bare-mention.js';
import type { ChannelUser } from '../conversation-driver.js';
import type { TeamsActivity, TeamsAttachment } from './bot-adapter.js';

export type TeamsScope = 'personal' | 'groupChat' | 'channel';

export function tenantOf(activity: TeamsActivity): string | undefined {
  const fromChannelData = (activity.channelData?.tenant as { id?: unknown } | undefined)?.id;
  return (
    activity.conversation?.tenantId ?? (typeof fromChannelData === 'string' ? fromChannelData : undefined)
  );
}

/** `teams:{tenantId}:{conversation.id}`; channel threads keep their `;messageid=…` suffix (one key per thread). */
export function conversationKeyOf(activity: TeamsActivity): string | undefined {
  const conversationId = activity.conversation?.id;
  if (!conversationId) return undefined;
  return `teams:${tenantOf(activity) ?? 'unknown'}:${conversationId}`;
}

export function scopeOf(activity: TeamsActivity): TeamsScope {
  const t = activity.conversation?.conversationType;
  if (t === 'channel' || t === 'groupChat') return t;
  return activity.conversation?.isGroup ? 'groupChat' : 'personal';
}

/** The person: Entra object id when Teams sends it (stable across chats), else the channel account id. */
export function userOf(activity: TeamsActivity): ChannelUser {
  const from = activity.from;
  const user: ChannelUser = { id: from?.aadObjectId ?? from?.id ?? 'unknown' };
  if (from?.name) user.name = from.name;
  return user;
}

/** Removes the bot's own `<at>…</at>` mention (Teams puts it in the text of group and channel messages). */
export function textWithoutBotMention(activity: TeamsActivity): string {
  let text = activity.text ?? '';
  const botId = activity.recipient?.id;
  for (const entity of activity.entities ?? []) {
    if (entity.type !== 'mention') continue;
    const mentioned = entity.mentioned as { id?: unknown } | undefined;
    if (mentioned?.id !== botId || typeof entity.text !== 'string') continue;
    text = text.split(entity.text).join('');
  }
  if (activity.recipient?.name) {
    text = text.split(`<at>${activity.recipient.name}</at>`).join('');
  }
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const FILE_DOWNLOAD = 'application/vnd.microsoft.teams.file.download.info';

/**
 * Images and files the user attached, as a note the agent can explain. Never as links: inline images need
 * the bot's token and file links are expiring, pre-authenticated OneDrive URLs — a model provider cannot
 * fetch the first, must not receive the second, and either would break every later turn of the thread.
 */
export function attachmentContents(attachments: readonly TeamsAttachment[] = []): Content[] {
  const out: Content[] = [];
  for (const a of attachments) {
    let mediaType: string | undefined;
    if (a.contentType === FILE_DOWNLOAD) {
      const info = (a.content ?? {}) as { downloadUrl?: unknown; fileType?: unknown };
      if (typeof info.downloadUrl !== 'string') continue;
      mediaType = mediaTypeOfFile(a.name, info.fileType);
    } else if (a.contentUrl && !a.contentType.startsWith('text/html')) {
      // Inline images (`image/*`) and other hosted content; `text/html` is Teams' copy of the message body.
      mediaType = a.contentType === 'image' ? 'image/png' : a.contentType;
      if (!mediaType.includes('/')) continue;
    } else continue;
    const label = a.name ? `"${a.name}" (${mediaType})` : `(${mediaType})`;
    out.push({ type: 'text', text: `[File ${label} was shared in Teams but not read]` });
  }
  return out;
}

/** What the user sent; a message that is only the bot's @mention becomes `bareMentionPrompt`. */
export function messageContents(
  activity: TeamsActivity,
  bareMentionPrompt: string = BARE_MENTION_PROMPT,
): Content[] {
  let text = textWithoutBotMention(activity);
  const files = attachmentContents(activity.attachments);
  const mentioned = (activity.text ?? '').replace(/&nbsp;/g, ' ').trim() !== '';
  if (!text && files.length === 0 && mentioned) text = bareMentionPrompt;
  return [...(text ? [{ type: 'text' as const, text }] : []), ...files];
}

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function mediaTypeOfFile(name: string | undefined, fileType: unknown): string {
  const ext = (typeof fileType === 'string' ? fileType : (name?.split('.').pop() ?? '')).toLowerCase();
  return MEDIA_TYPES[ext] ?? 'application/octet-stream';
}
