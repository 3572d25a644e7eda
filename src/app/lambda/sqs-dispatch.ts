/**
 * The ingress's `dispatch`: claim the delivery, then put the turn on the SQS FIFO queue — one message group per
 * conversation (turns of a thread run in order, threads in parallel), the delivery id as deduplication id.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '../../channels/logger.js';
import type { SlackDispatch } from '../../channels/slack/slack-job.js';
import type { TeamsDispatch } from '../../channels/teams/teams-job.js';
import type { IdempotencyStore } from '../../store/idempotency.js';
import { type QueueMessage, slackQueueMessage, sqsId, teamsQueueMessage } from './queue-message.js';

export interface SqsDispatchOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** The ingress's own claims (`enqueue:<eventId>`), apart from the worker's (`event:<eventId>`). */
  claims: IdempotencyStore;
  logger: Logger;
}

/**
 * A claim whose enqueue failed is free again after this: Slack's retries come after about 1 and 5 minutes. FIFO
 * deduplication alone would only cover 5 minutes, and a DynamoDB claim also spans both ingress instances.
 */
export const ENQUEUE_CLAIM_LEASE_SECONDS = 30;

export function sqsDispatch(options: SqsDispatchOptions): { slack: SlackDispatch; teams: TeamsDispatch } {
  const send = async (message: QueueMessage) => {
    const eventId = message.inbound.eventId;
    const claimKey = eventId ? `enqueue:${eventId}` : undefined;
    const log = options.logger.child({
      conversation: message.conversationKey,
      ...(eventId ? { eventId } : {}),
    });
    if (claimKey && !(await options.claims.claim(claimKey, { leaseSeconds: ENQUEUE_CLAIM_LEASE_SECONDS }))) {
      log.info({}, 'duplicate delivery not enqueued');
      return;
    }
    await options.sqs.send(
      new SendMessageCommand({
        QueueUrl: options.queueUrl,
        MessageBody: JSON.stringify(message),
        MessageGroupId: sqsId(message.conversationKey),
        MessageDeduplicationId: sqsId(eventId),
      }),
    );
    if (claimKey) await options.claims.completeClaim(claimKey);
    log.debug({ type: message.inbound.type }, 'turn enqueued');
  };
  return {
    slack: (job) => send(slackQueueMessage(job)),
    teams: (job) => send(teamsQueueMessage(job)),
  };
}
