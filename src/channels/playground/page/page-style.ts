/** The playground's stylesheet: a plain, Slack-like chat layout; agent colors come from their personas. */
export const PAGE_STYLE = `
:root { --bg: #f6f7fb; --panel: #fff; --line: #e5e7eb; --text: #1f2937; --muted: #6b7280; --accent: #4f46e5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--text); }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); height: 100vh; display: flex; flex-direction: column; }
.muted { color: var(--muted); font-weight: 400; }
.top { display: flex; align-items: center; justify-content: space-between; padding: 10px 18px; background: #1e1b4b; color: #fff; }
.top .muted { color: #c7d2fe; }
.brand { font-weight: 700; font-size: 18px; }
.about { font-size: 13px; }
.banner { padding: 8px 18px; background: #fef3c7; border-bottom: 1px solid #fcd34d; font-size: 14px; }
.layout { flex: 1; display: flex; min-height: 0; }
.sidebar { width: 270px; background: #312e81; color: #e0e7ff; padding: 14px; overflow-y: auto; }
.sidebar-title { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: #a5b4fc; margin: 18px 4px 6px; }
.threads { list-style: none; margin: 0; padding: 0; }
.threads button { width: 100%; text-align: left; background: none; border: 0; color: inherit; padding: 8px 10px; border-radius: 6px; cursor: pointer; font: inherit; }
.threads button:hover { background: #3730a3; }
.threads button.active { background: #4f46e5; color: #fff; }
.thread-name { display: block; font-size: 14px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.thread-time { display: block; font-size: 11px; color: #a5b4fc; }
.conversation { flex: 1; display: flex; flex-direction: column; min-width: 0; background: var(--panel); }
.thread-header { display: flex; align-items: center; gap: 12px; padding: 12px 20px; border-bottom: 1px solid var(--line); }
.thread-header h1 { font-size: 17px; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.pill { font-size: 12px; padding: 2px 10px; border-radius: 999px; background: #eef2ff; color: #3730a3; white-space: nowrap; }
.pill.waiting-approval { background: #fef3c7; color: #92400e; }
.pill.waiting-you { background: #dcfce7; color: #166534; }
.pill.ended { background: #f3f4f6; color: #374151; }
.timeline { flex: 1; overflow-y: auto; padding: 16px 20px; }
.empty { color: var(--muted); margin: 40px auto; max-width: 520px; text-align: center; line-height: 1.6; }
.suggestion { display: inline-block; margin: 4px; padding: 6px 12px; border: 1px solid var(--line); border-radius: 999px; background: #fff; cursor: pointer; font: inherit; font-size: 14px; }
.msg { display: flex; gap: 10px; margin: 10px 0; }
.avatar { flex: none; width: 36px; height: 36px; border-radius: 8px; display: grid; place-items: center; font-size: 19px; font-weight: 700; color: #fff;
  background: var(--persona, #9ca3af); }
.avatar img { width: 36px; height: 36px; border-radius: 8px; }
.msg.user .avatar { background: #e5e7eb; color: #374151; font-size: 15px; }
.body { min-width: 0; }
.meta { display: flex; gap: 8px; align-items: baseline; }
.persona-name { font-weight: 700; color: var(--persona, var(--text)); }
.msg.user .persona-name { color: var(--text); }
.time { font-size: 12px; color: var(--muted); }
.text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.45; }
.msg.streaming .text::after { content: "▍"; color: var(--persona, var(--accent)); animation: blink 1s steps(2) infinite; }
@keyframes blink { 50% { opacity: 0; } }
.marker { display: flex; align-items: center; gap: 10px; color: var(--muted); font-size: 13px; margin: 14px 0; }
.marker::before, .marker::after { content: ""; flex: 1; border-top: 1px dashed var(--line); }
.marker .who { font-weight: 600; }
.marker.ended { color: #374151; }
.tool-line { color: var(--muted); font-size: 13px; margin: 4px 0 4px 46px; }
.card { margin: 10px 0 10px 46px; border: 1px solid var(--line); border-left: 4px solid var(--persona, #f59e0b); border-radius: 8px; padding: 12px 14px; max-width: 520px; background: #fffdf7; }
.card h3 { margin: 0 0 6px; font-size: 14px; }
.card .args { margin: 8px 0; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; background: #f9fafb; border-radius: 6px; padding: 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
.card .actions { display: flex; gap: 8px; }
.card .state { font-weight: 600; }
.decision { margin: 10px 0 10px 46px; font-size: 14px; padding: 8px 12px; border-radius: 8px; max-width: 520px; }
.decision.approved { background: #ecfdf5; color: #065f46; }
.decision.rejected { background: #fef2f2; color: #991b1b; }
.notice { margin: 10px 0 10px 46px; padding: 8px 12px; border-radius: 8px; font-size: 14px; max-width: 560px; }
.notice.error { background: #fef2f2; color: #991b1b; }
.notice.warning { background: #fffbeb; color: #92400e; }
.status { min-height: 24px; padding: 2px 20px; font-size: 13px; color: var(--muted); }
.status.waiting-you { color: #166534; font-weight: 600; }
.status.waiting-approval { color: #92400e; font-weight: 600; }
.composer { display: flex; gap: 10px; padding: 12px 20px 16px; border-top: 1px solid var(--line); }
.composer textarea { flex: 1; resize: none; padding: 10px 12px; border: 1px solid #d1d5db; border-radius: 8px; font: inherit; }
button.primary, .approve, .reject { border: 0; border-radius: 6px; padding: 8px 16px; font: inherit; font-weight: 600; cursor: pointer; }
button.primary { background: var(--accent); color: #fff; }
.sidebar button.primary { width: 100%; }
.approve { background: #059669; color: #fff; }
.reject { background: #fff; color: #991b1b; border: 1px solid #fca5a5; }
button:disabled { opacity: .55; cursor: default; }
`;
