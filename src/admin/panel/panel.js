// The admin panel: polls the server every 2 s and redraws the open view in place (no reload).

import { getJson, SignedOutError } from './api.js';
import { setText } from './dom.js';
import { formatClock } from './format.js';
import { mountChannel } from './view-channel.js';
import { mountChannels } from './view-channels.js';
import { mountOverview } from './view-overview.js';
import { mountUsers } from './view-users.js';

const POLL_MS = 2000;
const LOAD_WINDOW_MS = 10 * 60_000;

const ctx = {
  data: undefined,
  load: { points: [], windowMs: LOAD_WINDOW_MS, intervalMs: POLL_MS },
  /** Server time minus ours, so "12 s ago" and the chart's "now" follow the server's clock. */
  skew: 0,
  now: () => Date.now() + ctx.skew,
  ui: { channelFilter: '', channelSort: 'activity', userFilter: '' },
};

const viewElement = document.getElementById('view');
const problem = document.getElementById('connection-problem');
const updated = document.getElementById('updated');
let view;
let timer;
let polling = false;

/** #/ · #/channels · #/channels/<name> · #/users */
function parseRoute(hash) {
  const [, section = '', rest] = hash.match(/^#\/([^/]*)\/?(.*)$/) ?? [];
  if (section === 'channels' && rest) return { name: 'channel', nav: 'channels', param: decodeURIComponent(rest) };
  if (section === 'channels') return { name: 'channels', nav: 'channels' };
  if (section === 'users') return { name: 'users', nav: 'users' };
  return { name: 'overview', nav: 'overview' };
}

const MOUNT = { overview: mountOverview, channels: mountChannels, channel: mountChannel, users: mountUsers };

function openView({ moveFocus }) {
  const route = parseRoute(location.hash);
  viewElement.replaceChildren();
  view = MOUNT[route.name](viewElement, ctx, route.param);
  document.title = `${view.title} · Channelstream admin`;
  for (const link of document.querySelectorAll('nav a[data-route]')) {
    if (link.dataset.route === route.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (ctx.data) view.update();
  if (moveFocus) viewElement.querySelector('.view-heading')?.focus();
}

function mergeLoad(load) {
  ctx.skew = load.now - Date.now();
  ctx.load.intervalMs = load.interval_ms;
  const last = ctx.load.points.at(-1)?.at ?? 0;
  const fresh = load.points.filter((p) => p.at > last);
  const oldest = load.now - LOAD_WINDOW_MS;
  ctx.load.points = [...ctx.load.points, ...fresh].filter((p) => p.at >= oldest);
}

async function poll() {
  if (polling) return; // a tab shown again while a poll is under way
  polling = true;
  clearTimeout(timer);
  try {
    await refresh();
  } finally {
    polling = false;
    // nobody looks at a hidden tab: poll again when it is shown
    if (!document.hidden) timer = setTimeout(poll, POLL_MS);
  }
}

async function refresh() {
  let data;
  let load;
  try {
    const since = ctx.load.points.at(-1)?.at ?? 0;
    [data, load] = await Promise.all([getJson('/admin/admin.json'), getJson(`/admin/load.json?since=${since}`)]);
  } catch (error) {
    if (error instanceof SignedOutError) return location.assign('/admin/sign_in');
    setText(problem, `Cannot reach the server (${error.message}). Retrying every ${POLL_MS / 1000} s; the figures below may be out of date.`);
    problem.hidden = false;
    return;
  }
  problem.hidden = true;
  ctx.data = data;
  mergeLoad(load);
  view.update();
  setText(updated, `updated ${formatClock(Date.now())}`);
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) poll();
  else clearTimeout(timer);
});
window.addEventListener('hashchange', () => openView({ moveFocus: true }));

openView({ moveFocus: false });
poll();
