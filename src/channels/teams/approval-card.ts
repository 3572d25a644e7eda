/**
 * The approval card for a tool call that needs a person (Adaptive Card 1.5, Universal Actions): the agent's
 * header, the tool and its arguments, Approve / Reject as `Action.Execute` (an `adaptiveCard/action` invoke)
 * with an `Action.Submit` fallback for clients without Universal Actions. Also the cards that replace it.
 */
import type { Persona } from '../../agents/agent.js';
import type { FunctionApprovalRequest } from '../../handoff/requests.js';
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

/** Keeps the card well under Teams' size limit however large the arguments are. */
const MAX_ARGUMENT_CHARS = 500;

export function approvalCard(
  persona: Persona,
  request: FunctionApprovalRequest,
  notice?: string,
): AdaptiveCard {
  const body = [
    ...summary(persona, request),
    textBlock('Approve this action?', { weight: 'Bolder', spacing: 'Medium' }),
    ...(notice ? [textBlock(notice, { color: 'Attention' })] : []),
  ];
  return adaptiveCard(body, {
    actions: [button('Approve', request.id, true), button('Reject', request.id, false)],
    fallbackText: `${persona.displayName} asks to run ${request.functionCall.name}: approve or reject in Teams.`,
  });
}

/** The settled card: the same summary, the decision and who made it, no buttons. */
export function decidedCard(
  persona: Persona,
  request: FunctionApprovalRequest,
  approved: boolean,
  decidedBy: string,
): AdaptiveCard {
  const line = approved ? `✅ Approved by ${decidedBy}` : `❌ Rejected by ${decidedBy}`;
  return adaptiveCard(
    [
      ...summary(persona, request),
      textBlock(line, { weight: 'Bolder', color: approved ? 'Good' : 'Attention' }),
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

function summary(persona: Persona, request: FunctionApprovalRequest): CardElement[] {
  const args = Object.entries(request.parseArguments());
  return [
    personaHeader(persona),
    textBlock(`Wants to run **${request.functionCall.name}**`, { spacing: 'Small' }),
    ...(args.length > 0
      ? [{ type: 'FactSet', facts: args.map(([title, value]) => ({ title, value: show(value) })) }]
      : []),
  ];
}

function show(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > MAX_ARGUMENT_CHARS ? `${s.slice(0, MAX_ARGUMENT_CHARS)}…` : s;
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
