/** The activities an agent's turn becomes: persona messages, the small handoff line, notices. */
import type { Persona } from '../../agents/agent.js';
import { escapeMarkdown } from '../text-safety.js';
import { adaptiveCard, aiLabelEntity, cardAttachment, personaHeader, textBlock } from './adaptive-card.js';
import type { OutgoingActivity } from './bot-adapter.js';
import { previewSummary } from './preview-summary.js';

/** An agent's message as an Adaptive Card with its persona header, labelled as AI-generated. */
export function agentMessage(persona: Persona, text: string): OutgoingActivity {
  const card = adaptiveCard([personaHeader(persona), textBlock(text)], {
    // What notifications and clients without card support show.
    fallbackText: `${persona.displayName}: ${text}`,
    msteams: { width: 'Full' },
  });
  return {
    type: 'message',
    // The chat list's preview: plain text, the agent's name first (not the card's markdown).
    summary: previewSummary(persona.displayName, text),
    attachments: [cardAttachment(card)],
    entities: [aiLabelEntity()],
  };
}

/**
 * The persona as a bold first line, for streamed messages: Teams streams plain text, and the final message must
 * carry the text the stream built (a card would show it twice), so the header is the name line.
 */
export function streamedText(persona: Persona, text: string): string {
  return `**${persona.displayName}**\n\n${text}`;
}

/** A handoff, shown as one small subdued line between the agents' messages. */
export function handoffLine(from: Persona, to: Persona, reason?: string): OutgoingActivity {
  // The reason is model-written: Markdown characters in it are shown, not obeyed.
  const line = `↪ ${from.displayName} handed the conversation to ${to.displayName}${reason ? ` — ${escapeMarkdown(reason)}` : ''}`;
  return smallLine(line);
}

export function smallLine(text: string): OutgoingActivity {
  const card = adaptiveCard([textBlock(text, { size: 'Small', isSubtle: true })], { fallbackText: text });
  return { type: 'message', attachments: [cardAttachment(card)] };
}

/** What a person sees when a turn fails: short and friendly; the details go to the logs. */
export const FAILURE_NOTICE =
  'Sorry, something went wrong while handling your message. Please try again in a moment.';

export function failureNotice(): OutgoingActivity {
  return { type: 'message', text: FAILURE_NOTICE };
}
