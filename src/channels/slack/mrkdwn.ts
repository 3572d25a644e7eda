/** Escaping for Slack's mrkdwn: text from models and users must not become mentions, links or broadcasts. */

/** Escapes the three characters Slack treats as control characters (`<@U…>`, `<!channel>`, links). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text safe inside a ``` code block: escaped, and any backtick fence inside it broken up. */
export function escapeCodeBlock(text: string): string {
  return escapeMrkdwn(text).replace(/```/g, '`\u200b`\u200b`');
}

/** Slack's date token: each reader sees the time in their own time zone; `fallback` is shown elsewhere. */
export function slackTime(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  const fallback = `${date.toISOString().slice(11, 16)} UTC`;
  return `<!date^${seconds}^{time}|${fallback}>`;
}
