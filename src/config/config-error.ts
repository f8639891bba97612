/** A setting was missing or malformed: start-up stops with this message. */
export class ConfigError extends Error {}
