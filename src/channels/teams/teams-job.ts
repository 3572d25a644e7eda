/**
 * A Teams turn as plain JSON: what the channel hands to `dispatch` instead of running it in process (the Lambda
 * ingress enqueues it), and what `TeamsChannel.runJob` runs on a worker. Replies go through the conversation
 * reference the ingress stored, so the job carries no credentials.
 */
import type { Inbound } from '../conversation-driver.js';
import type { ApprovalActionData } from './approval-card.js';
import type { TeamsActivity } from './bot-adapter.js';
import type { TeamsScope } from './inbound-activity.js';

export type TeamsJob =
  | {
      kind: 'message';
      conversationKey: string;
      scope: TeamsScope;
      inbound: Extract<Inbound, { type: 'message' }>;
    }
  | {
      kind: 'click';
      conversationKey: string;
      scope: TeamsScope;
      /** The fields of the click's activity the approval flow reads (who, which card, delivery id). */
      activity: Pick<TeamsActivity, 'type' | 'id' | 'replyToId' | 'from'>;
      data: ApprovalActionData;
    };

/** Takes a turn off the request path; resolves once it is safely handed over. */
export type TeamsDispatch = (job: TeamsJob) => Promise<void>;
