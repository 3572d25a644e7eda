/**
 * Text from models (and from users, through them) rendered on a chat platform must stay text: no mentions or
 * broadcasts it did not mean, no link whose label hides where it goes, no invisible characters that reorder
 * what an approver reads. Channel-neutral rules; the Slack and Teams renderers apply them.
 */

/** Which hosts a rendered link may point to. Other links are shown as text with their address visible. */
export interface LinkPolicy {
  /**
   * Host names (`example.com`: that host only) or wildcards (`*.example.com`: its subdomains and itself).
   * Empty: no link is clickable.
   */
  readonly hosts: readonly string[];
}

/** No link clickable: the default when `BATON_LINK_HOSTS` is not set. */
export const NO_LINKS: LinkPolicy = { hosts: [] };

/** Parses `BATON_LINK_HOSTS` (comma or space separated); throws a clear error on anything not a host name. */
export function parseLinkHosts(value: string | undefined): LinkPolicy {
  const hosts = (value ?? '')
    .split(/[\s,]+/)
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const h of hosts) {
    if (!/^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+$/.test(h)) {
      throw new Error(
        `"${h}" is not a host name: use e.g. example.com or *.example.com (no scheme, no path)`,
      );
    }
  }
  return { hosts };
}

/** Whether `url` is an http(s) link to an allowed host. */
export function isAllowedLink(url: string, policy: LinkPolicy): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  if (parsed.username || parsed.password) return false;
  const host = parsed.hostname.toLowerCase();
  return policy.hosts.some((allowed) =>
    allowed.startsWith('*.')
      ? host === allowed.slice(2) || host.endsWith(allowed.slice(1))
      : host === allowed,
  );
}

/**
 * Characters that change how text reads without showing themselves: bidirectional overrides and isolates,
 * zero-width characters, other format controls. An approver must see them, so they are written as `\uXXXX`.
 */
const INVISIBLE =
  /[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff]|[\ufe00-\ufe0f]/g;

export function revealInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A value exactly as the tool receives it, as one unambiguous piece of text: JSON (strings quoted, newlines as
 * `\n`), objects pretty-printed, invisible characters spelled out.
 */
export function argumentText(value: unknown): string {
  const json =
    typeof value === 'object' && value !== null ? JSON.stringify(value, null, 2) : JSON.stringify(value);
  return revealInvisible(json ?? String(value));
}

/** Markdown links `[label](url)` and images `![alt](url)`: the label, the url, and an optional title. */
const MARKDOWN_LINK = /(!?)\[([^\]\n]*)\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"\n]*")?\s*\)/g;
/** Slack's own link syntax `<url|label>` / `<url>` (mrkdwn and, as Slack parses it, markdown text). */
const SLACK_LINK = /<((?:https?|mailto|ftp|file|slack):[^|>\s]*)(?:\|([^>\n]*))?>/gi;
/** Bare addresses that platforms turn into links by themselves. */
const BARE_URL = /\b(?:https?:\/\/|www\.)[^\s<>()`]+[^\s<>()`.,;:!?'"]/gi;

/**
 * Links in model-written Markdown, made honest: an allowed link stays a link; any other becomes its label
 * followed by its address as code (visible, not clickable). Images from other hosts are not loaded.
 */
export function restrictLinks(markdown: string, policy: LinkPolicy): string {
  const kept: string[] = [];
  const keep = (text: string) => {
    kept.push(text);
    return `\u0000${kept.length - 1}\u0000`;
  };
  let out = markdown.replace(MARKDOWN_LINK, (whole, bang: string, label: string, url: string) => {
    if (isAllowedLink(url, policy)) return keep(whole);
    const shown = label.trim() === '' ? '' : `${bang ? 'image: ' : ''}${label} `;
    return keep(`${shown}(${codeSpan(url)})`);
  });
  out = out.replace(SLACK_LINK, (whole, url: string, label: string | undefined) => {
    if (isAllowedLink(url, policy)) return keep(whole);
    return keep(`${label ? `${label} ` : ''}(${codeSpan(url)})`);
  });
  out = out.replace(BARE_URL, (url) => {
    const full = url.toLowerCase().startsWith('www.') ? `https://${url}` : url;
    return isAllowedLink(full, policy) ? url : keep(codeSpan(url));
  });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL marks the placeholders written above.
  return out.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => kept[Number(i)]!);
}

