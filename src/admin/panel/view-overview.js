// Overview: live figures, load charts, nodes and the busiest channels.

import { lineChart } from './chart.js';
import { h, replaceContent, setText } from './dom.js';
import { formatCount } from './format.js';
import { channelLink, emptyRow, section, table, timeAgoElement, viewHeading } from './widgets.js';

const FIGURES = [
  ['total_connections', 'Connections', 'open now'],
  ['unique_user_count', 'Connected users', 'unique users'],
  ['remembered_user_count', 'Remembered users', 'known to the server'],
  ['total_channels', 'Channels', 'existing now'],
  ['total_messages', 'Messages total', 'delivered to connections'],
  ['total_unique_messages', 'Messages unique', 'published'],
];

const figure = (label, hint, value) =>
  h('div', { class: 'figure', 'aria-atomic': 'true' }, h('dt', {}, label, hint && h('span', { class: 'hint' }, hint)), value);

export function mountOverview(container, ctx) {
  const values = new Map(FIGURES.map(([key]) => [key, h('dd', { dataset: { figure: key } }, '–')]));
  const server = {
    uptime: h('dd', { class: 'small', dataset: { figure: 'uptime' } }, '–'),
    version: h('dd', { class: 'small', dataset: { figure: 'version' } }, '–'),
    engine: h('dd', { class: 'small', dataset: { figure: 'engine' } }, '–'),
    nodes: h('dd', { class: 'small', dataset: { figure: 'nodes' } }, '–'),
  };
  const charts = h('div', { class: 'charts' });
  const nodeRows = h('tbody');
  const busiestRows = h('tbody');

  container.append(
    viewHeading('Overview'),
    section(
      'activity-heading',
      'Activity',
      // polite: a changed figure is read out (label and value, aria-atomic), without interrupting
      h('dl', { class: 'figures', 'aria-live': 'polite' }, FIGURES.map(([key, label, hint]) => figure(label, hint, values.get(key)))),
    ),
    section('load-heading', 'Load', charts),
    section(
      'server-heading',
      'Server',
      h('dl', { class: 'figures' }, figure('Uptime', '', server.uptime), figure('Version', '', server.version), figure('Engine', '', server.engine), figure('Nodes', '', server.nodes)),
    ),
    h(
      'div',
      { class: 'columns' },
      section('busiest-heading', 'Busiest channels', table(h('caption', {}, 'Most connections first. ', h('a', { href: '#/channels' }, 'All channels')), [['Channel'], ['Connections', true], ['Users', true], ['Last active']], busiestRows)),
      section('nodes-heading', 'Nodes', table(h('caption', {}, 'Each server node and the connections it holds.'), [['Node'], ['Connections', true], ['Last seen']], nodeRows)),
    ),
  );

  return {
    title: 'Overview',
    update() {
      const data = ctx.data;
      const now = ctx.now();
      for (const [key, dd] of values) setText(dd, formatCount(data[key] ?? 0));
      setText(server.uptime, data.uptime);
      setText(server.version, data.version);
      setText(server.engine, data.engine);
      setText(server.nodes, formatCount(data.nodes.length));
      replaceContent(charts, loadCharts(ctx));
      const busiest = Object.values(data.channels)
        .sort((a, b) => b.total_connections - a.total_connections || b.last_active.localeCompare(a.last_active))
        .slice(0, 5);
      replaceContent(
        busiestRows,
        busiest.length
          ? busiest.map((c) => h('tr', {}, h('th', { scope: 'row' }, channelLink(c.name)), h('td', { class: 'num' }, formatCount(c.total_connections)), h('td', { class: 'num' }, formatCount(c.total_users)), h('td', {}, timeAgoElement(c.last_active, now))))
          : emptyRow(4, 'No channels yet.'),
      );
      replaceContent(
        nodeRows,
        data.nodes.map((n) => h('tr', {}, h('th', { scope: 'row' }, n.node), h('td', { class: 'num' }, formatCount(n.connections)), h('td', {}, timeAgoElement(n.seen, now)))),
      );
    },
  };
}

const MINUTE = 60_000;

/** The last ten minutes, or less (at least two) while the server has not run that long, so the lines fill the chart. */
function chartWindow(points, to, windowMs) {
  const known = points.length ? to - points[0].at : 0;
  return Math.min(windowMs, Math.max(2 * MINUTE, Math.ceil(known / MINUTE) * MINUTE));
}

function loadCharts(ctx) {
  const { points, windowMs, intervalMs } = ctx.load;
  const to = ctx.now();
  const from = to - chartWindow(points, to, windowMs);
  const maxGap = intervalMs * 2.5;
  return [
    lineChart({
      title: 'Messages per second',
      unit: '/s',
      from,
      to,
      maxGap,
      series: [
        { label: 'Published', className: 'series-0', points: points.map((p) => [p.at, p.messages_per_second]) },
        { label: 'Delivered', className: 'series-1', points: points.map((p) => [p.at, p.delivered_per_second]) },
      ],
    }),
    lineChart({
      title: 'Connections',
      from,
      to,
      maxGap,
      integer: true,
      series: [{ label: 'Open', className: 'series-2', points: points.map((p) => [p.at, p.connections]) }],
    }),
  ];
}
