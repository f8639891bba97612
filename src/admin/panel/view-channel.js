// One channel: its figures, settings, members with their public state, and stored history.

import { h, replaceContent, setText } from './dom.js';
import { formatCount, plural } from './format.js';
import { jsonView } from './json-view.js';
import { cutNote, emptyRow, MAX_ROWS, section, table, timeAgoElement, viewHeading } from './widgets.js';

const SETTINGS = [
  ['notify_presence', 'Notify presence'],
  ['store_history', 'Store history'],
  ['history_size', 'History size'],
  ['broadcast_presence_with_user_lists', 'Presence with user lists'],
  ['notify_state', 'Notify state changes'],
  ['store_frames', 'Keep catch-up frames'],
];

const settingValue = (value) => (typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value));

export function mountChannel(container, ctx, name) {
  const missing = h('p', { class: 'message error', role: 'status', hidden: true }, `Channel “${name}” is not on the server (any more).`);
  const facts = h('dl', { class: 'facts' });
  const settings = h('dl', { class: 'facts' });
  const userRows = h('tbody');
  const usersCaption = h('caption');
  const historyCount = h('p', { class: 'hint' });
  const history = h('ol', { class: 'history' });
  const details = h(
    'div',
    {},
    h('div', { class: 'columns' }, section('channel-summary', 'Summary', facts), section('channel-settings', 'Settings', settings)),
    section('channel-users', 'Users', table(usersCaption, [['User'], ['Connections', true], ['Public state']], userRows)),
    section('channel-history', 'History', historyCount, history),
  );

  container.append(viewHeading(`Channel ${name}`), h('p', {}, h('a', { href: '#/channels' }, '← All channels')), missing, details);

  return {
    title: `Channel ${name}`,
    update() {
      const channel = ctx.data.channels[name];
      missing.hidden = Boolean(channel);
      details.hidden = !channel;
      if (!channel) return;
      const now = ctx.now();
      const usersByName = new Map(ctx.data.users.map((u) => [u.user, u]));
      replaceContent(
        facts,
        fact('Connections', formatCount(channel.total_connections)),
        fact('Users', formatCount(channel.total_users)),
        fact('Last active', timeAgoElement(channel.last_active, now)),
        fact('Stored messages', formatCount(channel.history.length)),
        fact('UUID', channel.uuid),
      );
      replaceContent(settings, SETTINGS.map(([key, label]) => fact(label, settingValue(channel.settings[key]))));
      setText(usersCaption, `Members and their public state.${cutNote(channel.users.length, false)}`);
      replaceContent(
        userRows,
        channel.users.length
          ? channel.users.slice(0, MAX_ROWS).map((user) => {
              const known = usersByName.get(user);
              return h(
                'tr',
                {},
                h('th', { scope: 'row' }, user),
                h('td', { class: 'num' }, formatCount(known?.connections.length ?? 0)),
                h('td', {}, jsonView(known?.state ?? {})),
              );
            })
          : emptyRow(3, 'Nobody is in this channel.'),
      );
      const newestFirst = [...channel.history].reverse();
      setText(
        historyCount,
        channel.settings.store_history
          ? `${plural(newestFirst.length, 'stored message')}, newest first (keeps ${formatCount(channel.settings.history_size)}).`
          : 'This channel does not store history (store_history is off).',
      );
      replaceContent(history, newestFirst.map((event) => historyItem(event, now)));
    },
  };
}

const fact = (label, value) => [h('dt', {}, label), h('dd', {}, value)];

function historyItem(event, now) {
  return h(
    'li',
    {},
    h(
      'p',
      { class: 'meta' },
      h('strong', {}, event.user ?? 'unknown'),
      timeAgoElement(event.timestamp, now),
      h('span', { class: 'badge' }, event.type ?? 'message'),
      event.edited && h('span', { class: 'badge' }, 'edited'),
    ),
    jsonView(event.message ?? null),
  );
}
