/**
 * A button click on an approval card, as a plain job. The conversation is where the card is (its channel
 * and thread), never what the button's value says; the value is only the request id.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import { APPROVE_ACTION_ID } from './approval-card.js';
import { isExternalSlackUser } from './approvers.js';
import { actionDeliveryKey, conversationKey, workspaceOf } from './inbound.js';
import { installIds, type SlackJob } from './slack-job.js';

export function clickJobOf(
  body: BlockAction<ButtonAction>,
  action: ButtonAction,
  contextTeamId: string | undefined,
): Extract<SlackJob, { kind: 'click' }> | undefined {
  const requestId = action.value;
  const channel = body.channel?.id ?? stringField(body.container, 'channel_id');
  const messageTs = body.message?.ts ?? stringField(body.container, 'message_ts');
  const workspace = workspaceOf({
    enterpriseId: body.enterprise?.id,
    teamId: body.team?.id ?? contextTeamId,
  });
  if (!requestId || !channel || !messageTs || !workspace) return undefined;
  // The conversation is where the card is, never what the button says.
  const threadTs =
    stringField(body.message, 'thread_ts') ?? stringField(body.container, 'thread_ts') ?? messageTs;
  const approved = action.action_id === APPROVE_ACTION_ID;
  const userId = body.user.id;
  const teamId = body.user.team_id ?? body.team?.id;
  return {
    kind: 'click',
    inbound: {
      type: 'decision',
      conversationKey: conversationKey(workspace, channel, threadTs),
      user: {
        id: userId,
        ...(isExternalSlackUser({
          userTeamId: body.user.team_id,
          teamId: body.team?.id ?? contextTeamId,
          enterpriseId: body.enterprise?.id,
        })
          ? { external: true }
          : {}),
      },
      requestId,
      approved,
      eventId: actionDeliveryKey(workspace, channel, messageTs, action.action_ts),
    },
    thread: {
      workspace,
      channel,
      threadTs,
      userId,
      ...(teamId ? { teamId } : {}),
      ...installIds(body.team?.id ?? contextTeamId, body.enterprise?.id, body.is_enterprise_install),
    },
    card: { messageTs, blocks: Array.isArray(body.message?.blocks) ? body.message.blocks : [] },
  };
}

function stringField(record: unknown, key: string): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const v = (record as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}
