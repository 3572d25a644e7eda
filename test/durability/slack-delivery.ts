/**
 * Slack's side of the Events API for the durability suite: signed event envelopes and button clicks, delivered
 * with Slack's retry rules (a delivery not answered 2xx within the timeout is retried, up to 3 times, with
 * `X-Slack-Retry-Num`), on a compressed schedule. Every attempt is recorded, so a test can tell "acked"
 * (Slack will never send it again) from "never accepted".
 */
import { createHmac } from 'node:crypto';
import { sleep } from './processes.js';

export const TEAM = 'T1';
export const BOT_USER = 'UBOT';
export const STARTER = 'U_STARTER';

export interface DeliveryRecord {
  id: string;
  kind: 'event' | 'click';
  attempts: Array<{ at: number; status: number | 'connection_error' | 'timeout' }>;
  /** Answered 2xx: Slack considers it delivered and never retries. */
  acked: boolean;
}

export interface SlackDeliveryOptions {
  signingSecret: string;
  /** The app's base URL (stable across restarts: the same port). */
  url: () => string;
  /**
   * Waits before retries 1..3 (Slack: ~0 s, ~1 min, ~5 min). Default [300, 12 000, 30 000]: compressed, yet
   * longer than a restart of the app on a loaded 2-core machine (8–10 s), as Slack's 1-minute retry is.
   */
  retryDelaysMs?: readonly number[];
  /** Slack's 3 s answer deadline. */
  timeoutMs?: number;
}

export class SlackDelivery {
  readonly records: DeliveryRecord[] = [];
  private readonly retryDelaysMs: readonly number[];
  private readonly timeoutMs: number;

  constructor(private readonly options: SlackDeliveryOptions) {
    this.retryDelaysMs = options.retryDelaysMs ?? [300, 12_000, 30_000];
    this.timeoutMs = options.timeoutMs ?? 3000;
  }

  /** An `event_callback` for `event`, delivered (and retried) until acked or Slack gives up. */
  event(eventId: string, event: Record<string, unknown>): Promise<DeliveryRecord> {
    const envelope = {
      token: 'legacy-verification-token',
      team_id: TEAM,
      api_app_id: 'A_BATON',
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: TEAM, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
      event,
    };
    return this.deliver(eventId, 'event', JSON.stringify(envelope), 'application/json');
  }

  /** A click on a card button as Slack sends it (`block_actions`). */
  click(id: string, payload: Record<string, unknown>): Promise<DeliveryRecord> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.deliver(id, 'click', body, 'application/x-www-form-urlencoded');
  }

  private async deliver(
    id: string,
    kind: DeliveryRecord['kind'],
    body: string,
    contentType: string,
  ): Promise<DeliveryRecord> {
    const record: DeliveryRecord = { id, kind, attempts: [], acked: false };
    this.records.push(record);
    for (let attempt = 0; attempt <= this.retryDelaysMs.length; attempt++) {
      if (attempt > 0) await sleep(this.retryDelaysMs[attempt - 1]!);
      const status = await this.post(body, contentType, attempt);
      record.attempts.push({ at: Date.now(), status });
      if (typeof status === 'number' && status >= 200 && status < 300) {
        record.acked = true;
        return record;
      }
    }
    return record;
  }

  private async post(
    body: string,
    contentType: string,
    retryNum: number,
  ): Promise<number | 'connection_error' | 'timeout'> {
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', this.options.signingSecret)
      .update(`v0:${ts}:${body}`)
      .digest('hex');
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': ts,
      'x-slack-signature': `v0=${signature}`,
    };
    if (retryNum > 0) {
      headers['x-slack-retry-num'] = String(retryNum);
      headers['x-slack-retry-reason'] = 'http_error';
    }
    try {
      const res = await fetch(`${this.options.url()}/slack/events`, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.status;
    } catch (error) {
      return error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'connection_error';
    }
  }
}

let tsCounter = 0;
/** A fresh Slack message ts. */
export function slackTs(): string {
  tsCounter++;
  return `${1_800_000_000 + tsCounter}.${String(tsCounter).padStart(6, '0')}`;
}

export function mention(channel: string, text: string, ts: string, threadTs?: string) {
  return {
    type: 'app_mention',
    user: STARTER,
    text: `<@${BOT_USER}> ${text}`,
    ts,
    ...(threadTs ? { thread_ts: threadTs } : {}),
    channel,
    event_ts: ts,
  };
}

export function threadMessage(channel: string, text: string, ts: string, threadTs: string, user = STARTER) {
  return { type: 'message', user, text, ts, thread_ts: threadTs, channel, channel_type: 'channel' };
}

interface CardLike {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  text: string;
  blocks: Array<Record<string, unknown>>;
}

let actionCounter = 0;
/** The `block_actions` payload of a click on the card's first (approve) or second (reject) button. */
export function clickOn(card: CardLike, approve = true) {
  const actions = card.blocks.find((b) => b.type === 'actions') as
    | { block_id?: string; elements?: Array<Record<string, unknown>> }
    | undefined;
  const button = actions?.elements?.[approve ? 0 : 1] ?? {};
  return {
    type: 'block_actions',
    user: { id: STARTER, username: 'starter', team_id: TEAM },
    api_app_id: 'A_BATON',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: card.ts,
      channel_id: card.channel,
      is_ephemeral: false,
      thread_ts: card.threadTs,
    },
    trigger_id: 'trigger-1',
    team: { id: TEAM, domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: card.channel, name: 'support' },
    message: {
      type: 'message',
      user: BOT_USER,
      bot_id: 'BBOT',
      ts: card.ts,
      thread_ts: card.threadTs,
      text: card.text,
      blocks: card.blocks,
    },
    response_url: 'http://127.0.0.1:9/never-used',
    actions: [
      {
        type: 'button',
        action_id: button.action_id,
        block_id: actions?.block_id,
        text: button.text,
        value: button.value,
        action_ts: `1900000000.${String(++actionCounter).padStart(6, '0')}`,
      },
    ],
  };
}
