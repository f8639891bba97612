// How figures, rates and times read in the panel.

const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export const formatCount = (n) => count.format(n);

/** 0.4, 12.5, 1,234 */
export const formatRate = (n) => (n >= 100 ? count.format(n) : decimal.format(n));

/** Server timestamps ("2024-05-01T10:00:00.123000+00:00") as epoch ms; NaN when unreadable. */
export const parseTimestamp = (text) => Date.parse(String(text).replace(/(\.\d{3})\d+/, '$1'));

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 days ago" */
export function timeAgo(ms, now) {
  if (!Number.isFinite(ms)) return 'unknown';
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  const days = Math.floor(seconds / 86400);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

/** Local date and time for a title or a <time> element's text. */
export const formatDateTime = (ms) => (Number.isFinite(ms) ? new Date(ms).toLocaleString() : 'unknown');

export const formatClock = (ms) => new Date(ms).toLocaleTimeString();

export const plural = (n, one, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;
