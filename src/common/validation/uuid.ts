const UUID_RE = /^(?:urn:uuid:)?\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

/** Canonical lower-case UUID for any spelling Python's uuid.UUID() accepts, or undefined. */
export function normalizeUuid(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = UUID_RE.exec(value.trim());
  return m ? m.slice(1).join('-').toLowerCase() : undefined;
}
