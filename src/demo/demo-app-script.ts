/**
 * The demo page's script (an ES module, no build step): joins through the
 * demo backend (/demo/api/*), then listens with the client package served
 * from /demo/client/. Written without template literals so it can live in
 * this string.
 */
export const DEMO_APP_SCRIPT = String.raw`
import { ChannelstreamClient } from '/demo/client/index.js';

const PREFIX = 'demo:';
const $ = (id) => document.getElementById(id);
const short = (name) => (name && name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name);
const params = new URLSearchParams(location.search);
const transports = params.get('transports') ? params.get('transports').split(',') : undefined;

let session = null; // { conn_id, user, channel } from /demo/api/join
let client = null;
let joined = null; // { username, channel } as typed, to join again after an expiry
const users = new Map(); // full user name -> public state

function showError(error) {
  $('error').textContent = error ? String(error.message || error) : '';
}

/** Demo backend call; a 4xx body names the bad field, e.g. {"text": ["Length must be between 1 and 500."]}. */
async function api(path, body) {
  const response = await fetch('/demo/api/' + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const fields = Object.entries(answer).map(([field, problem]) => field + ': ' + (Array.isArray(problem) ? problem.join(' ') : JSON.stringify(problem)));
    throw new Error(fields.join('; ') || 'HTTP ' + response.status);
  }
  return answer;
}

function messageItem(m) {
  const li = document.createElement('li');
  li.dataset.uuid = m.uuid;
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = short(m.user);
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = m.message && typeof m.message.text === 'string' ? m.message.text : JSON.stringify(m.message);
  const when = document.createElement('span');
  when.className = 'when';
  when.textContent = m.timestamp ? new Date(m.timestamp).toLocaleTimeString() : '';
  const edited = document.createElement('span');
  edited.className = 'edited';
  edited.textContent = m.edited ? '(edited)' : '';
  li.append(who, text, when, edited);
  if (m.user === session.user) li.append(ownActions(m.uuid));
  return li;
}

function ownActions(uuid) {
  const span = document.createElement('span');
  span.className = 'actions';
  const edit = document.createElement('button');
  edit.textContent = 'edit';
  edit.onclick = () => {
    const current = document.querySelector('li[data-uuid="' + uuid + '"] .text');
    const text = prompt('New text', current ? current.textContent : '');
    if (text) api('edit', { conn_id: session.conn_id, channel: short(session.channel), uuid, text }).catch(showError);
  };
  const remove = document.createElement('button');
  remove.textContent = 'delete';
  remove.onclick = () => api('delete', { conn_id: session.conn_id, channel: short(session.channel), uuid }).catch(showError);
  span.append(edit, remove);
  return span;
}

function findItem(uuid) {
  return document.querySelector('#messages li[data-uuid="' + uuid + '"]');
}

function addMessage(m) {
  if (findItem(m.uuid)) return;
  $('messages').append(messageItem(m));
  $('messages').scrollTop = $('messages').scrollHeight;
}

function note(text) {
  const li = document.createElement('li');
  li.className = 'note';
  li.textContent = text;
  $('messages').append(li);
}

function renderUsers() {
  const list = $('users');
  list.replaceChildren();
  for (const [user, state] of [...users.entries()].sort()) {
    const li = document.createElement('li');
    const dot = document.createElement('span');
    const status = (state && state.status) || 'online';
    dot.className = 'dot ' + status;
    dot.title = status;
    li.append(dot, short(user) + (user === session.user ? ' (you)' : ''));
    list.append(li);
  }
}

function showSession(fresh) {
  session = fresh;
  $('messages').replaceChildren();
  for (const m of fresh.history) addMessage(m);
  users.clear();
  for (const entry of fresh.users) users.set(entry.user, entry.state);
  renderUsers();
  $('chat').classList.add('shown');
}

function listen() {
  client = new ChannelstreamClient({ url: location.origin, connId: session.conn_id, transports });
  client.on('state', (s) => {
    const retry = s.retryInMs ? ' (retry in ' + Math.round(s.retryInMs / 100) / 10 + ' s)' : '';
    $('connection').textContent = s.state + (s.transport ? ' via ' + s.transport : '') + retry;
  });
  client.on('message', (m) => m.channel === session.channel && addMessage(m));
  client.on('message:edit', (e) => {
    const item = findItem(e.uuid);
    if (!item) return;
    if (e.message) item.querySelector('.text').textContent = e.message.text;
    item.querySelector('.edited').textContent = '(edited)';
  });
  client.on('message:delete', (e) => findItem(e.uuid)?.remove());
  client.on('presence', (e) => {
    if (e.users && e.users.length) {
      users.clear();
      for (const entry of e.users) users.set(entry.user, entry.state);
    } else if (e.message.action === 'joined') users.set(e.user, e.state || {});
    else users.delete(e.user);
    renderUsers();
    note(short(e.user) + ' ' + e.message.action);
  });
  client.on('user_state_change', (e) => {
    users.set(e.user, e.message.state);
    renderUsers();
  });
  // the server could not replay what we missed: reload history and members
  client.on('recovery', () => api('join', { ...joined, conn_id: session.conn_id }).then(showSession, showError));
  // our conn_id is gone (expired, or dropped): get a new one and resume from where we were
  client.on('expired', () =>
    api('join', joined).then((fresh) => {
      showSession(fresh);
      client.reconnectWith(fresh.conn_id);
    }, showError),
  );
  client.on('error', showError);
  client.connect();
}

$('join').addEventListener('submit', async (event) => {
  event.preventDefault();
  showError(null);
  try {
    if (client) client.close();
    joined = { username: $('username').value.trim(), channel: $('channel').value.trim() };
    showSession(await api('join', joined));
    listen();
    $('text').focus();
  } catch (error) {
    showError(error);
  }
});

$('say').addEventListener('submit', async (event) => {
  event.preventDefault();
  showError(null);
  try {
    await api('say', { conn_id: session.conn_id, channel: short(session.channel), text: $('text').value });
    $('text').value = '';
  } catch (error) {
    showError(error);
  }
});

$('status').addEventListener('change', () => {
  api('state', { conn_id: session.conn_id, status: $('status').value }).catch(showError);
});
`;
