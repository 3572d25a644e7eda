/**
 * The single-workspace bot's own ids (`auth.test`), resolved at start-up with bounded retries. Baton needs them
 * to tell its own messages from people's and to strip its @mention; an event that arrives while they are
 * unknown is refused (not acked) so Slack delivers it again, instead of being acked and silently dropped.
 */
import type { Logger } from '../logger.js';
import { slackErrorCode } from './workspace-capabilities.js';

export interface BotIds {
  botId?: string;
  botUserId?: string;
}

export interface IdentityRetry {
  /** Calls to `auth.test` at start-up before giving up (default 5). */
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
export class BotIdentityUnavailableError extends Error {
  override readonly name = 'BotIdentityUnavailableError';
  readonly code = 'slack_identity_unavailable';
}

export class BotIdentity {
  private ids: BotIds | undefined;
  private lookup: Promise<BotIds> | undefined;
  /** The last failure's Slack error code (or message), for the start-up banner. */
  private lastError: string | undefined;

  constructor(
    private readonly authTest: () => Promise<BotIds>,
    known?: BotIds,
  ) {
    if (known?.botId && known.botUserId) this.ids = known;
  }

  get known(): boolean {
    return this.ids !== undefined;
  }

  /** One line for the banner when the ids are still unknown. */
  problem(): string | undefined {
    return this.ids ? undefined : this.lastError;
  }

  /**
   * At start-up: calls `auth.test` until it answers, waiting longer after each failure. Throws at once if Slack
   * refuses the token (a configuration error); after the last attempt only logs, and each event tries again.
   */
  async resolve(retry: IdentityRetry, logger: Logger): Promise<void> {
    let delay = retry.minDelayMs;
    for (let attempt = 1; !this.ids && attempt <= retry.attempts; attempt++) {
      try {
        await this.get();
        return;
      } catch (error) {
        const code = this.lastError ?? String(error);
        if (TOKEN_REFUSED.has(code)) {
          throw new Error(`Slack refused SLACK_BOT_TOKEN (auth.test answered ${code}): check the bot token.`);
        }
        if (attempt === retry.attempts) {
          logger.error(
            { error: code, attempts: attempt },
            'Slack: could not confirm the bot identity (auth.test); events are refused with 503 so Slack ' +
              'redelivers them, and each one tries auth.test again',
          );
          return;
        }
        logger.warn({ error: code, attempt, retryInMs: delay }, 'Slack: auth.test failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, retry.maxDelayMs);
      }
    }
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
