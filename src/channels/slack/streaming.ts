/**
 * One agent reply appearing while it is generated. Native streaming (`chat.startStream` → `appendStream` →
 * `stopStream`) where the workspace accepts it; otherwise `chat.postMessage` then `chat.update` at most once per
 * interval. A reply longer than one message continues in further messages.
 */
import type { Persona } from '../../agents/agent.js';
import type { Logger } from '../logger.js';
import { SLACK_LIMITS, splitMessage } from './message-splitter.js';
import { escapeMrkdwn } from './mrkdwn.js';
import {
  type PersonaPoster,
  type PostedMessage,
  personaFields,
  type ThreadTarget,
  textBlocks,
} from './persona-poster.js';
import { slackErrorCode, type WorkspaceCapabilities } from './workspace-capabilities.js';

/**
 * `auto` (default): native streaming, falling back to `update` per workspace when Slack refuses it (any
 * `{ ok: false }` from `chat.startStream`: `unknown_method`, `missing_scope`, `channel_type_not_supported`, …).
 * `native`: the same today (a name for configs that insist). `update`: never use the streaming API — choose it
 * if agent names do not show on streamed replies in your workspace: Slack documents `username`/`icon_*` on
 * `chat.startStream`, but older reports say streamed messages ignored them.
 *
 * Native streams always carry `recipient_user_id` (the person whose message or click started the turn) and
 * `recipient_team_id` (their team), which Slack requires outside DMs, and `thread_ts` (streams must reply to a
 * user's message).
 */
export type StreamingMode = 'auto' | 'native' | 'update';

export interface MessageStream {
  append(delta: string): Promise<void>;
  /** Ends the message; `finalText` (the agent's complete reply) replaces what was streamed. */
  finish(finalText?: string): Promise<void>;
}

export interface StreamContext {
  poster: PersonaPoster;
  capabilities: WorkspaceCapabilities;
  target: ThreadTarget;
  persona: Persona;
  mode: StreamingMode;
  intervalMs: number;
  logger: Logger;
  now?: () => number;
}

/** A stream for one agent reply, native when the workspace allows it. */
export function openStream(ctx: StreamContext): MessageStream {
  const native =
    ctx.mode !== 'update' &&
    ctx.capabilities.allows(ctx.target.workspace, 'native_streaming') &&
    // Without persona overrides only `update` mode can show the agent's name header.
    ctx.poster.usesPersona(ctx.target.workspace);
  return native ? new FallbackStream(ctx) : new UpdateStream(ctx);
}

/** postMessage, then chat.update with the whole text so far, throttled; further messages past the limit. */
export class UpdateStream implements MessageStream {
  private text = '';
  private readonly posted: { message: PostedMessage; content: string }[] = [];
  private lastFlush = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(
    private readonly ctx: StreamContext,
    initialText = '',
  ) {
    this.text = initialText;
    this.now = ctx.now ?? Date.now;
  }

  async append(delta: string): Promise<void> {
    this.text += delta;
    // The first piece goes out at once (the reply appears); edits wait for the interval.
    if (this.now() - this.lastFlush >= this.ctx.intervalMs) await this.flush();
  }

  async finish(finalText?: string): Promise<void> {
    if (finalText !== undefined && finalText.trim() !== '') this.text = finalText;
    await this.flush();
  }

  private async flush(): Promise<void> {
    const pieces = splitMessage(this.text);
    if (pieces.length === 0) return;
    const { poster, target, persona } = this.ctx;
    for (const [i, piece] of pieces.entries()) {
      // The `text` fallback (notifications) is mrkdwn: escape it so model output cannot @channel anyone.
      const content = { text: escapeMrkdwn(piece), blocks: textBlocks(piece) };
      const existing = this.posted[i];
      if (!existing) {
        this.posted.push({ message: await poster.post(target, persona, content), content: piece });
      } else if (existing.content !== piece) {
        await poster.update(target, existing.message, persona, content);
        existing.content = piece;
      }
    }
    // Measured from the end of the calls: Slack sees at most one edit per interval, however slow it answers.
    this.lastFlush = this.now();
  }
}

