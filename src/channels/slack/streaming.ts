/**
 * One agent reply appearing while it is generated. Native streaming (`chat.startStream` → `appendStream` →
 * `stopStream`) where the workspace accepts it; otherwise `chat.postMessage` then `chat.update` at most once per
 * interval. A reply longer than one message continues in further messages.
 */
import type { Persona } from '../../agents/agent.js';
import type { Logger } from '../logger.js';
import { findBreak, openFence, SLACK_LIMITS, safeCut, splitMessage } from './message-splitter.js';
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
 * `chat.startStream`, but older reports say streamed messages ignored them. `off`: no streaming at all — each
 * reply is posted once complete (split like any long message).
 *
 * Native streams always carry `recipient_user_id` (the person whose message or click started the turn) and
 * `recipient_team_id` (their team), which Slack requires outside DMs, and `thread_ts` (streams must reply to a
 * user's message).
 */
export type StreamingMode = 'auto' | 'native' | 'update' | 'off';

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
  if (ctx.mode === 'off') return new CompleteReply(ctx);
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

/** `off`: nothing shows while the reply is written; the complete reply is posted (in pieces if long). */
class CompleteReply implements MessageStream {
  private text = '';

  constructor(private readonly ctx: StreamContext) {}

  async append(delta: string): Promise<void> {
    this.text += delta;
  }

  async finish(finalText?: string): Promise<void> {
    await new UpdateStream(this.ctx, this.text).finish(finalText);
  }
}

/** Errors after which the stream is over on Slack's side: stop appending, keep the turn going. */
const TERMINAL_STREAM_ERRORS = new Set(['message_not_in_streaming_state', 'stopped_by_user']);

/** Room kept in each streamed message for closing a code fence cut in two ("\n```"). */
const FENCE_ROOM = 4;

/**
 * Native streaming that turns into an `UpdateStream` if Slack refuses to start it. A reply longer than
 * {@link SLACK_LIMITS.streamedMessage} continues in a new streamed message, cut at a paragraph, line, sentence
 * or word as the non-streaming path does, with a code fence cut in two closed and reopened.
 */
class FallbackStream implements MessageStream {
  /** The current streamed message, once started. */
  private ts: string | undefined;
  /** What the current message shows (with a reopened fence line), to know how full it is. */
  private shown = '';
  private fallback: UpdateStream | undefined;
  /** The part of the reply Slack has been given, across all its messages. */
  private consumed = '';
  private pending = '';
  /** Text the next message starts with that is not part of the reply (a reopened code fence). */
  private carry = '';
  private lastFlush = Number.NEGATIVE_INFINITY;
  private over = false;
  private readonly now: () => number;

  constructor(private readonly ctx: StreamContext) {
    this.now = ctx.now ?? Date.now;
  }

  async append(delta: string): Promise<void> {
    if (this.fallback) return this.fallback.append(delta);
    this.pending += delta;
    if (!this.started()) {
      if (this.pending.trim() !== '') await this.start();
    } else if (this.now() - this.lastFlush >= this.ctx.intervalMs) {
      await this.flush();
    }
  }

  async finish(finalText?: string): Promise<void> {
    if (this.fallback) return this.fallback.finish(finalText);
    if (finalText !== undefined && finalText.trim() !== '') {
      // The final text is authoritative: send whatever of it Slack has not seen yet.
      if (finalText.startsWith(this.consumed)) this.pending = finalText.slice(this.consumed.length);
    }
    if (!this.started()) {
      if (this.pending.trim() === '') return;
      await this.start();
      if (this.fallback) return (this.fallback as UpdateStream).finish();
    } else {
      await this.flush();
    }
    await this.stop();
  }

  private started(): boolean {
    return this.ts !== undefined || this.consumed !== '';
  }

  /** The reply's first message; a refusal to start it switches this reply (and the workspace) to `update`. */
  private async start(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === undefined || this.started()) throw error;
      // unknown_method, missing_scope, channel_type_not_supported, …: this workspace streams by editing.
      const { target } = this.ctx;
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

  /**
   * Sends what is pending: into the current message while it has room, then into new ones. A message's last
   * piece ends at a natural break, and the message is stopped before the next one starts.
   */
  private async flush(): Promise<void> {
    while (!this.over && this.pending.trim() !== '') {
      if (this.ts === undefined) this.skipLeadingSpace();
      const room =
        SLACK_LIMITS.streamedMessage - FENCE_ROOM - (this.ts ? this.shown.length : this.carry.length);
      const fits = this.pending.length <= room;
      const cut = fits ? this.pending.length : this.cutAt(room);
      // One call per piece: a message holds less than one call's `markdown_text` limit.
      const piece = this.pending.slice(0, cut);
      if (piece !== '') await this.send(piece);
      this.consumed += piece;
      this.pending = this.pending.slice(cut);
      if (fits || this.over) break;
      // Full: close a fence left open, end this message; the rest starts the next one.
      const fence = openFence(this.shown);
      if (fence !== undefined) await this.send('\n```');
      if (this.over) break;
      await this.stop();
      this.ts = undefined;
      this.shown = '';
      this.over = false;
      this.carry = fence !== undefined ? `${fence}\n` : '';
    }
    this.lastFlush = this.now();
  }

  /** Where to end the current message when the pending text does not fit in its `room`. */
  private cutAt(room: number): number {
    const natural = findBreak(this.pending, room, Math.floor(room / 2));
    if (natural > 0) return natural;
    const any = findBreak(this.pending, room, 1);
    if (any > 0) return any;
    // No break at all: end the message where it is, unless it is new (then cut mid-word).
    return this.ts !== undefined ? 0 : safeCut(this.pending, room);
  }

  /** A new message does not start with the whitespace at the cut (it still counts as sent). */
  private skipLeadingSpace(): void {
    const space = /^\s*/u.exec(this.pending)?.[0] ?? '';
    this.consumed += space;
    this.pending = this.pending.slice(space.length);
  }

  /** Starts the message with `text` (after any carried fence line), or appends `text` to it. */
  private async send(text: string): Promise<void> {
    const { target, persona } = this.ctx;
    if (this.ts === undefined) {
      const res = await target.client.chat.startStream({
        channel: target.channel,
        thread_ts: target.threadTs,
        // Required outside DMs: the person the reply answers, and their team.
        recipient_user_id: target.userId,
        ...(target.teamId ? { recipient_team_id: target.teamId } : {}),
        markdown_text: this.carry + text,
        ...personaFields(persona),
      });
      if (!res.ts) throw new Error('chat.startStream returned no ts');
      this.ts = res.ts;
      this.shown = this.carry + text;
      this.carry = '';
      return;
    }
    try {
      await target.client.chat.appendStream({ channel: target.channel, ts: this.ts, markdown_text: text });
      this.shown += text;
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === undefined || !TERMINAL_STREAM_ERRORS.has(code)) throw error;
      this.over = true;
    }
  }

  private async stop(): Promise<void> {
    if (this.ts === undefined || this.over) return;
    try {
      await this.ctx.target.client.chat.stopStream({ channel: this.ctx.target.channel, ts: this.ts });
    } catch (error) {
      this.ctx.logger.warn({ error: slackErrorCode(error) ?? String(error) }, 'chat.stopStream failed');
    }
    this.over = true;
  }
}
