/**
 * The plain-text `summary` of a message, which Teams shows in the chat list and in notifications instead of
 * the message's markdown (a streamed reply otherwise previews as `**Refund Agent**…`).
 */

/** Longest preview kept; Teams cuts the line much earlier anyway. */
export const SUMMARY_LENGTH = 200;

/** `Name: the reply as plain text`, cut at {@link SUMMARY_LENGTH} characters. */
export function previewSummary(displayName: string, markdown: string): string {
  const text = plainText(markdown);
  return clip(text ? `${displayName}: ${text}` : displayName);
}

/**
 * The summary of a streamed message's text, whose first line is the persona in bold (`**Name**`, see
 * `streamedText`): that line becomes the `Name:` prefix.
 */
export function streamedSummary(rendered: string): string {
  const header = /^\*\*([^*\n]+)\*\*\s*(?:\n|$)/u.exec(rendered);
  if (!header) return clip(plainText(rendered));
  return previewSummary(header[1]!.trim(), rendered.slice(header[0].length));
}

/** Markdown as the words a person reads: no emphasis, code, heading, quote or list markers; links as text. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/^\s*```[^\n]*$/gmu, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/gu, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/gu, '$1')
    .replace(/<\/?[a-z][^>]*>/giu, ' ')
    .replace(/^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)/gmu, '')
    .replace(/(\*\*|__|~~)(.+?)\1/gu, '$2')
    .replace(/(^|[^\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])/gu, '$1$2')
    .replace(/`+([^`]*)`+/gu, '$1')
    .replace(/\s+/gu, ' ')
    .trim();
}

function clip(text: string): string {
  if (text.length <= SUMMARY_LENGTH) return text;
  let end = SUMMARY_LENGTH - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end).trimEnd()}…`;
}
