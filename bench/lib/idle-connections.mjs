// Connect rate and idle memory: N connections (/connect + WebSocket open), RSS before and after.
import { readFileSync } from 'node:fs';
import { channelstreamSubscribers, LEAN_INFO } from './fanout.mjs';
import { round } from './stats.mjs';
import { subscriberPool } from './subscriber-pool.mjs';

export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

const settle = (ms) => new Promise((r) => setTimeout(r, ms));

/** `client`: what the subscribers read with (see subscriberPool). */
export async function idleConnections({ node, secret, count, client, workers = 2 }) {
  await settle(1000);
  const before = rssBytes(node.pid);
  const started = performance.now();
  const targets = await channelstreamSubscribers([node], secret, `idle-${count}`, count, LEAN_INFO);
  const pool = subscriberPool(targets, workers, client);
  try {
    await pool.open();
    const seconds = (performance.now() - started) / 1000;
    await settle(2000);
    const after = rssBytes(node.pid);
    return {
      connections: count,
      connects_per_s: round(count / seconds, 0),
      rss_before_mb: round(before / 2 ** 20, 1),
      rss_after_mb: round(after / 2 ** 20, 1),
      kib_per_connection: round((after - before) / 1024 / count, 2),
    };
  } finally {
    await pool.close();
  }
}
