// The fan-out scenario: N WebSocket subscribers on one channel, M messages published by a backend.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import WebSocket from 'ws';
import { cpuMs, cpuUsPer } from './process-cpu.mjs';
import { sign } from './sign.mjs';
import { summarizeBuckets } from './server-fanout.mjs';
import { round, summarize } from './stats.mjs';
import { subscriberPool } from './subscriber-pool.mjs';

/**
 * /connect's info for subscribers joining one big channel: without it, each answer lists every member so far
 * (O(members) each, O(N²) in all); a backend joining thousands of users to one channel asks for the channel alone.
 */
export const LEAN_INFO = { include_users: false, include_history: false };

/** With the rest of the bench's message: ~200 bytes. */
export const PAYLOAD_PAD = 'x'.repeat(120);

/**
 * When our fixed-rate span starts, after the subscribers opened: a socket is pinged once its peer has been silent
 * for its ping delay, two thirds to all of gc_conns_after (30 s by default; drawn per socket), at its next
 * heartbeat (every 5 s), where the ping may wait up to a second for an event to ride with; its first ping comes
 * after a fraction of that delay, drawn per socket too, so sockets opened together ping at spread times from the
 * start: first pings fall 0-36 s after a socket opened, later ones every 20-36 s, and from the end of the first
 * period on the pings per second are those of steady state. A socket's first ping is a one-off of its connection
 * (it switches the client's TCP to delayed ACKs, costlier on loopback at 1000 subscribers: README); a span starting
 * 37 s after the sockets opened is past them. The subscribers report how many pings they got.
 */
export const PING_STEADY_MS = 37000;

/** The mean of that ping delay at the default gc_conns_after (halfway between 20 and 30 s): a silent socket's steady ping period. */
export const MEAN_PING_DELAY_S = 25;

/** A fresh channel; every name is as long as the others, so every run's events have the same size. */
export const benchChannel = () => `bench-${randomUUID().slice(0, 6)}`;

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
  let token = sign(secret);
  let tokenAt = Date.now();
  return async (seq) => {
    if (Date.now() - tokenAt > 20000) {
      token = sign(secret);
      tokenAt = Date.now();
    }
    const body = JSON.stringify([{ user: 'bench', channel, message: { sent: performance.timeOrigin + performance.now(), seq, pad: PAYLOAD_PAD } }]);
    const res = await fetch(`${url}/message`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-channelstream-secret': token }, body });
    await res.arrayBuffer();
    return res.ok;
  };
}

/**
 * The size of one bench event as a subscriber of `node` receives it (the frame's payload, in bytes): what the
 * bare server's body is padded to, so both servers write the same bytes per delivery.
 */
export async function receivedEventBytes(node, secret) {
  const channel = benchChannel();
  const [target] = await channelstreamSubscribers([node], secret, channel, 1, LEAN_INFO);
  const ws = new WebSocket(target.wsUrl, { perMessageDeflate: false });
  try {
    await once(ws, 'open');
    const event = new Promise((resolve) => ws.on('message', (data) => data.length > 2 && resolve(data.length))); // not a `[]` heartbeat
    await channelstreamPublisher(node.url, secret, channel)(1000); // a 4-digit seq, as most of a run's
    return await event;
  } finally {
    ws.terminate();
  }
}

/**
 * Runs one fan-out measurement: opens the subscribers in worker threads,
 * publishes `messages` at `rate` per second (0 = as fast as `inFlight` allows),
 * waits until deliveries stop arriving and reports throughput, loss, latency,
 * the load generator's CPU per delivery and (given the server's `pid`) the
 * server's over that span.
 * A fixed rate is measured in steady state: it runs for `warmupMs` first and
 * only what was sent after is counted (a start from idle stalls both servers
 * and the load generator alike: up to ~100 ms in the first 100 ms here).
 * With a `timing` probe (server-fanout.mjs), the server's own fan-out times
 * over the measured span are reported too. `spanAfterOpenMs` holds the span
 * back until that long after the subscribers opened (see PING_STEADY_MS).
 * `client`: what the subscribers read with (see subscriberPool).
 */
