/**
 * Posts and edits messages in a thread under an agent's persona (`username` + icon). Where a workspace refuses
 * the override, it posts as the app with a context-block header naming the agent, and remembers that.
 */
import type { types, webApi } from '@slack/bolt';
import type { Persona } from '../../agents/agent.js';
import type { Logger } from '../logger.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { isPersonaRefusal, type WorkspaceCapabilities } from './workspace-capabilities.js';

type AnyBlock = types.Block | types.KnownBlock;

/** Where a turn's messages go: one Slack thread, with the client authorized for its workspace. */
export interface ThreadTarget {
  client: webApi.WebClient;
  /** `enterprise_id ?? team_id`: the unit capabilities are remembered for. */
  workspace: string;
  channel: string;
  threadTs: string;
  /** The person whose message or click started this turn (native streaming's recipient). */
  userId: string;
  /** The team of that person (native streaming's `recipient_team_id`). */
  teamId?: string;
}

export interface MessageContent {
  /** Notification and accessibility fallback. */
  text: string;
  blocks?: AnyBlock[];
}

export interface PostedMessage {
  ts: string;
  /** Posted with the name header instead of a persona override: edits must keep the header. */
  withHeader: boolean;
}

export class PersonaPoster {
  constructor(
    private readonly capabilities: WorkspaceCapabilities,
    private readonly logger: Logger,
  ) {}

  usesPersona(workspace: string): boolean {
    return this.capabilities.allows(workspace, 'persona');
  }

  /** Posts in the thread; `persona` undefined posts as the app itself (notices, handoff lines). */
  async post(
    target: ThreadTarget,
    persona: Persona | undefined,
    content: MessageContent,
  ): Promise<PostedMessage> {
    if (persona && this.usesPersona(target.workspace)) {
      try {
        // The SDK's argument type is a union keyed on which icon is set; personaFields sets at most one.
        const res = await target.client.chat.postMessage({
          channel: target.channel,
          thread_ts: target.threadTs,
          text: content.text,
          ...(content.blocks ? { blocks: content.blocks } : {}),
          ...personaFields(persona),
          unfurl_links: false,
        } as webApi.ChatPostMessageArguments);
        return { ts: requireTs(res.ts), withHeader: false };
      } catch (error) {
        if (!isPersonaRefusal(error)) throw error;
        this.capabilities.refuse(target.workspace, 'persona');
        this.logger.warn(
          { workspace: target.workspace },
          'Slack refused persona overrides (add the chat:write.customize scope); using name headers instead',
        );
      }
    }
    const withHeader = persona !== undefined;
    const blocks = withHeader
      ? [personaHeader(persona), ...(content.blocks ?? textBlocks(content.text))]
      : content.blocks;
    const res = await target.client.chat.postMessage({
      channel: target.channel,
      thread_ts: target.threadTs,
      text: content.text,
      ...(blocks ? { blocks } : {}),
      unfurl_links: false,
    });
    return { ts: requireTs(res.ts), withHeader };
  }

  /** Edits a message posted by `post` (the persona set at posting stays; `chat.update` cannot change it). */
  async update(
    target: ThreadTarget,
    message: PostedMessage,
    persona: Persona | undefined,
    content: MessageContent,
  ): Promise<void> {
    const blocks =
      message.withHeader && persona
        ? [personaHeader(persona), ...(content.blocks ?? textBlocks(content.text))]
        : content.blocks;
    await target.client.chat.update({
      channel: target.channel,
      ts: message.ts,
      text: content.text,
      ...(blocks ? { blocks } : {}),
    });
  }
}

/** `username` plus one icon (`icon_emoji` wins, as in Slack). */
export function personaFields(persona: Persona): {
  username: string;
  icon_emoji?: string;
  icon_url?: string;
} {
  if (persona.iconEmoji) return { username: persona.displayName, icon_emoji: persona.iconEmoji };
  if (persona.iconUrl) return { username: persona.displayName, icon_url: persona.iconUrl };
  return { username: persona.displayName };
}

/** The fallback identity line: "🤖 *Refund Agent*" as a context block. */
export function personaHeader(persona: Persona): types.KnownBlock {
  const name = `*${escapeMrkdwn(persona.displayName)}*`;
  if (persona.iconUrl && !persona.iconEmoji) {
    return {
      type: 'context',
      elements: [
        { type: 'image', image_url: persona.iconUrl, alt_text: persona.displayName },
        { type: 'mrkdwn', text: name },
      ],
    };
  }
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${persona.iconEmoji ?? ':robot_face:'} ${name}` }],
  };
}

/** Agent text as a `markdown` block: models write Markdown, which Slack's mrkdwn `text` would mangle. */
export function textBlocks(text: string): types.KnownBlock[] {
  return [{ type: 'markdown', text }];
}

function requireTs(ts: string | undefined): string {
  if (!ts) throw new Error('Slack accepted the message but returned no ts.');
  return ts;
}
