import type { ChannelSettings } from '../engine/types';

/**
 * Every user and channel the demo makes carries this prefix, so demo
 * visitors (who sign nothing) can never act as, or write to, anything of
 * the real backends sharing the server.
 */
export const DEMO_PREFIX = 'demo:';

export const demoName = (name: string): string => `${DEMO_PREFIX}${name}`;

/** Longest user or channel name a visitor may choose (before the prefix). */
export const DEMO_NAME_MAX = 32;
/** Longest chat message, in characters. */
export const DEMO_TEXT_MAX = 500;
/** Messages a demo channel keeps (the only ones that can be edited or deleted). */
export const DEMO_HISTORY_SIZE = 50;

/** Letters, digits, _ . - (no spaces, nothing that needs escaping in a URL). */
export const DEMO_NAME_PATTERN = /^[\p{L}\p{N}_.-]+$/u;

export const DEMO_STATUSES = ['online', 'away', 'busy'] as const;
export type DemoStatus = (typeof DEMO_STATUSES)[number];

/** A demo channel shows everything the server can do. */
export const DEMO_CHANNEL_SETTINGS: ChannelSettings = {
  notify_presence: true,
  store_history: true,
  history_size: DEMO_HISTORY_SIZE,
  broadcast_presence_with_user_lists: true,
  notify_state: true,
  store_frames: true,
};
