/**
 * What the workflow is told when someone mentions the bot with nothing else ("@Baton"): a clear stand-in for
 * the missing message, so the start agent greets and says what it can do instead of the mention being dropped.
 */
export const BARE_MENTION_PROMPT =
  '(The user mentioned you without a message. Greet them briefly and say what you can help with.)';
