/**
 * The approval card for a tool call that needs a person (Adaptive Card 1.5, Universal Actions): the agent's
 * header, the tool and its arguments, Approve / Reject as `Action.Execute` (an `adaptiveCard/action` invoke)
 * with an `Action.Submit` fallback for clients without Universal Actions. Also the cards that replace it.
 */
import type { Persona } from '../../agents/agent.js';
import type { FunctionApprovalRequest } from '../../handoff/requests.js';
import { type ApprovalContent, approvalContent } from '../approval-content.js';
import {
  type AdaptiveCard,
  adaptiveCard,
  type CardElement,
  personaHeader,
  textBlock,
} from './adaptive-card.js';

export const APPROVE_VERB = 'baton.approve';
export const REJECT_VERB = 'baton.reject';
/** Marks our buttons' data so other cards' submits are not mistaken for decisions. */
export const APPROVAL_MARKER = 'baton.approval';

export interface ApprovalActionData {
  kind: typeof APPROVAL_MARKER;
  requestId: string;
  approved: boolean;
}

/**
 * Teams refuses cards over ~28 KB. Arguments longer than this in all are not offered for approval: the card
 * says so and offers only Reject (nobody should approve what the card cannot show).
 */
export const MAX_CARD_ARGUMENT_CHARS = 16_000;
/** A long argument's preview in the card body; the whole value is behind "Show all arguments". */
const PREVIEW_CHARS = 120;

export interface ApprovalCardOptions {
  /** Who may decide, in words (e.g. "the requester", "Finance approvers"), from the approver policy. */
  deciders?: string;
  /** A line in attention colour (e.g. "You are not allowed to approve this request."). */
  notice?: string;
}

export function approvalCard(
  persona: Persona,
  request: FunctionApprovalRequest,
  noticeOrOptions?: string | ApprovalCardOptions,
): AdaptiveCard {
  const options: ApprovalCardOptions =
    typeof noticeOrOptions === 'string' ? { notice: noticeOrOptions } : (noticeOrOptions ?? {});
  const content = approvalContent(request);
  const refused = content.totalChars > MAX_CARD_ARGUMENT_CHARS;
  const body = [
    ...summary(persona, content, refused),
    ...(options.deciders ? [plainLine(`May decide: ${options.deciders}`, { isSubtle: true })] : []),
    refused
      ? plainLine(
          `The arguments are too large to show here (${content.totalChars.toLocaleString('en-US')} characters), ` +
            'and nobody should approve what they cannot read. Reject this request and ask the agent for a smaller call.',
          { color: 'Attention' },
        )
      : textBlock('Approve this action?', { weight: 'Bolder', spacing: 'Medium' }),
    ...(options.notice ? [textBlock(options.notice, { color: 'Attention' })] : []),
  ];
  return adaptiveCard(body, {
    actions: [
      ...showAll(content, refused),
      ...(refused ? [] : [button('Approve', request.id, true)]),
      button('Reject', request.id, false),
    ],
    fallbackText: `${persona.displayName} asks to run ${content.tool}: approve or reject in Teams.`,
  });
}

/** The settled card: the same summary, the decision and who made it, no buttons. */
export function decidedCard(
  persona: Persona,
  request: FunctionApprovalRequest,
  approved: boolean,
  decidedBy: string,
): AdaptiveCard {
  const content = approvalContent(request);
  const refused = content.totalChars > MAX_CARD_ARGUMENT_CHARS;
  const line = approved ? `✅ Approved by ${decidedBy}` : `❌ Rejected by ${decidedBy}`;
  return adaptiveCard(
    [
      ...summary(persona, content, refused),
      plainLine(line, { weight: 'Bolder', color: approved ? 'Good' : 'Attention' }),
    ],
    { fallbackText: line },
  );
}

/** A card answering a click that changed nothing (unknown or already-decided request). */
export function noticeCard(text: string): AdaptiveCard {
  return adaptiveCard([textBlock(text, { weight: 'Bolder' })], { fallbackText: text });
}

/** Reads our buttons' data from an invoke's `action.data` or a fallback submit's `value`. */
export function parseApprovalData(data: unknown): ApprovalActionData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (d.kind !== APPROVAL_MARKER || typeof d.requestId !== 'string' || typeof d.approved !== 'boolean') {
    return undefined;
  }
  return { kind: APPROVAL_MARKER, requestId: d.requestId, approved: d.approved };
}

/**
 * The header, the tool, who asked, and every argument exactly as the tool receives it. Values are TextRuns,
 * which Teams never reads as Markdown: a value cannot pose as a bold "✅ Verified" line or a link.
 */
function summary(persona: Persona, content: ApprovalContent, refused: boolean): CardElement[] {
  const out: CardElement[] = [
    personaHeader(persona),
    // Tool names are letters, digits, "_" and "-" (TOOL_NAME_PATTERN): nothing Markdown can misread.
    textBlock(`Wants to run **${content.tool}**`, { spacing: 'Small' }),
  ];
  if (content.requestedBy !== undefined)
    out.push(plainLine(`Asked by ${content.requestedByName ?? content.requestedBy}`, { isSubtle: true }));
  if (!refused) {
    for (const a of content.arguments) {
      const text = a.long ? preview(a.text) : a.text;
      out.push(argumentLine(a.key, text));
    }
  }
  if (content.arguments.length === 0) out.push(plainLine('No arguments.', { isSubtle: true }));
  if (content.ignored.length > 0)
    out.push(
      plainLine(`Not passed to the tool (its schema removes them): ${content.ignored.join(', ')}`, {
        isSubtle: true,
      }),
    );
  if (!content.validated)
    out.push(
      plainLine(
        'Recorded before Baton checked arguments against the tool; the tool checks them when it runs.',
        {
          color: 'Warning',
        },
      ),
    );
  return out;
}

/** "Show all arguments": every long value in full, in a card the person opens. */
function showAll(content: ApprovalContent, refused: boolean): CardElement[] {
  const long = content.arguments.filter((a) => a.long);
  if (refused || long.length === 0) return [];
  return [
    {
      type: 'Action.ShowCard',
      title: 'Show all arguments',
      card: adaptiveCard(long.map((a) => argumentLine(a.key, a.text))),
    },
  ];
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return `${flat.slice(0, PREVIEW_CHARS)}… (${text.length.toLocaleString('en-US')} characters: see Show all arguments)`;
}

function argumentLine(key: string, value: string): CardElement {
  return {
    type: 'RichTextBlock',
    inlines: [
      { type: 'TextRun', text: `${key}: `, weight: 'Bolder' },
      { type: 'TextRun', text: value, fontType: 'Monospace' },
    ],
  };
}

/** A line that is never parsed as Markdown. */
function plainLine(text: string, run: CardElement = {}): CardElement {
  return { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, ...run }] };
}

function button(title: string, requestId: string, approved: boolean): CardElement {
  const data: ApprovalActionData = { kind: APPROVAL_MARKER, requestId, approved };
  return {
    type: 'Action.Execute',
    title,
    verb: approved ? APPROVE_VERB : REJECT_VERB,
    data,
    style: approved ? 'positive' : 'destructive',
    // Clients older than Universal Actions send a message activity with `value` = data instead.
    fallback: { type: 'Action.Submit', title, data },
  };
}
