/**
 * The Block Kit card for a tool approval, and its settled form. The buttons carry only the request id: the
 * conversation is derived from where the click happened, and the driver decides whether the id is pending there.
 */
import type { types } from '@slack/bolt';
import type { Persona } from '../../agents/agent.js';
import type { FunctionApprovalRequest } from '../../handoff/requests.js';
import { truncate } from './message-splitter.js';
import { escapeCodeBlock, escapeMrkdwn, slackTime } from './mrkdwn.js';

export const APPROVE_ACTION_ID = 'baton_approve';
export const REJECT_ACTION_ID = 'baton_reject';
/** Arguments beyond this are cut (a section's text is limited to 3,000 characters). */
export const MAX_ARGUMENTS_CHARS = 2500;

export interface ApprovalCard {
  text: string;
  blocks: types.KnownBlock[];
}

export function approvalCard(request: FunctionApprovalRequest, persona: Persona): ApprovalCard {
  const tool = request.functionCall.name;
  const args = formatArguments(request);
  const who = escapeMrkdwn(persona.displayName);
  return {
    text: `${persona.displayName} asks for approval to run ${tool}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:lock: *Approval needed* — ${who} wants to run \`${escapeMrkdwn(tool)}\``,
        },
      },
      { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${escapeCodeBlock(args)}\`\`\`` } },
      {
        type: 'actions',
        // A block_id unique per request: Slack asks for a new one per message.
        block_id: truncate(`baton_approval:${request.id}`, 255),
        elements: [
          {
            type: 'button',
            action_id: APPROVE_ACTION_ID,
            text: { type: 'plain_text', text: 'Approve' },
            style: 'primary',
            value: request.id,
            confirm: {
              title: { type: 'plain_text', text: 'Approve this action?' },
              text: {
                type: 'mrkdwn',
                text: truncate(`${who} will run \`${escapeMrkdwn(tool)}\` with the arguments shown.`, 300),
              },
              confirm: { type: 'plain_text', text: 'Approve' },
              deny: { type: 'plain_text', text: 'Cancel' },
            },
          },
          {
            type: 'button',
            action_id: REJECT_ACTION_ID,
            text: { type: 'plain_text', text: 'Reject' },
            value: request.id,
          },
        ],
      },
    ],
  };
}

/** Pretty JSON of the call's arguments (the raw string when they were not JSON), cut to a safe length. */
export function formatArguments(request: FunctionApprovalRequest): string {
  const parsed = request.functionCall.parsedArguments;
  const text = parsed !== undefined ? JSON.stringify(parsed, null, 2) : request.functionCall.arguments;
  return truncate(text, MAX_ARGUMENTS_CHARS);
}

/**
 * The card after a decision: the buttons are replaced by a record of who decided and when. `blocks` are the
 * card's current blocks as Slack sent them with the click.
 */
export function settledCard(
  blocks: readonly (types.Block | types.KnownBlock)[],
  decision: { approved: boolean; userId: string; at: Date },
): { text: string; blocks: (types.Block | types.KnownBlock)[] } {
  const verb = decision.approved ? 'Approved' : 'Rejected';
  const icon = decision.approved ? ':white_check_mark:' : ':no_entry_sign:';
  const record = `${icon} ${verb} by <@${decision.userId}> · ${slackTime(decision.at)}`;
  return {
    text: `${verb} by <@${decision.userId}>`,
    blocks: [
      ...blocks.filter((b) => b.type !== 'actions'),
      { type: 'context', elements: [{ type: 'mrkdwn', text: record }] },
    ],
  };
}
