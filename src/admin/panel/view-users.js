// Users: every connected user with their connection count, channels and public state.

import { h, replaceContent, setText } from './dom.js';
import { formatCount, plural } from './format.js';
import { jsonView } from './json-view.js';
import { channelLink, cutNote, emptyRow, filterInput, MAX_ROWS, table, viewHeading } from './widgets.js';

export function mountUsers(container, ctx) {
  const ui = ctx.ui;
  const rows = h('tbody');
  const matches = h('p', { role: 'status', class: 'hint' });
  const filter = filterInput('user-filter', ui.userFilter, (text) => {
    ui.userFilter = text;
    view.update();
  });

  container.append(
    viewHeading('Users'),
    h('div', { class: 'controls' }, h('label', { for: 'user-filter' }, 'Filter by name', filter)),
    matches,
    table(h('caption', {}, 'Connected users, most connections first'), [['User'], ['Connections', true], ['Channels'], ['Public state']], rows),
  );

  const view = {
    title: 'Users',
    update() {
      const all = ctx.data.users;
      const needle = ui.userFilter.trim().toLowerCase();
      const shown = all
        .filter((u) => u.user.toLowerCase().includes(needle))
        .sort((a, b) => b.connections.length - a.connections.length || a.user.localeCompare(b.user));
      const remembered = `${formatCount(ctx.data.remembered_user_count)} remembered in all`;
      setText(matches, (needle ? `${formatCount(shown.length)} of ${plural(all.length, 'connected user')} match “${ui.userFilter.trim()}”.` : `${plural(all.length, 'connected user')} (${remembered}).`) + cutNote(shown.length));
      replaceContent(
        rows,
        shown.length
          ? shown.slice(0, MAX_ROWS).map((u) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, u.user),
                h('td', { class: 'num' }, formatCount(u.connections.length)),
                h('td', {}, (u.channels ?? []).length ? u.channels.flatMap((name, i) => [i ? ', ' : '', channelLink(name)]) : h('span', { class: 'empty' }, 'none')),
                h('td', {}, jsonView(u.state)),
              ),
            )
          : emptyRow(4, all.length ? 'No user matches the filter.' : 'Nobody is connected.'),
      );
    },
  };
  return view;
}
