/**
 * The playground's browser script (plain ES2020, no framework). Every string from the server is put on the page
 * with textContent or as an attribute value, never parsed as HTML, so model output cannot inject markup.
 */
export const PAGE_SCRIPT = String.raw`'use strict';
(function () {
  var API = '/api/playground';
  var state = { info: null, threads: [], current: null, snapshot: null, working: false, tool: null, live: {} };
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function persona(agent) {
    var p = state.info && state.info.personas[agent];
    return p || { name: agent, displayName: agent || 'Agent', avatar: '🤖', color: '#6b7280' };
  }
  function who(agent) {
    var p = persona(agent);
    var s = el('span', 'who', p.displayName);
    s.style.color = p.color;
    return s;
  }
  function time(iso) {
    if (!iso) return '';
    var d = new Date(iso);
    return isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  function api(method, path, body) {
    var init = { method: method, headers: {} };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(API + path, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) throw new Error(data.error || ('HTTP ' + r.status));
        return data;
      });
    });
  }
  function scrollDown() { var t = $('timeline'); t.scrollTop = t.scrollHeight; }
  function flash(text, level) {
    var n = el('div', 'notice ' + (level || 'warning'), text);
    $('timeline').appendChild(n); scrollDown();
  }

  // ---- rendering -------------------------------------------------------------------------------------------
  function messageNode(role, agent, author, text, at) {
    var m = el('div', 'msg ' + (role === 'user' ? 'user' : 'agent'));
    var av = el('div', 'avatar');
    var name;
    if (role === 'user') { av.textContent = '🙂'; name = author || 'You'; }
    else {
      var p = persona(agent);
      m.style.setProperty('--persona', p.color);
      if (p.iconUrl) { var img = document.createElement('img'); img.src = p.iconUrl; img.alt = ''; av.appendChild(img); }
      else av.textContent = p.avatar;
      name = p.displayName;
      m.dataset.agent = agent || '';
    }
    var body = el('div', 'body');
    var meta = el('div', 'meta');
    meta.appendChild(el('span', 'persona-name', name));
    meta.appendChild(el('span', 'time', time(at)));
    body.appendChild(meta);
    body.appendChild(el('div', 'text', text));
    m.appendChild(av); m.appendChild(body);
    return m;
  }
  function argsText(args) {
    var keys = Object.keys(args || {});
    if (!keys.length) return '(no arguments)';
    return keys.map(function (k) { var v = args[k]; return k + ': ' + (typeof v === 'string' ? v : JSON.stringify(v)); }).join('\n');
  }
  function markNode(mark) {
    if (mark.kind === 'handoff') {
      var h = el('div', 'marker handoff');
      var inner = el('span');
      inner.appendChild(who(mark.from));
      inner.appendChild(document.createTextNode(' → '));
      inner.appendChild(who(mark.to));
      if (mark.reason) inner.appendChild(document.createTextNode(' · ' + mark.reason));
      h.appendChild(inner);
      return h;
    }
    if (mark.kind === 'decision') {
      var d = el('div', 'decision ' + (mark.approved ? 'approved' : 'rejected'),
        (mark.approved ? '✅ Approved ' : '⛔ Rejected ') + mark.tool + ' (' + argsText(mark.args).replace(/\n/g, ', ') + ') · by ' + mark.by);
      return d;
    }
    if (mark.kind === 'notice') return el('div', 'notice ' + mark.level, mark.text);
    if (mark.kind === 'ended') {
      var e = el('div', 'marker ended');
      e.appendChild(el('span', '', 'Conversation ended · send a message to start again'));
      return e;
    }
    return el('div');
  }
  function approvalCard(p) {
    var per = persona(p.agent);
    var c = el('div', 'card approval-card');
    c.dataset.requestId = p.requestId;
    c.style.setProperty('--persona', per.color);
    c.appendChild(el('h3', '', '🔐 Approval needed'));
    var line = el('div');
    line.appendChild(who(p.agent));
    line.appendChild(document.createTextNode(' wants to run '));
    line.appendChild(el('code', 'tool-name', p.tool));
    c.appendChild(line);
    c.appendChild(el('div', 'args', argsText(p.args)));
    var actions = el('div', 'actions');
    var yes = el('button', 'approve', 'Approve'); yes.type = 'button';
    var no = el('button', 'reject', 'Reject'); no.type = 'button';
    var st = el('span', 'state');
    function decide(approved) {
      yes.disabled = true; no.disabled = true;
      st.textContent = approved ? 'Approving…' : 'Rejecting…';
      api('POST', '/threads/' + state.current + '/decisions', { requestId: p.requestId, approved: approved })
        .catch(function (err) { st.textContent = ''; yes.disabled = false; no.disabled = false; flash('Could not send: ' + err.message, 'error'); });
    }
    yes.addEventListener('click', function () { decide(true); });
    no.addEventListener('click', function () { decide(false); });
    actions.appendChild(yes); actions.appendChild(no); actions.appendChild(st);
    c.appendChild(actions);
    return c;
  }
  function renderSnapshot(s) {
    state.snapshot = s; state.live = {}; state.tool = null;
    state.working = s.running;
    var t = $('timeline');
    t.textContent = '';
    $('thread-title').textContent = s.title;
    if (!s.items.length && !s.pending.length) t.appendChild(emptyState());
    s.items.forEach(function (it) {
      t.appendChild(it.kind === 'message' ? messageNode(it.role, it.agent, it.author, it.text, it.at) : markNode(it));
    });
    s.pending.forEach(function (p) { if (p.kind === 'approval') t.appendChild(approvalCard(p)); });
    renderStatus();
    scrollDown();
  }
  function emptyState() {
    var box = el('div', 'empty');
    box.appendChild(el('p', '', 'Start a conversation with the support team. Try one of these:'));
    ['I need help with my order', 'Where is my order 1234?', 'My order 1234 arrived damaged, I need a refund.'].forEach(function (q) {
      var b = el('button', 'suggestion', q); b.type = 'button';
      b.addEventListener('click', function () { $('input').value = q; $('input').focus(); });
      box.appendChild(b);
    });
    return box;
  }
  function renderStatus() {
    var s = state.snapshot, st = $('status'), pill = $('thread-state');
    st.className = 'status'; st.textContent = ''; pill.hidden = true; pill.className = 'pill';
    if (!s) return;
    var approval = s.pending.filter(function (p) { return p.kind === 'approval'; })[0];
    var input = s.pending.filter(function (p) { return p.kind === 'user_input'; })[0];
    var text = '', cls = '';
    if (state.working) { text = state.tool ? state.tool : '⏳ ' + persona(s.activeAgent).displayName + ' is working…'; cls = 'working'; }
    else if (approval) { text = '🔐 Waiting for approval — ' + persona(approval.agent).displayName + ' wants to run ' + approval.tool; cls = 'waiting-approval'; }
    else if (input) { text = '💬 Waiting for you — reply to ' + persona(input.agent).displayName; cls = 'waiting-you'; }
    else if (s.status === 'completed') { text = 'Conversation ended'; cls = 'ended'; }
    else if (s.status === 'failed') { text = 'The last turn failed; send a message to try again.'; cls = 'failed'; }
    st.textContent = text; if (cls) st.classList.add(cls);
    if (cls && cls !== 'working') { pill.hidden = false; pill.textContent = cls === 'waiting-you' ? 'waiting for you' : cls === 'waiting-approval' ? 'waiting for approval' : cls; pill.classList.add(cls); }
  }
  function renderThreads() {
    var ul = $('threads'); ul.textContent = '';
    state.threads.forEach(function (t) {
      var li = el('li');
      var b = el('button', t.id === state.current ? 'active' : ''); b.type = 'button';
      b.dataset.threadId = t.id;
      b.appendChild(el('span', 'thread-name', t.title));
      b.appendChild(el('span', 'thread-time', new Date(t.updatedAt).toLocaleString()));
      b.addEventListener('click', function () { select(t.id); });
      li.appendChild(b); ul.appendChild(li);
    });
  }

  // ---- data ------------------------------------------------------------------------------------------------
  function loadThreads() {
    return api('GET', '/threads').then(function (r) { state.threads = r.threads; renderThreads(); });
  }
  function refresh() {
    if (!state.current) return Promise.resolve();
    var id = state.current;
    return api('GET', '/threads/' + id).then(function (s) { if (state.current === id) renderSnapshot(s); })
      .catch(function (err) { flash('Could not load the thread: ' + err.message, 'error'); });
  }
  function select(id) {
    state.current = id; history.replaceState(null, '', '#t=' + id);
    renderThreads();
    return refresh();
  }
  function newThread() {
    return api('POST', '/threads', {}).then(function (r) {
      if (!state.threads.some(function (t) { return t.id === r.thread.id; })) state.threads.unshift(r.thread);
      return select(r.thread.id);
    });
  }
  function send(text) {
    var go = state.current ? Promise.resolve() : newThread();
    return go.then(function () {
      var clientId = 'c' + Math.random().toString(36).slice(2) + Date.now().toString(36);
      return api('POST', '/threads/' + state.current + '/messages', { text: text, clientId: clientId });
    });
  }

  // ---- live events -----------------------------------------------------------------------------------------
  function onEvent(ev) {
    if (ev.type === 'thread') {
      state.threads = [ev.thread].concat(state.threads.filter(function (t) { return t.id !== ev.thread.id; }));
      if (state.current === ev.thread.id) $('thread-title').textContent = ev.thread.title;
      renderThreads();
      return;
    }
    if (ev.threadId !== state.current || !state.snapshot) return;
    var t = $('timeline');
    var empty = t.querySelector('.empty'); if (empty) empty.remove();
    switch (ev.type) {
      case 'user_message': t.appendChild(messageNode('user', null, ev.author, ev.text, new Date().toISOString())); break;
      case 'turn_start': state.working = true; break;
      case 'delta': {
        var live = state.live[ev.agent];
        if (!live) {
          live = messageNode('assistant', ev.agent, '', '', new Date().toISOString());
          live.classList.add('streaming'); state.live[ev.agent] = live; t.appendChild(live);
        }
        live.querySelector('.text').textContent += ev.text;
        state.snapshot.activeAgent = ev.agent; state.tool = null;
        break;
      }
      case 'message': {
        var node = state.live[ev.agent];
        if (node) { node.classList.remove('streaming'); node.querySelector('.text').textContent = ev.text; delete state.live[ev.agent]; }
        else t.appendChild(messageNode('assistant', ev.agent, '', ev.text, new Date().toISOString()));
        break;
      }
      case 'mark':
        if (ev.mark.kind === 'handoff') state.snapshot.activeAgent = ev.mark.to;
        t.appendChild(markNode(ev.mark)); break;
      case 'tool':
        state.tool = ev.phase === 'call' ? '🔧 ' + persona(ev.agent).displayName + ' is running ' + ev.name + '…' : null;
        break;
      case 'pending':
        if (ev.pending.kind === 'approval' && !t.querySelector('[data-request-id="' + CSS.escape(ev.pending.requestId) + '"]')) t.appendChild(approvalCard(ev.pending));
        break;
      case 'decision': {
        var card = t.querySelector('[data-request-id="' + CSS.escape(ev.requestId) + '"]');
        if (card) {
          card.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
          card.querySelector('.state').textContent = ev.approved ? '✅ Approved' : '⛔ Rejected';
        }
        break;
      }
      case 'turn_end':
        state.working = false; state.tool = null;
        if (ev.decision === 'forbidden') flash('Only the person who started this thread can approve this.', 'warning');
        if (ev.decision === 'not_pending') flash('That request was already answered.', 'warning');
        refresh();
        return;
    }
    renderStatus();
    scrollDown();
  }
  function connect() {
    var source = new EventSource(API + '/events');
    var dropped = false;
    source.onmessage = function (m) { try { onEvent(JSON.parse(m.data)); } catch (e) { console.error(e); } };
    source.onerror = function () { dropped = true; };
    // After a reconnect (e.g. the server restarted) catch up on anything missed.
    source.onopen = function () { if (dropped) { dropped = false; loadThreads().then(refresh); } };
  }

  // ---- start -----------------------------------------------------------------------------------------------
  document.addEventListener('DOMContentLoaded', function () {
    $('composer').addEventListener('submit', function (e) {
      e.preventDefault();
      var input = $('input'), text = input.value.trim();
      if (!text) return;
      input.value = '';
      send(text).catch(function (err) { input.value = text; flash('Could not send: ' + err.message, 'error'); });
    });
    $('input').addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); $('composer').requestSubmit(); }
    });
    $('new-thread').addEventListener('click', function () { newThread(); });
    api('GET', '/info').then(function (info) {
      state.info = info;
      var about = [info.bot, info.about.model, info.about.store].filter(Boolean).join(' · ');
      $('about').textContent = about;
      if (info.notice) { $('notice').hidden = false; $('notice').textContent = '🎭 ' + info.notice; }
      connect();
      return loadThreads();
    }).then(function () {
      var m = /#t=([a-z0-9]+)/.exec(location.hash);
      var id = m && state.threads.some(function (t) { return t.id === m[1]; }) ? m[1] : (state.threads[0] && state.threads[0].id);
      if (id) return select(id);
      $('timeline').appendChild(emptyState());
    }).catch(function (err) { flash('Could not reach the server: ' + err.message, 'error'); });
  });
})();
`;
