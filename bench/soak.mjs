#!/usr/bin/env node
// Soak test (not part of `npm test`): a built server (dist/main.js) under steady publishing and
// connect/disconnect churn for a configurable time, printing the server's RSS, heap, event-loop
// delay and handle counts every interval, then whether RSS stayed flat after warm-up.
//
//   npm run build && node bench/soak.mjs --minutes 30
//   node bench/soak.mjs --minutes 10 --subscribers 300 --publish-rate 200 --churn 20 --churn-users 1000 --interval 60
//
// The same file is preloaded into the server (`node --import bench/soak.mjs dist/main.js` with
// SOAK_PROBE=1) to measure it from inside and report over IPC.
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

if (process.env.SOAK_PROBE === '1') installProbe();
else await drive(parseArgs(process.argv.slice(2)));

/** Inside the server: sample every interval and send the figures to the driver. */
function installProbe() {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const interval = Number(process.env.SOAK_INTERVAL_MS ?? 60000);
  setInterval(() => {
    const memory = process.memoryUsage();
    const resources = {};
    for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
    process.send?.({
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      external: memory.external,
      // the histogram counts the 10 ms sampling period itself: subtract it, leaving the delay
      eldP50: Math.max(0, delay.percentile(50) / 1e6 - 10),
      eldP99: Math.max(0, delay.percentile(99) / 1e6 - 10),
      eldMax: Math.max(0, delay.max / 1e6 - 10),
      handles: process._getActiveHandles().length,
      resources,
    });
    delay.reset();
  }, interval).unref();
}

function parseArgs(args) {
  const options = { minutes: 30, interval: 60, subscribers: 200, channels: 10, publishRate: 100, churn: 10, churnUsers: 1000, warmup: 2, secret: 'soak-secret' };
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i].replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
    if (!(key in options)) throw new Error(`unknown option ${args[i]}; known: ${Object.keys(options).join(', ')}`);
    options[key] = typeof options[key] === 'number' ? Number(args[i + 1]) : args[i + 1];
  }
  return options;
}

function sign(secret, at = Math.floor(Date.now() / 1000)) {
  // itsdangerous TimestampSigner, as bench/lib/sign.mjs
  return import('./lib/sign.mjs').then((m) => m.sign(secret, 'channelstream', at));
}

