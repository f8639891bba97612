// The fan-out scenario: N WebSocket subscribers on one channel, M messages published by a backend.
import { sign } from './sign.mjs';
import { round, summarize } from './stats.mjs';
import { subscriberPool } from './subscriber-pool.mjs';

/**
 * /connect's info for subscribers joining one big channel: without it, each answer lists every member so far
 * (O(members) each, O(N²) in all); a backend joining thousands of users to one channel asks for the channel alone.
 */
export const LEAN_INFO = { include_users: false, include_history: false };

/**
 * Connects `count` users to `channel`, spread over the nodes; returns their WebSocket URLs.
 * `info` is sent as /connect's info (what channels_info lists in the answer).
 */
export async function channelstreamSubscribers(nodes, secret, channel, count, info) {
  const targets = [];
  let next = 0;
  const one = async () => {
    while (next < count) {
      const i = next++;
      const node = nodes[i % nodes.length];
      const res = await fetch(`${node.url}/connect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-channelstream-secret': sign(secret) },
        body: JSON.stringify({ username: `bench-${i}`, channels: [channel], ...(info && { info }) }),
      });
      if (!res.ok) throw new Error(`/connect answered ${res.status}: ${await res.text()}`);
      const { conn_id } = await res.json();
      targets.push({ wsUrl: `${node.url.replace('http', 'ws')}/ws?conn_id=${conn_id}` });
    }
  };
  await Promise.all(Array.from({ length: 32 }, one));
  return targets;
}

/** A publisher for Channelstream: signed POST /message with one ~200-byte message. */
export function channelstreamPublisher(url, secret, channel) {
  const pad = 'x'.repeat(120);
  let token = sign(secret);
  let tokenAt = Date.now();
  return async (seq) => {
    if (Date.now() - tokenAt > 20000) {
      token = sign(secret);
      tokenAt = Date.now();
    }
    const body = JSON.stringify([{ user: 'bench', channel, message: { sent: performance.timeOrigin + performance.now(), seq, pad } }]);
    const res = await fetch(`${url}/message`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-channelstream-secret': token }, body });
    await res.arrayBuffer();
    return res.ok;
  };
}

/**
 * Runs one fan-out measurement: opens the subscribers in worker threads,
 * publishes `messages` at `rate` per second (0 = as fast as `inFlight` allows),
 * waits for delivery to settle and reports throughput, loss and latency.
 */
export async function runFanout({ targets, publish, messages, rate, inFlight = 32, workers = 2, settleMs = 3000 }) {
  const pool = subscriberPool(targets, workers);
  try {
    await pool.open();
    // warm-up, then forget what it measured
    for (let i = 0; i < 50; i++) await publish(-1);
    await new Promise((r) => setTimeout(r, 500));
    await pool.report();

    let errors = 0;
    const started = performance.timeOrigin + performance.now();
    const interval = rate > 0 ? 1000 / rate : 0;
    let sent = 0;
    const running = new Set();
    while (sent < messages) {
      if (interval > 0) {
        const due = started + sent * interval;
        const wait = due - (performance.timeOrigin + performance.now());
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      }
      while (running.size >= inFlight) await Promise.race(running);
      const p = publish(sent).then((ok) => (ok ? undefined : errors++), () => errors++).finally(() => running.delete(p));
      running.add(p);
      sent++;
    }
    await Promise.all(running);
    const publishedAt = performance.timeOrigin + performance.now();
    const expected = messages * targets.length;
    let received = 0;
    let lastAt = 0;
    const latencies = [];
    const deadline = Date.now() + settleMs + messages;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      const reports = await pool.report();
      for (const r of reports) {
        received += r.received;
        lastAt = Math.max(lastAt, r.lastAt);
        for (const l of r.latencies) latencies.push(l);
      }
      if (received >= expected) break;
    }
    const seconds = (Math.max(lastAt, publishedAt) - started) / 1000;
    return {
      subscribers: targets.length,
      messages,
      rate,
      publish_errors: errors,
      delivered: received,
      loss: expected - received,
      msgs_per_s: round(received / seconds, 0),
      publish_seconds: round((publishedAt - started) / 1000, 3),
      latency_ms: summarize(latencies),
    };
  } finally {
    await pool.close();
  }
}
