// Connect rate and idle memory: N connections (/connect + WebSocket open), RSS before and after.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { channelstreamSubscribers } from './fanout.mjs';
import { round } from './stats.mjs';

const WORKER = new URL('./subscriber-worker.mjs', import.meta.url);

export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

const settle = (ms) => new Promise((r) => setTimeout(r, ms));

export async function idleConnections({ node, secret, count, workers = 2 }) {
  await settle(1000);
  const before = rssBytes(node.pid);
  const started = performance.now();
  // one big channel: by default each /connect answer would list every member (O(members) each, O(N²) in all);
  // a backend joining thousands of users to one channel asks for the channel without its user list
  const targets = await channelstreamSubscribers([node], secret, `idle-${count}`, count, { include_users: false, include_history: false });
  const pool = Array.from({ length: workers }, (_, w) => new Worker(WORKER, { workerData: { targets: targets.filter((_, i) => i % workers === w) } }));
  const ask = (worker, msg, type) =>
    new Promise((resolve) => {
      const on = (reply) => reply.type === type && (worker.off('message', on), resolve(reply));
      worker.on('message', on);
      worker.postMessage(msg);
    });
  try {
    await Promise.all(pool.map((w) => ask(w, 'open', 'opened')));
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
    await Promise.all(pool.map((w) => ask(w, 'close', 'closed')));
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
