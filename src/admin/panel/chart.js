// Line charts as inline SVG (no library): the load over the last minutes, readable at a glance.

import { h, svg } from './dom.js';
import { formatRate } from './format.js';

const WIDTH = 640;
const HEIGHT = 190;
const PAD = { left: 44, right: 14, top: 10, bottom: 24 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;

/** The smallest 1, 2 or 5 × 10ⁿ that is at least `value`: a round top for the axis. */
export function niceCeiling(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * power).find((top) => top >= value - 1e-9);
}

/** Runs of points with no gap longer than `maxGap` (a missed sample or a restart breaks the line). */
function segments(points, maxGap) {
  const runs = [];
  let run = [];
  for (const point of points) {
    if (run.length && point[0] - run[run.length - 1][0] > maxGap) {
      runs.push(run);
      run = [];
    }
    run.push(point);
  }
  if (run.length) runs.push(run);
  return runs;
}

/**
 * A captioned chart of one or more series of [time, value] points between
 * `from` and `to`. The SVG is one image to assistive technology, labelled
 * with each series' current and peak value.
 */
export function lineChart({ title, unit = '', from, to, series, maxGap, integer = false }) {
  const peak = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const top = niceCeiling(integer ? Math.max(peak, 2) : peak);
  const x = (t) => PAD.left + ((t - from) / (to - from)) * PLOT_W;
  const y = (v) => PAD.top + PLOT_H - (v / top) * PLOT_H;
  const fmt = (v) => `${formatRate(v)}${unit}`;
  const current = (s) => (s.points.length ? s.points[s.points.length - 1][1] : 0);

  const grid = [];
  for (const value of integer && top % 2 ? [0, top] : [0, top / 2, top]) {
    grid.push(svg('line', { class: 'grid', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value) }));
    grid.push(svg('text', { class: 'axis-label', x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, formatRate(value)));
  }
  const tickMinutes = to - from > 5 * 60_000 ? 2 : 1;
  for (let minutes = 0; to - minutes * 60_000 >= from - 1; minutes += tickMinutes) {
    const anchor = minutes === 0 ? 'end' : 'middle';
    grid.push(svg('text', { class: 'axis-label', x: x(to - minutes * 60_000), y: HEIGHT - 6, 'text-anchor': anchor }, minutes === 0 ? 'now' : `−${minutes} min`));
  }

  const drawn = series.map((s, index) => {
    const runs = segments(s.points.filter((p) => p[0] >= from), maxGap);
    const line = runs.map((run) => run.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('')).join('');
    const area = index === 0
      ? runs.map((run) => `M${x(run[0][0]).toFixed(1)},${y(0)}${run.map((p) => `L${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('')}L${x(run[run.length - 1][0]).toFixed(1)},${y(0)}Z`).join('')
      : '';
    const last = s.points[s.points.length - 1];
    return [
      area && svg('path', { class: `area ${s.className}`, d: area }),
      line && svg('path', { class: `line ${s.className}`, d: line }),
      last && last[0] >= from && svg('circle', { class: s.className, cx: x(last[0]).toFixed(1), cy: y(last[1]).toFixed(1), r: 3 }),
    ];
  });

  const summary = series.map((s) => `${s.label} now ${fmt(current(s))}, peak ${fmt(Math.max(0, ...s.points.map((p) => p[1])))}`).join('; ');
  const minutes = Math.round((to - from) / 60_000);
  return h(
    'figure',
    { class: 'chart' },
    h(
      'figcaption',
      {},
      h('span', { class: 'chart-title' }, title),
      h('ul', { class: 'legend' }, series.map((s) => h('li', {}, h('span', { class: `swatch ${s.className}`, 'aria-hidden': 'true' }), `${s.label} `, h('strong', {}, fmt(current(s)))))),
    ),
    svg(
      'svg',
      { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `${title}, last ${minutes} minutes: ${summary}.` },
      grid,
      drawn,
    ),
  );
}
