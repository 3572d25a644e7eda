/** The playground's HTML shell; everything dynamic is built by app.js with DOM text nodes (no innerHTML). */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baton playground</title>
<link rel="stylesheet" href="/playground/app.css">
<script src="/playground/app.js" defer></script>
</head>
<body>
<header class="top">
  <div class="brand"><span class="logo" aria-hidden="true">🪄</span> Baton <span class="muted">playground</span></div>
  <div id="about" class="about muted"></div>
</header>
<div id="notice" class="banner" hidden></div>
<div class="layout">
  <aside class="sidebar">
    <button id="new-thread" type="button" class="primary">+ New conversation</button>
    <h2 class="sidebar-title">Threads</h2>
    <ul id="threads" class="threads" aria-label="Threads"></ul>
  </aside>
  <main class="conversation">
    <div class="thread-header"><h1 id="thread-title">Baton playground</h1><span id="thread-state" class="pill" hidden></span></div>
    <div id="timeline" class="timeline" role="log" aria-live="polite"></div>
    <div id="status" class="status" aria-live="polite"></div>
    <form id="composer" class="composer" autocomplete="off">
      <textarea id="input" rows="2" placeholder="Message the support team…" aria-label="Message"></textarea>
      <button id="send" type="submit" class="primary">Send</button>
    </form>
  </main>
</div>
</body>
</html>
`;
