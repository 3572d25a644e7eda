/** Reading what the bot sent the way a Teams user sees it: card texts, buttons, entities. */
import type { ConnectorCall } from './fake-connector.js';

export type Json = Record<string, unknown>;

export function cardOf(body: Json): Json | undefined {
  const attachments = (body.attachments as Json[] | undefined) ?? [];
  const card = attachments.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  return card?.content as Json | undefined;
}

/** Every TextBlock text, RichTextBlock (its runs joined) and FactSet fact in a card, in reading order. */
export function cardTexts(card: Json | undefined): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) walk(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const n = node as Json;
    if (n.type === 'TextBlock' && typeof n.text === 'string') out.push(n.text);
    if (n.type === 'RichTextBlock')
      out.push((n.inlines as Json[]).map((r) => (typeof r === 'string' ? r : String(r.text))).join(''));
    if (n.type === 'FactSet') for (const f of n.facts as Json[]) out.push(`${f.title}: ${f.value}`);
    for (const key of ['body', 'items', 'columns']) if (key in n) walk(n[key]);
  };
  walk(card?.body);
  return out;
}

export function cardButtons(card: Json | undefined): Json[] {
  return ((card?.actions as Json[] | undefined) ?? []).filter((a) => typeof a.title === 'string');
}

/** What the user reads in a sent message: its text and its card's texts. */
export function visibleText(call: ConnectorCall): string {
  return [call.body.text, ...cardTexts(cardOf(call.body))].filter(Boolean).join('\n');
}

export function entities(body: Json): Json[] {
  return (body.entities as Json[] | undefined) ?? [];
}

export function hasAiLabel(body: Json): boolean {
  return entities(body).some(
    (e) =>
      e.type === 'https://schema.org/Message' &&
      e['@type'] === 'Message' &&
      e['@context'] === 'https://schema.org' &&
      Array.isArray(e.additionalType) &&
      e.additionalType.includes('AIGeneratedContent'),
  );
}

export function streamInfo(body: Json): Json | undefined {
  return entities(body).find((e) => e.type === 'streaminfo');
}

/** Messages (not typing) the bot posted, with the text a user reads. */
export function messages(calls: readonly ConnectorCall[]): string[] {
  return calls.filter((c) => c.method === 'POST' && c.body.type === 'message').map(visibleText);
}
