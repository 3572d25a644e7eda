/**
 * Adaptive Card building blocks shared by persona messages and approval cards. Teams renders schema 1.5 at most.
 * Teams shows one sender per app (the bot), so an agent's identity is drawn inside the message: a card header
 * with the agent's avatar and name.
 */
import type { Persona } from '../../agents/agent.js';
import type { TeamsAttachment, TeamsEntity } from './bot-adapter.js';

export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  actions?: CardElement[];
  fallbackText?: string;
  msteams?: { width: 'Full' };
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function adaptiveCard(body: CardElement[], extra: Partial<AdaptiveCard> = {}): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...extra,
  };
}

export function cardAttachment(card: AdaptiveCard): TeamsAttachment {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

/** The agent's avatar (when it has an `iconUrl`) and display name. */
export function personaHeader(persona: Persona): CardElement {
  const name: CardElement = {
    type: 'TextBlock',
    text: persona.displayName,
    weight: 'Bolder',
    wrap: true,
  };
  if (!persona.iconUrl) return { type: 'Container', items: [name] };
  return {
    type: 'ColumnSet',
    columns: [
      {
        type: 'Column',
        width: 'auto',
        items: [
          {
            type: 'Image',
            url: persona.iconUrl,
            altText: persona.displayName,
            style: 'Person',
            size: 'Small',
          },
        ],
      },
      { type: 'Column', width: 'stretch', verticalContentAlignment: 'Center', items: [name] },
    ],
  };
}

export function textBlock(text: string, extra: CardElement = {}): CardElement {
  return { type: 'TextBlock', text, wrap: true, ...extra };
}

/**
 * Teams' "AI generated" label: one root schema.org `Message` entity per activity (a second one is a 400).
 * It needs the entity fix in `botbuilder-entity-fix.ts` to survive botbuilder's serializer.
 */
export function aiLabelEntity(): TeamsEntity {
  return {
    type: 'https://schema.org/Message',
    '@type': 'Message',
    '@context': 'https://schema.org',
    additionalType: ['AIGeneratedContent'],
  };
}