export async function runFanout({ targets, publish, messages, rate, pid, timing, client, inFlight = 32, workers = 2, settleMs = 3000, maxSettleMs = 120000, warmupMs = 1000, spanAfterOpenMs = 0 }) {
  const pool = subscriberPool(targets, workers, client);
  const now = () => performance.timeOrigin + performance.now();
  const running = new Set();
  let errors = 0;
  const send = (seq) => {
    const failed = () => seq >= 0 && errors++; // warm-up (seq -1) is not counted
    const p = publish(seq).then((ok) => (ok ? undefined : failed()), failed).finally(() => running.delete(p));
    running.add(p);
  };
  const until = async (due) => {
    const wait = due - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  };
  try {
    await pool.open();
    const openedAt = now();
    for (let i = 0; i < 50; i++) await publish(-1); // the JIT, the first allocations
    const interval = rate > 0 ? 1000 / rate : 0;
    const started = Math.max(now() + (rate > 0 ? warmupMs : 100), openedAt + spanAfterOpenMs); // idle until the warm-up
    await pool.countFrom(started);
    await pool.report(); // forget what came before
    if (rate > 0) {
      // the same rate up to the start, without a pause: the measured span begins in steady state
      for (let due = started - warmupMs; due < started; due += interval) {
        await until(due);
        if (now() >= started) break; // late (the loop stalled): it would be counted
        send(-1);
      }
    }
    await timing?.mark(); // a warm-up publish still in flight may be timed with the span: one of hundreds
    const cpuBefore = pid ? cpuMs(pid) : null;
    const loadBefore = cpuMs(process.pid); // this process: the publisher and the subscribers' threads
    await until(started);
    while (now() < started) await new Promise((r) => setImmediate(r)); // a frame sent before it would not be counted
    let sent = 0;
    while (sent < messages) {
      if (interval > 0) await until(started + sent * interval);
      while (running.size >= inFlight) await Promise.race(running);
      send(sent++);
    }
    await Promise.all(running);
    const publishedAt = now();
    const expected = messages * targets.length;
    let received = 0;
    let pings = 0;
    let lastAt = 0;
    const latencies = [];
    // wait while deliveries keep arriving: a load generator behind the server is still reading what was
    // written (a fixed deadline counted frames still in the socket buffers as lost); stop after `settleMs`
    // without progress, or at `maxSettleMs`
    const giveUpAt = Date.now() + maxSettleMs;
    let progressAt = Date.now();
    // CPU is read when deliveries were last seen arriving, not after the wait for more: in those idle seconds
    // our server still sends its liveness traffic and the bare server sends nothing, which is not delivery work
    let cpuAfter = pid ? cpuMs(pid) : null;
    let loadAfter = cpuMs(process.pid);
    while (Date.now() - progressAt < settleMs && Date.now() < giveUpAt) {
      await new Promise((r) => setTimeout(r, 250));
      const cpuNow = pid ? cpuMs(pid) : null;
      const loadNow = cpuMs(process.pid);
      const reports = await pool.report();
      if (reports.some((r) => r.received > 0)) {
        progressAt = Date.now();
        [cpuAfter, loadAfter] = [cpuNow, loadNow];
      }
      for (const r of reports) {
        received += r.received;
        pings += r.pings;
        lastAt = Math.max(lastAt, r.lastAt);
        for (const l of r.latencies) latencies.push(l);
      }
      if (received >= expected) break;
    }
    const serverFanout = timing ? await timing.read() : null;
    const seconds = (Math.max(lastAt, publishedAt) - started) / 1000;
    const result = {
      subscribers: targets.length,
      messages,
      rate,
      publish_errors: errors,
      delivered: received,
      loss: expected - received,
      pings_received: pings,
      msgs_per_s: round(received / seconds, 0),
      publish_seconds: round((publishedAt - started) / 1000, 3),
      latency_ms: summarize(latencies),
      server_cpu_us_per_delivery: cpuUsPer(cpuBefore, cpuAfter, received),
      load_generator_cpu_us_per_delivery: cpuUsPer(loadBefore, loadAfter, received),
      ...(serverFanout && { server_fanout_ms: summarizeBuckets(serverFanout) }),
    };
    // the samples and the server's histogram themselves, for percentiles pooled over rounds (not enumerable: not
    // written to the JSON)
    return Object.defineProperties(result, { samples: { value: latencies }, serverFanout: { value: serverFanout } });
  } finally {
    await pool.close();
  }
}
