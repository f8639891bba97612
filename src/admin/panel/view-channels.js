// Channels: every channel, filtered by name and sorted by activity, connections, users or name.

import { h, replaceContent, setText } from './dom.js';
import { formatCount, plural } from './format.js';
import { channelLink, cutNote, emptyRow, filterInput, MAX_ROWS, table, timeAgoElement, viewHeading } from './widgets.js';

const byName = (a, b) => a.name.localeCompare(b.name);
// ties are broken by name, so rows do not swap places between two refreshes
const SORTS = {
  activity: ['Most recently active', (a, b) => b.last_active.localeCompare(a.last_active) || byName(a, b)],
  connections: ['Most connections', (a, b) => b.total_connections - a.total_connections || byName(a, b)],
  users: ['Most users', (a, b) => b.total_users - a.total_users || byName(a, b)],
  name: ['Name, A to Z', byName],
};

export function mountChannels(container, ctx) {
  const ui = ctx.ui;
  const rows = h('tbody');
  const caption = h('caption');
  const matches = h('p', { role: 'status', class: 'hint' });
  const filter = filterInput('channel-filter', ui.channelFilter, (text) => {
    ui.channelFilter = text;
    view.update();
  });
  const sort = h(
    'select',
    {
      id: 'channel-sort',
      onchange: (event) => {
        ui.channelSort = event.target.value;
        view.update();
      },
    },
    Object.entries(SORTS).map(([value, [label]]) => h('option', { value, selected: value === ui.channelSort }, label)),
  );

  container.append(
    viewHeading('Channels'),
    h(
      'div',
      { class: 'controls' },
      h('label', { for: 'channel-filter' }, 'Filter by name', filter),
      h('label', { for: 'channel-sort' }, 'Sort by', sort),
    ),
    matches,
    table(caption, [['Channel'], ['Connections', true], ['Users', true], ['Stored messages', true], ['Last active']], rows),
  );

  const view = {
    title: 'Channels',
    update() {
      const now = ctx.now();
      const all = Object.values(ctx.data.channels);
      const needle = ui.channelFilter.trim().toLowerCase();
      const shown = all.filter((c) => c.name.toLowerCase().includes(needle)).sort(SORTS[ui.channelSort][1]);
      setText(matches, (needle ? `${formatCount(shown.length)} of ${plural(all.length, 'channel')} match “${ui.channelFilter.trim()}”.` : `${plural(all.length, 'channel')}.`) + cutNote(shown.length));
      setText(caption, `Channels, ${SORTS[ui.channelSort][0].toLowerCase()} first`);
      replaceContent(
        rows,
        shown.length
          ? shown.slice(0, MAX_ROWS).map((c) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, channelLink(c.name)),
                h('td', { class: 'num' }, formatCount(c.total_connections)),
                h('td', { class: 'num' }, formatCount(c.total_users)),
                h('td', { class: 'num' }, formatCount(c.history.length)),
                h('td', {}, timeAgoElement(c.last_active, now)),
              ),
            )
          : emptyRow(5, all.length ? 'No channel matches the filter.' : 'No channels yet.'),
      );
    },
  };
  return view;
}
