/**
 * The Block Kit card for a tool approval, and its settled form. The buttons carry only the request id: the
 * conversation is derived from where the click happened, and the driver decides whether the id is pending there.
 */
import type { types } from '@slack/bolt';
import type { Persona } from '../../agents/agent.js';
import type { FunctionApprovalRequest } from '../../handoff/requests.js';
import { type ApprovalContent, approvalContent } from '../approval-content.js';
import { truncate } from './message-splitter.js';
import { escapeCodeBlock, escapeMrkdwn, slackTime } from './mrkdwn.js';

export const APPROVE_ACTION_ID = 'baton_approve';
export const REJECT_ACTION_ID = 'baton_reject';
/** Slack's limit for a section's text (3,000) with room for the key and the fences. */
const CHUNK_CHARS = 2800;
/** A `fields` entry holds 2,000 characters; ten per section. */
const FIELD_CHARS = 1900;
/** Slack's 50 blocks per message, less the card's own blocks. */
const MAX_ARGUMENT_BLOCKS = 40;
/**
 * Arguments longer than this in all are not shown for approval: the card says so and offers only Reject, since
 * nobody can be asked to approve what they cannot read in the card.
 */
export const MAX_ARGUMENTS_CHARS = 24_000;

export interface ApprovalCard {
  text: string;
  blocks: types.KnownBlock[];
}

export interface ApprovalCardOptions {
  /** Who may decide, as mrkdwn (e.g. "<@U1>" or "members of <!subteam^S1>"), from the approver policy. */
  deciders?: string;
}

export function approvalCard(
  request: FunctionApprovalRequest,
  persona: Persona,
  options: ApprovalCardOptions = {},
): ApprovalCard {
  const content = approvalContent(request);
  const tool = escapeMrkdwn(content.tool);
  const who = escapeMrkdwn(persona.displayName);
  const args = argumentBlocks(content);
  const refused = args === undefined;
  const people = [
    ...(content.requestedBy ? [`Asked by <@${escapeMrkdwn(content.requestedBy)}>`] : []),
    ...(options.deciders ? [`May decide: ${options.deciders}`] : []),
  ];
  const blocks: types.KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `:lock: *Approval needed* — ${who} wants to run \`${tool}\`` },
    },
    ...(people.length ? [context(people.join(' · '))] : []),
    ...(args ?? []),
    ...(content.arguments.length === 0 ? [context('No arguments.')] : []),
    ...(content.ignored.length
      ? [
          context(
            `Not passed to the tool (its schema removes them): ${content.ignored.map((p) => `\`${escapeMrkdwn(p)}\``).join(', ')}`,
          ),
        ]
      : []),
    ...(content.validated
      ? []
      : [
          context(
            ':warning: Recorded before Baton checked arguments against the tool; the tool checks them when it runs.',
          ),
        ]),
    ...(refused
      ? [
          {
            type: 'section' as const,
            text: {
              type: 'mrkdwn' as const,
              text:
                `:no_entry: The arguments are too large to show here (${content.totalChars.toLocaleString('en-US')} characters), ` +
                'and nobody should approve what they cannot read. Reject this request and ask the agent for a smaller call.',
            },
          },
        ]
      : []),
    {
      type: 'actions',
      // A block_id unique per request: Slack asks for a new one per message.
      block_id: truncate(`baton_approval:${request.id}`, 255),
      elements: [
        ...(refused
          ? []
          : [
              {
                type: 'button' as const,
                action_id: APPROVE_ACTION_ID,
                text: { type: 'plain_text' as const, text: 'Approve' },
                style: 'primary' as const,
                value: request.id,
                confirm: {
                  title: { type: 'plain_text' as const, text: 'Approve this action?' },
                  text: {
                    type: 'mrkdwn' as const,
                    text: truncate(`${who} will run \`${tool}\` with the arguments shown.`, 300),
                  },
                  confirm: { type: 'plain_text' as const, text: 'Approve' },
                  deny: { type: 'plain_text' as const, text: 'Cancel' },
                },
              },
            ]),
        {
          type: 'button',
          action_id: REJECT_ACTION_ID,
          text: { type: 'plain_text', text: 'Reject' },
          value: request.id,
        },
      ],
    },
  ];
  return { text: `${persona.displayName} asks for approval to run ${content.tool}`, blocks };
}

/**
 * Every argument in full: short ones as fields (ten per section), long ones in code blocks split across
 * sections. `undefined` when they do not fit in one message.
 */
function argumentBlocks(content: ApprovalContent): types.KnownBlock[] | undefined {
  if (content.totalChars > MAX_ARGUMENTS_CHARS) return undefined;
  const blocks: types.KnownBlock[] = [];
  const fields: string[] = [];
  const long: ApprovalContent['arguments'] = [];
  for (const a of content.arguments) {
    const field = `*${escapeMrkdwn(a.key)}*\n\`\`\`${escapeCodeBlock(a.text)}\`\`\``;
    if (!a.long && field.length <= FIELD_CHARS) fields.push(field);
    else long.push(a);
  }
  for (let i = 0; i < fields.length; i += 10) {
    blocks.push({
      type: 'section',
      fields: fields.slice(i, i + 10).map((text) => ({ type: 'mrkdwn' as const, text })),
    });
  }
  for (const a of long) {
    const chunks = chunk(escapeCodeBlock(a.text), CHUNK_CHARS);
    const key = truncate(escapeMrkdwn(a.key), 150);
    chunks.forEach((piece, i) => {
      const label = chunks.length > 1 ? `*${key}* (part ${i + 1} of ${chunks.length})` : `*${key}*`;
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${label}\n\`\`\`${piece}\`\`\`` } });
    });
  }
  return blocks.length > MAX_ARGUMENT_BLOCKS ? undefined : blocks;
}

/** Pretty JSON of the arguments the tool will run with (the raw string when they were not JSON), in full. */
export function formatArguments(request: FunctionApprovalRequest): string {
  if (request.validatedArguments === undefined && request.functionCall.parsedArguments === undefined)
    return request.functionCall.arguments;
  return JSON.stringify(request.approvalArguments(), null, 2);
}

/** Splits escaped text without cutting an entity (`&amp;`) in two. */
function chunk(text: string, size: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > size) {
    let cut = size;
    const amp = rest.lastIndexOf('&', cut);
    if (amp > cut - 6 && !rest.slice(amp, cut).includes(';')) cut = amp;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out;
}

function context(text: string): types.KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
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
