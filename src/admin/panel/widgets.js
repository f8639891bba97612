// Small pieces several views share: links to channels, relative times, empty rows, filter boxes.

import { h } from './dom.js';
import { formatDateTime, parseTimestamp, timeAgo } from './format.js';

/** Rows a list draws at most: redrawing thousands every 2 s would make the panel slow; the filter finds the rest. */
export const MAX_ROWS = 200;

/** " Showing the first 200 …" when a list is cut. */
export const cutNote = (count, filterable = true) =>
  count > MAX_ROWS ? ` Showing the first ${MAX_ROWS}${filterable ? '; filter to find the others' : ''}.` : '';

export const channelHref = (name) => `#/channels/${encodeURIComponent(name)}`;

export const channelLink = (name) => h('a', { href: channelHref(name), dataset: { focusKey: `channel:${name}` } }, name);

/** "12 s ago", with the exact time as machine-readable datetime and as a tooltip. */
export function timeAgoElement(timestamp, now) {
  const ms = typeof timestamp === 'number' ? timestamp : parseTimestamp(timestamp);
  return h('time', { datetime: Number.isFinite(ms) ? new Date(ms).toISOString() : undefined, title: formatDateTime(ms) }, timeAgo(ms, now));
}

export const emptyRow = (columns, text) => h('tr', {}, h('td', { colspan: columns, class: 'empty' }, text));

/** A view's heading: focus moves to it when the view opens, so screen readers announce where they are. */
/** A search box that filters a view as one types (autocomplete and spelling help off: these are names). */
export const filterInput = (id, value, onInput) =>
  h('input', { type: 'search', id, value, autocomplete: 'off', spellcheck: 'false', oninput: (event) => onInput(event.target.value) });

export const viewHeading = (text) => h('h2', { tabindex: '-1', class: 'view-heading' }, text);

export const section = (id, title, ...content) => h('section', { 'aria-labelledby': id }, h('h3', { id }, title), content);

export function table(caption, headers, body) {
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', {}, caption, h('thead', {}, h('tr', {}, headers.map(([label, numeric]) => h('th', { scope: 'col', class: numeric ? 'num' : undefined }, label)))), body),
  );
}
