/**
 * A Slack turn as plain JSON: what the channel hands to `dispatch` instead of running it in process (e.g. onto
 * a queue), and what `SlackChannel.runJob` runs later on another host. It carries no client and no token: the
 * runner authorizes the workspace again (bot token or OAuth install).
 */
import type { webApi } from '@slack/bolt';
import type { Inbound } from '../conversation-driver.js';
import type { SlackFile } from './files.js';
import type { ThreadTarget } from './persona-poster.js';

/** The thread a turn renders into, and the ids that find the workspace's token. */
export interface SlackThreadRef {
  /** `enterprise_id ?? team_id`. */
  workspace: string;
  channel: string;
  threadTs: string;
  userId: string;
  /** The user's team (native streaming's recipient team). */
  teamId?: string;
  /** Installation lookup (OAuth): the envelope's team and enterprise. */
  installTeamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}

export type SlackJob =
  | {
      kind: 'message';
      /** Its contents end with a placeholder per file; the runner replaces them with what it downloaded. */
      inbound: Extract<Inbound, { type: 'message' }>;
      thread: SlackThreadRef;
      /** Files shared in the message (links, no token), downloaded by the runner right before the turn. */
      files?: SlackFile[];
    }
  | {
      kind: 'click';
      inbound: Extract<Inbound, { type: 'decision' }>;
      thread: SlackThreadRef;
      /** The card that was clicked: closed with the decision once it is settled. */
      card: { messageTs: string; blocks: unknown[] };
    };

/** Takes a turn off the request path (the Lambda ingress enqueues it); resolves once it is safely handed over. */
export type SlackDispatch = (job: SlackJob) => Promise<void>;

/** The renderer's target for a job's thread, with a client authorized for its workspace. */
export function toTarget(thread: SlackThreadRef, client: webApi.WebClient): ThreadTarget {
  const { workspace, channel, threadTs, userId, teamId } = thread;
  return { client, workspace, channel, threadTs, userId, ...(teamId ? { teamId } : {}) };
}

/** The ids that find a workspace's OAuth install, from an event envelope or a click. */
export function installIds(
  teamId: string | undefined,
  enterpriseId: string | undefined,
  isEnterpriseInstall: boolean | undefined,
): Pick<SlackThreadRef, 'installTeamId' | 'enterpriseId' | 'isEnterpriseInstall'> {
  return {
    ...(teamId ? { installTeamId: teamId } : {}),
    ...(enterpriseId ? { enterpriseId } : {}),
    ...(isEnterpriseInstall ? { isEnterpriseInstall } : {}),
  };
}