/** Inline code that cannot be closed early by a backtick inside it. */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

const ZWSP = '\u200b';

/**
 * Slack: model output may not mention or broadcast. `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>`,
 * `<@U…>` and `<#C…>` are broken with a zero-width space (they show as written, notify no one), and the bare
 * words `@channel`, `@here`, `@everyone` likewise.
 */
export function defangSlackMentions(text: string): string {
  return text
    .replace(/<([!@#])/g, `<${ZWSP}$1`)
    .replace(/(^|[^\w])@(channel|here|everyone)\b/gi, `$1@${ZWSP}$2`);
}

/** Slack `markdown` blocks and streamed `markdown_text`: mentions defanged, links restricted. */
export function safeSlackMarkdown(text: string, policy: LinkPolicy): string {
  return defangSlackMentions(restrictLinks(text, policy));
}

/** Teams: model Markdown for an Adaptive Card TextBlock (no HTML, no mentions there): links restricted. */
export function safeTeamsCardMarkdown(text: string, policy: LinkPolicy): string {
  return restrictLinks(text, policy);
}

/**
 * Teams: model Markdown sent as message text (streamed replies). Teams honours a subset of HTML and `<at>`
 * mention tags there, so `<` and a bare `&` are written as entities (they still read as `<` and `&`); links are
 * restricted.
 */
export function safeTeamsMessageMarkdown(text: string, policy: LinkPolicy): string {
  return restrictLinks(text, policy)
    .replace(/&(?![a-z]+;|#\d+;)/gi, '&amp;')
    .replace(/</g, '&lt;');
}

/**
 * Backslash-escapes every character Markdown gives a meaning to, for short literal text (a name, a tool
 * name) placed inside a Markdown TextBlock. Long or untrusted values go in a TextRun, which Teams never parses.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|>~<]/g, '\\$&');
}

/**
 * Applies a text rule to a stream of deltas. A delta may end inside a link or a mention (`<!chan` + `nel>`), so
 * the tail after the last space, or from an unclosed `[` or `<`, is held back until it is complete: the pieces
 * put together read exactly as the rule applied to the whole text.
 */
export class SafeTextStream {
  private held = '';
  constructor(private readonly rule: (text: string) => string) {}

  /** The safe text that can be sent now ('' while everything is held back). */
  push(delta: string): string {
    this.held += delta;
    const cut = this.held.length > MAX_HELD ? this.held.length : boundary(this.held);
    const out = this.held.slice(0, cut);
    this.held = this.held.slice(cut);
    return out === '' ? '' : this.rule(out);
  }

  /** Whatever is still held back, made safe (the end of the reply). */
  end(): string {
    const out = this.held;
    this.held = '';
    return out === '' ? '' : this.rule(out);
  }
}

/** A link or a mention longer than this is not waited for. */
const MAX_HELD = 2000;

function boundary(text: string): number {
  let cut = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (/\s/.test(text[i]!)) {
      cut = i + 1;
      break;
    }
  }
  const head = text.slice(0, cut);
  const bracket = head.lastIndexOf('[');
  if (bracket >= 0 && !/\]\([^)]*\)/.test(head.slice(bracket)) && !/\][^(]/.test(head.slice(bracket)))
    cut = bracket;
  const angle = head.lastIndexOf('<');
  if (angle >= 0 && angle < cut && !head.slice(angle).includes('>')) cut = angle;
  return cut;
}
