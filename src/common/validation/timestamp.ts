// The forms marshmallow's DateTime accepts: date, T or space, time with optional seconds/fraction, optional zone.
const ISO_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6})\d*)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** A point in time with microsecond precision (what Python datetimes carry). */
export interface Instant {
  epochMs: number;
  /** Microseconds within the millisecond, 0-999. */
  extraMicros: number;
}

/** Parses an ISO 8601 date-time; naive values are UTC. Undefined when invalid. */
export function parseTimestamp(value: unknown): Instant | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO_RE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone] = m;
  const micros = Number(frac.padEnd(6, '0') || '0');
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999
  const check = new Date(0);
  check.setUTCFullYear(+y, +mo - 1, +d);
  check.setUTCHours(+h, +mi, +s, 0);
  const base = check.getTime();
  if (check.getUTCFullYear() !== +y || check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d) return undefined;
  if (+h > 23 || +mi > 59 || +s > 59) return undefined;
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  return { epochMs: base - offsetMin * 60_000 + Math.floor(micros / 1000), extraMicros: micros % 1000 };
}

/**
 * Renders UTC like Python's aware isoformat(): seconds, then microseconds
 * when not zero, then +00:00 — readable by Python's fromisoformat (every
 * version), dateutil and JavaScript's Date.
 */
export function formatTimestamp(epochMs: number, extraMicros = 0): string {
  const ms = Math.floor(epochMs); // engines keep sub-millisecond marks; the text shows whole microseconds at most
  const second = Math.floor(ms / 1000);
  const micros = (ms - second * 1000) * 1000 + extraMicros;
  const fraction = micros === 0 ? '' : `.${String(micros).padStart(6, '0')}`;
  return `${secondText(second)}${fraction}+00:00`;
}

let lastSecond = NaN;
let lastSecondText = '';

/**
 * 2020-01-02T03:04:05 for a second since the epoch, remembered for the next
 * call: every message of a second shares it, and toISOString costs ~6,900
 * instructions a call (V8 formats the date with printf), 4% of a publish.
 */
function secondText(second: number): string {
  if (second !== lastSecond) {
    lastSecondText = new Date(second * 1000).toISOString().slice(0, 19); // throws for a date out of range, as before
    lastSecond = second;
  }
  return lastSecondText;
}

export function normalizeTimestamp(value: string): string | undefined {
  const instant = parseTimestamp(value);
  return instant && formatTimestamp(instant.epochMs, instant.extraMicros);
}

let lastNow = -1;
let lastNowText = '';

/** Now, formatted; many messages share a millisecond, so the text is reused. */
export function nowTimestamp(): string {
  const now = Date.now();
  if (now !== lastNow) {
    lastNow = now;
    lastNowText = formatTimestamp(now);
  }
  return lastNowText;
}
