/**
 * The approver policy on Slack: who may decide as mrkdwn (mentions Slack renders with each reader's view of
 * the name), user-group membership looked up at click time, and who counts as external (Slack Connect).
 */
import type { webApi } from '@slack/bolt';
import { type ApproverGroup, type DeciderDescription, decidersText } from '../approver-policy.js';
import { escapeMrkdwn } from './mrkdwn.js';

/** "the person who asked, or <@U1>, or <!subteam^S1> (not external users)". */
export function slackDeciders(d: DeciderDescription): string {
  return decidersText(d, {
    user: (id) => `<@${escapeMrkdwn(id)}>`,
    group: (g) =>
      g.kind === 'slack_user_group'
        ? `members of <!subteam^${escapeMrkdwn(g.id)}>`
        : `members of ${g.kind === 'teams_team' ? 'team' : 'Entra group'} ${escapeMrkdwn(g.id)}`,
  });
}

/**
 * Membership of Slack user groups via `usergroups.users.list` (scope `usergroups:read`). Other kinds of group
 * do not exist on Slack: nobody is a member. A lookup error admits nobody (the policy refuses the click).
 */
export function slackMembership(client: webApi.WebClient, userId: string) {
  return async (group: ApproverGroup): Promise<boolean> => {
    if (group.kind !== 'slack_user_group') return false;
    const res = await client.usergroups.users.list({ usergroup: group.id });
    return (res.users ?? []).includes(userId);
  };
}

/**
 * A Slack Connect user: their home team is not the team the event or click happened in. In an Enterprise Grid
 * org (an enterprise id is present) users of the org's other workspaces also differ, and the payload cannot tell
 * them from Slack Connect users: they count as internal there (see docs/security.md).
 */
export function isExternalSlackUser(ids: {
  userTeamId?: string | undefined;
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
}): boolean {
  if (ids.enterpriseId || !ids.userTeamId || !ids.teamId) return false;
  return ids.userTeamId !== ids.teamId;
}