/** Errors after which the stream is over on Slack's side: stop appending, keep the turn going. */
const TERMINAL_STREAM_ERRORS = new Set(['message_not_in_streaming_state', 'stopped_by_user']);

/** Native streaming that turns into an `UpdateStream` if Slack refuses to start it. */
class FallbackStream implements MessageStream {
  private ts: string | undefined;
  private fallback: UpdateStream | undefined;
  private sent = '';
  private pending = '';
  private lastFlush = Number.NEGATIVE_INFINITY;
  private over = false;
  private readonly now: () => number;

  constructor(private readonly ctx: StreamContext) {
    this.now = ctx.now ?? Date.now;
  }

  async append(delta: string): Promise<void> {
    if (this.fallback) return this.fallback.append(delta);
    this.pending += delta;
    if (this.ts === undefined) {
      if (this.pending.trim() !== '') await this.start();
    } else if (this.now() - this.lastFlush >= this.ctx.intervalMs) {
      await this.flush();
    }
  }

  async finish(finalText?: string): Promise<void> {
    if (this.fallback) return this.fallback.finish(finalText);
    if (finalText !== undefined && finalText.trim() !== '') {
      // The final text is authoritative: send whatever of it Slack has not seen yet.
      if (finalText.startsWith(this.sent)) this.pending = finalText.slice(this.sent.length);
    }
    if (this.ts === undefined) {
      if (this.pending.trim() === '') return;
      await this.start();
      if (this.fallback) return (this.fallback as UpdateStream).finish();
    }
    await this.flush();
    if (this.ts === undefined || this.over) return;
    try {
      await this.ctx.target.client.chat.stopStream({ channel: this.ctx.target.channel, ts: this.ts });
    } catch (error) {
      this.ctx.logger.warn({ error: slackErrorCode(error) ?? String(error) }, 'chat.stopStream failed');
    }
    this.over = true;
  }

  private async start(): Promise<void> {
    const { target, persona } = this.ctx;
    const first = this.pending.slice(0, SLACK_LIMITS.streamChunk);
    try {
      const res = await target.client.chat.startStream({
        channel: target.channel,
        thread_ts: target.threadTs,
        // Required outside DMs: the person the reply answers, and their team.
        recipient_user_id: target.userId,
        ...(target.teamId ? { recipient_team_id: target.teamId } : {}),
        markdown_text: first,
        ...personaFields(persona),
      });
      if (!res.ts) throw new Error('chat.startStream returned no ts');
      this.ts = res.ts;
      this.sent = first;
      this.pending = this.pending.slice(first.length);
      this.lastFlush = this.now();
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === undefined) throw error;
      // unknown_method, missing_scope, channel_type_not_supported, …: this workspace streams by editing.
      this.ctx.capabilities.refuse(target.workspace, 'native_streaming');
      this.ctx.logger.warn(
        { workspace: target.workspace, error: code },
        'native streaming refused; using chat.update',
      );
      this.fallback = new UpdateStream(this.ctx, this.pending);
      this.pending = '';
      await this.fallback.append('');
    }
  }

  private async flush(): Promise<void> {
    if (this.ts === undefined || this.over) return;
    while (this.pending.length > 0) {
      const chunk = this.pending.slice(0, SLACK_LIMITS.streamChunk);
      try {
        await this.ctx.target.client.chat.appendStream({
          channel: this.ctx.target.channel,
          ts: this.ts,
          markdown_text: chunk,
        });
      } catch (error) {
        const code = slackErrorCode(error);
        if (code !== undefined && TERMINAL_STREAM_ERRORS.has(code)) {
          this.over = true;
          return;
        }
        throw error;
      }
      this.sent += chunk;
      this.pending = this.pending.slice(chunk.length);
    }
    this.lastFlush = this.now();
  }
}
