/**
 * Turns without leases and an inbox (a custom storage that has neither): serialized in this process only,
 * deliveries deduplicated through idempotency claims, as before the lease store existed.
 */
import type { IdempotencyStore } from '../store/idempotency.js';
import type { Inbound, TurnResult, TurnSink } from './driver-types.js';
import type { Logger } from './logger.js';
import type { TurnOutcome } from './turn-execution.js';

export interface LegacyTurn {
  idempotency?: IdempotencyStore;
  enqueue(work: () => Promise<TurnResult>): Promise<TurnResult>;
  run(): Promise<TurnOutcome>;
}

export async function runLegacy(
  inbound: Inbound,
  _sink: TurnSink,
  log: Logger,
  turn: LegacyTurn,
): Promise<TurnResult> {
  const claimKey = inbound.eventId ? `event:${inbound.eventId}` : undefined;
  const claims = turn.idempotency;
  try {
    if (claimKey && claims && !(await claims.claim(claimKey))) {
      log.info({ type: inbound.type }, 'duplicate delivery ignored');
      return { status: 'duplicate' };
    }
  } catch (error) {
    return { status: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
  }
  const result = await turn.enqueue(async () => (await turn.run()).result);
  if (claimKey && claims) {
    try {
      if (result.status === 'failed') await claims.releaseClaim(claimKey);
      else await claims.completeClaim(claimKey);
    } catch (error) {
      log.warn({ err: { name: (error as Error).name } }, 'could not settle the delivery claim');
    }
  }
  return result;
}
