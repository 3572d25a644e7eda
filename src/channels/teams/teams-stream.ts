/**
 * One streamed message in a Teams personal chat (the `streaminfo` protocol): an `informative` typing activity
 * (sequence 1) whose response id becomes the stream id, then `streaming` typing activities with the *whole*
 * text so far and increasing sequence numbers, then a `final` message without a sequence. Updates are sent one
 * at a time, each after the previous succeeded and at least `minIntervalMs` later (Teams throttles faster
 * streams); a stream must end within 2 minutes, so after `maxDurationMs` it stops updating and ends early.
 * Any failure (405 outside personal chats, 403 when the user pressed Stop) ends streaming quietly: the caller
 * then sends the answer as a normal message.
 */
import type { Logger } from '../logger.js';
import type { ConversationSender, OutgoingActivity, TeamsEntity } from './bot-adapter.js';
import { streamedSummary } from './preview-summary.js';
import { MAX_TEXT_UNITS, splitText } from './split-text.js';

export interface StreamTiming {
  /** Minimum time between two updates (default 1500 ms). */
  minIntervalMs?: number;
  /** When to stop updating and end the stream (default 100 s; Teams' limit is 120 s). */
  maxDurationMs?: number;
}

export type StreamOutcome =
  /** The final message carried the whole text. */
  | { status: 'finished' }
  /** The stream ended early with `sentText`; the caller sends the rest as normal messages. */
  | { status: 'partial'; sentText: string }
  /** Nothing usable was streamed: send the answer as a normal message. */
  | { status: 'not_streamed' };

export class TeamsStream {
  private streamId: string | undefined;
  private sequence = 0;
  private text = '';
  private lastSentAt = 0;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private broken = false;
  private endedEarlyWith: string | undefined;
  private readonly minIntervalMs: number;
  private readonly maxDurationMs: number;

  constructor(
    private readonly sender: ConversationSender,
    /** Wraps the accumulated text for display (the persona line). */
    private readonly render: (text: string) => string,
    private readonly log: Logger,
    /** Entities of the final message besides `streaminfo` (the AI label). */
    private readonly finalEntities: readonly TeamsEntity[],
    timing: StreamTiming = {},
  ) {
    this.minIntervalMs = timing.minIntervalMs ?? 1500;
    this.maxDurationMs = timing.maxDurationMs ?? 100_000;
  }

  /** Opens the stream with an informative line ("Refund Agent is writing…"). */
  start(informative: string): void {
    this.startedAt = Date.now();
    this.lastSentAt = this.startedAt;
    this.enqueue(async () => {
      const id = await this.sender.send({
        type: 'typing',
        text: informative.slice(0, 1000),
        entities: [streamInfo({ streamType: 'informative', streamSequence: ++this.sequence })],
      });
      if (!id) throw new Error('Teams returned no stream id for the first stream chunk.');
      this.streamId = id;
      this.lastSentAt = Date.now();
    });
  }

  append(delta: string): void {
    this.text += delta;
    this.schedule();
  }

  private schedule(): void {
    if (this.broken || this.endedEarlyWith !== undefined || this.timer) return;
    const wait = Math.max(0, this.lastSentAt + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.enqueue(async () => {
        // The previous update may have finished later than planned: keep the interval from its success.
        if (Date.now() < this.lastSentAt + this.minIntervalMs) return this.schedule();
        await this.update();
      });
    }, wait);
  }

  /** Ends the stream with a final message carrying the agent's full answer. */
  async finish(fullText: string): Promise<StreamOutcome> {
    this.cancelTimer();
    await this.chain;
    if (this.broken || !this.streamId) return { status: 'not_streamed' };
    if (this.endedEarlyWith !== undefined) return { status: 'partial', sentText: this.endedEarlyWith };
    const [first = ''] = splitText(fullText, MAX_TEXT_UNITS);
    try {
      await this.sender.send(this.finalActivity(first));
    } catch (error) {
      this.log.warn({ err: describe(error) }, 'Teams stream: final message failed; sending a normal message');
      return { status: 'not_streamed' };
    }
    return first.length === fullText.length ? { status: 'finished' } : { status: 'partial', sentText: first };
  }

  /** Ends a stream whose answer never came (a failed turn), keeping what was shown. */
  async abandon(): Promise<void> {
    await this.finish(this.text || '…');
  }

  private async update(): Promise<void> {
    if (this.broken || !this.streamId || this.endedEarlyWith !== undefined) return;
    const [shown = ''] = splitText(this.text, MAX_TEXT_UNITS);
    if (Date.now() - this.startedAt >= this.maxDurationMs || shown.length < this.text.length) {
      // Out of time or size: end the stream with what we have; the rest follows as normal messages.
      await this.sender.send(this.finalActivity(shown));
      this.endedEarlyWith = shown;
      return;
    }
    await this.sender.send({
      type: 'typing',
      text: this.render(this.text),
      entities: [
        streamInfo({ streamId: this.streamId, streamType: 'streaming', streamSequence: ++this.sequence }),
      ],
    });
    this.lastSentAt = Date.now();
  }

  private finalActivity(text: string): OutgoingActivity {
    const rendered = this.render(text);
    return {
      type: 'message',
      text: rendered,
      textFormat: 'markdown',
      // What the chat list and notifications show: plain text, not the markdown with its bold name line.
      summary: streamedSummary(rendered),
      entities: [streamInfo({ streamId: this.streamId, streamType: 'final' }), ...this.finalEntities],
    };
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.broken) return;
      try {
        await step();
      } catch (error) {
        this.broken = true;
        this.cancelTimer();
        this.log.info({ err: describe(error) }, 'Teams stream ended; the answer follows as a normal message');
      }
    });
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function streamInfo(fields: {
  streamId?: string | undefined;
  streamType: 'informative' | 'streaming' | 'final';
  streamSequence?: number;
}): TeamsEntity {
  const entity: TeamsEntity = { type: 'streaminfo', streamType: fields.streamType };
  if (fields.streamId) entity.streamId = fields.streamId;
  if (fields.streamSequence !== undefined) entity.streamSequence = fields.streamSequence;
  return entity;
}

function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