async function drive(o) {
  const { freePort, waitReady } = await import('./lib/servers.mjs');
  const WebSocket = (await import('ws')).default;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ['--import', fileURLToPath(import.meta.url), 'dist/main.js'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      SOAK_PROBE: '1',
      SOAK_INTERVAL_MS: String(o.interval * 1000),
      CHANNELSTREAM_PORT: String(port),
      CHANNELSTREAM_HOST: '127.0.0.1',
      CHANNELSTREAM_SECRET: o.secret,
      CHANNELSTREAM_LOG_LEVEL: 'warning',
      // every client of the soak comes from 127.0.0.1: per-address rate limits would refuse the churn
      CHANNELSTREAM_CONNECT_RATE: '0',
      CHANNELSTREAM_PUBLISH_RATE: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const samples = [];
  server.on('message', (sample) => samples.push({ ...sample, atMin: (Date.now() - started) / 60000 }));
  await waitReady(url);

  let token = await sign(o.secret);
  const refresh = setInterval(async () => (token = await sign(o.secret)), 20000);
  const call = async (path, body) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-channelstream-secret': token }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path} answered ${res.status}`);
    return res.json();
  };
  const stats = { delivered: 0, published: 0, churned: 0, errors: 0, closes: {} };
  const channels = Array.from({ length: o.channels }, (_, i) => `soak-${i}`);
  await call('/channel_config', Object.fromEntries(channels.map((c) => [c, { notify_presence: true, store_history: true, history_size: 20 }])));

  const openSocket = async (username, channel) => {
    const { conn_id } = await call('/connect', { username, channels: [channel] });
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws?conn_id=${conn_id}`);
    socket.on('message', (data) => {
      const text = data.toString();
      if (text !== '[]') stats.delivered += text.split('"type":"message"').length - 1;
    });
    socket.on('close', (code) => (stats.closes[code] = (stats.closes[code] ?? 0) + 1));
    socket.on('error', () => stats.errors++);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return { socket, conn_id };
  };

  const subscribers = [];
  for (let i = 0; i < o.subscribers; i++) subscribers.push(await openSocket(`steady-${i}`, channels[i % channels.length]));
  // the client library heartbeats every 5 s; so do the steady subscribers
  const heartbeat = setInterval(() => subscribers.forEach(({ socket }) => socket.readyState === 1 && socket.send('{"type":"heartbeat"}')), 5000);

  const started = Date.now();
  const deadline = started + o.minutes * 60000;
  const tickMs = 100;
  const perTick = (rate) => {
    let carry = 0;
    return () => {
      carry += (rate * tickMs) / 1000;
      const n = Math.floor(carry);
      carry -= n;
      return n;
    };
  };
  const publishes = perTick(o.publishRate);
  const churns = perTick(o.churn);
  let seq = 0;
  const publisher = setInterval(() => {
    const n = publishes();
    if (n === 0) return;
    const batch = Array.from({ length: n }, () => ({ user: 'soak', channel: channels[seq++ % channels.length], message: { seq, pad: 'x'.repeat(150) } }));
    call('/message', batch).then(() => (stats.published += n), () => stats.errors++);
  }, tickMs);
  // churn: connect, open a socket, stay 1-3 s, then leave: half by /disconnect, half by just closing (resume grace, then expiry)
  const churner = setInterval(() => {
    for (let i = churns(); i > 0; i--) {
      // from a fixed pool: the server keeps a user's record for a day after it leaves (by design), so fresh names
      // each time would grow memory with the number of users ever seen and hide a real leak behind it
      const user = `churn-${Math.floor(Math.random() * o.churnUsers)}`;
      openSocket(user, channels[Math.floor(Math.random() * channels.length)]).then(
        ({ socket, conn_id }) =>
          setTimeout(() => {
            socket.close();
            stats.churned++;
            if (Math.random() < 0.5) call('/disconnect', { conn_id }).catch(() => stats.errors++);
          }, 1000 + Math.random() * 2000),
        () => stats.errors++,
      );
    }
  }, tickMs);

  const mb = (b) => (b / 2 ** 20).toFixed(1);
  console.log(`soak: ${o.minutes} min against ${url}; ${o.subscribers} steady subscribers on ${o.channels} channels, ${o.publishRate} msgs/s, ${o.churn} connect/disconnect per s`);
  console.log('min   rss_mb  heap_mb  eld_p50_ms  eld_p99_ms  eld_max_ms  handles  published  delivered  churned  errors');
  let printed = 0;
  const printer = setInterval(() => {
    while (printed < samples.length) {
      const s = samples[printed++];
      console.log(
        `${s.atMin.toFixed(1).padStart(4)}  ${mb(s.rss).padStart(6)}  ${mb(s.heapUsed).padStart(7)}  ${s.eldP50.toFixed(1).padStart(10)}  ${s.eldP99.toFixed(1).padStart(10)}  ${s.eldMax.toFixed(1).padStart(10)}  ${String(s.handles).padStart(7)}  ${String(stats.published).padStart(9)}  ${String(stats.delivered).padStart(9)}  ${String(stats.churned).padStart(7)}  ${String(stats.errors).padStart(6)}`,
      );
    }
  }, 1000);

  await new Promise((resolve) => setTimeout(resolve, deadline - Date.now() + 2000));
  for (const timer of [publisher, churner, heartbeat, refresh, printer]) clearInterval(timer);
  for (const { socket } of subscribers) socket.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));

  const after = samples.filter((s) => s.atMin > o.warmup);
  if (after.length >= 2) {
    // least-squares slope of RSS over the samples after warm-up
    const n = after.length;
    const mx = after.reduce((a, s) => a + s.atMin, 0) / n;
    const my = after.reduce((a, s) => a + s.rss, 0) / n;
    const slope = after.reduce((a, s) => a + (s.atMin - mx) * (s.rss - my), 0) / after.reduce((a, s) => a + (s.atMin - mx) ** 2, 0);
    const first = after[0].rss;
    const last = after[n - 1].rss;
    const max = Math.max(...after.map((s) => s.rss));
    console.log(
      `after ${o.warmup} min warm-up: rss ${mb(first)} -> ${mb(last)} MB (max ${mb(max)}), slope ${(slope / 2 ** 20).toFixed(2)} MB/min; ` +
        `handles ${after[0].handles} -> ${after[n - 1].handles}; socket closes ${JSON.stringify(stats.closes)}`,
    );
    const flat = slope < 0.5 * 2 ** 20 && last - first < 16 * 2 ** 20;
    console.log(flat ? 'RSS flat after warm-up: no leak seen' : 'RSS grew after warm-up: look for a leak');
    process.exitCode = flat ? 0 : 1;
  } else {
    console.log('too short to judge RSS (needs at least two samples after warm-up)');
  }
}
