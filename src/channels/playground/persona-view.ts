/** How agents look on the page: their persona (name, emoji, color) as plain data. */
import type { ChatAgent } from '../../agents/agent.js';
import type { PersonaView } from './view-types.js';

/** Slack-style shortcodes used by personas, as the characters a browser can show. */
const EMOJI: Readonly<Record<string, string>> = {
  wave: '👋',
  money_with_wings: '💸',
  package: '📦',
  leftwards_arrow_with_hook: '↩️',
  robot_face: '🤖',
  books: '📚',
  triangular_ruler: '📐',
  scroll: '📜',
  mag: '🔍',
  credit_card: '💳',
  truck: '🚚',
  bust_in_silhouette: '👤',
  speech_balloon: '💬',
  shield: '🛡️',
  wrench: '🔧',
  memo: '📝',
};

const PALETTE = ['#4f46e5', '#059669', '#d97706', '#db2777', '#0891b2', '#7c3aed', '#dc2626', '#65a30d'];

export function personaViews(agents: ReadonlyMap<string, ChatAgent>): Record<string, PersonaView> {
  const out: Record<string, PersonaView> = {};
  let i = 0;
  for (const [name, agent] of agents) {
    const p = agent.persona;
    const view: PersonaView = {
      name,
      displayName: p.displayName,
      avatar: emojiOf(p.iconEmoji) ?? initials(p.displayName),
      color:
        p.color && /^#[0-9a-f]{3,8}$|^[a-z]+$/i.test(p.color)
          ? p.color
          : (PALETTE[i % PALETTE.length] ?? '#4f46e5'),
    };
    if (p.iconUrl && /^https:\/\//.test(p.iconUrl)) view.iconUrl = p.iconUrl;
    out[name] = view;
    i++;
  }
  return out;
}

function emojiOf(code: string | undefined): string | undefined {
  if (!code) return undefined;
  const m = /^:([a-z0-9_+-]+):$/i.exec(code.trim());
  if (!m) return [...code.trim()].length <= 2 ? code.trim() : undefined;
  return EMOJI[m[1]!.toLowerCase()];
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
}
