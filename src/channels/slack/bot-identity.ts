/**
 * The single-workspace bot's own ids (`auth.test`), asked for at start-up and retried (bounded) in the background. Baton needs them
 * to tell its own messages from people's and to strip its @mention; an event that arrives while they are
 * unknown is refused (not acked) so Slack delivers it again, instead of being acked and silently dropped.
 */
import { BatonError } from '../../errors.js';
import type { Logger } from '../logger.js';
import { slackErrorCode } from './workspace-capabilities.js';

export interface BotIds {
  botId?: string;
  botUserId?: string;
}

export interface IdentityRetry {
  /** Calls to `auth.test` in all, the start-up one included, before giving up (default 5). */
  attempts: number;
  /** Wait before the second call; doubled after each failure up to `maxDelayMs` (default 500 ms / 8 s). */
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_IDENTITY_RETRY: IdentityRetry = { attempts: 5, minDelayMs: 500, maxDelayMs: 8000 };

/** Answers from `auth.test` that no retry fixes: the token itself is wrong. */
const TOKEN_REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
]);

/**
 * Thrown from `authorize` while the ids are unknown. Not a Bolt `AuthorizationError` (which Bolt acks, and
 * which tells Slack to stop retrying): the channel turns it into a 5xx, or an un-acked Socket Mode envelope.
 */
export class BotIdentityUnavailableError extends BatonError {
  readonly code = 'BATON_SLACK_IDENTITY_UNAVAILABLE';
  override readonly name = 'BotIdentityUnavailableError';
}

export class BotIdentity {
  private ids: BotIds | undefined;
  private lookup: Promise<BotIds> | undefined;
  /** The last failure's Slack error code (or message), for the start-up banner. */
  private lastError: string | undefined;
  private cancelled = false;
  /** Ends the current wait between retries early. */
  private wake: (() => void) | undefined;

  constructor(
    private readonly authTest: () => Promise<BotIds>,
    known?: BotIds,
  ) {
    if (known?.botId && known.botUserId) this.ids = known;
  }

  /** One line for the banner when the ids are still unknown. */
  problem(): string | undefined {
    return this.ids ? undefined : this.lastError;
  }

  /**
   * At start-up: one `auth.test`. Throws if Slack refuses the token (a configuration error, named). Returns
   * false if the ids are still unknown: then {@link keepTrying} retries in the background, so a Slack outage at
   * boot does not hold up the other channels.
   */
  async firstAttempt(logger: Logger): Promise<boolean> {
    if (this.ids) return true;
    try {
      await this.get();
      return true;
    } catch (error) {
      const code = this.lastError ?? String(error);
      if (TOKEN_REFUSED.has(code)) {
        throw new Error(`Slack refused SLACK_BOT_TOKEN (auth.test answered ${code}): check the bot token.`);
      }
      logger.warn({ error: code }, 'Slack: auth.test failed at start-up; retrying in the background');
      return false;
    }
  }

  /** Retries `auth.test` with growing waits until it answers, `retry.attempts` calls in all, or `cancel()`. */
  async keepTrying(retry: IdentityRetry, logger: Logger): Promise<void> {
    let delay = retry.minDelayMs;
    for (let attempt = 2; !this.ids && !this.cancelled && attempt <= retry.attempts; attempt++) {
      await this.sleep(delay);
      delay = Math.min(delay * 2, retry.maxDelayMs);
      if (this.ids || this.cancelled) return;
      try {
        await this.get();
        logger.info({ attempt }, 'Slack: bot identity confirmed');
        return;
      } catch {
        logger.warn({ error: this.lastError, attempt }, 'Slack: auth.test failed');
      }
    }
    if (!this.ids && !this.cancelled) {
      logger.error(
        { error: this.lastError, attempts: retry.attempts },
        'Slack: could not confirm the bot identity (auth.test); events are refused with a 5xx so Slack ' +
          'redelivers them, and each one tries auth.test again',
      );
    }
  }

  /** Stops background retries (the channel is stopping). */
  cancel(): void {
    this.cancelled = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** The ids, looking them up once if unknown (concurrent events share the call). */
  async get(): Promise<BotIds> {
    if (this.ids) return this.ids;
    this.lookup ??= this.authTest().then(
      (ids) => {
        this.ids = ids;
        this.lastError = undefined;
        return ids;
      },
      (error: unknown) => {
        this.lookup = undefined;
        this.lastError = slackErrorCode(error) ?? (error instanceof Error ? error.message : String(error));
        throw new BotIdentityUnavailableError(`Slack bot identity unknown (auth.test: ${this.lastError}).`);
      },
    );
    return this.lookup;
  }
}
