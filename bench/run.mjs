#!/usr/bin/env node
// The benchmark: fan-out against a bare `ws` broadcast server (interleaved, for ratios that hold on a
// noisy machine), publish throughput against a bare Fastify route, connect rate and idle memory.
// Run by hand: npm run bench [-- --quick] [-- --original "<command starting the original server>"]. Prints a markdown table; writes JSON to bench/results/.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { pinSelf, planPinning } from './lib/cpu-pinning.mjs';
import { benchChannel, channelstreamPublisher, channelstreamSubscribers, LEAN_INFO, MEAN_PING_DELAY_S, PAYLOAD_PAD, PING_STEADY_MS, receivedEventBytes, runFanout } from './lib/fanout.mjs';
import { idleConnections } from './lib/idle-connections.mjs';
import { createChannel, interleavedPublishLoad } from './lib/publish-load.mjs';
import { addBuckets, bareFanoutProbe, ourFanoutBuckets, ourFanoutProbe, summarizeBuckets } from './lib/server-fanout.mjs';
import { subscriberPool } from './lib/subscriber-pool.mjs';
import { pinServersTo, SECRET, startCommand, startNode, startScript } from './lib/servers.mjs';
import { median, medianRound, round, summarize } from './lib/stats.mjs';

const quick = process.argv.includes('--quick');
/** The value after `name` on the command line (undefined when the flag is not given). */
const flag = (name) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
// --only fanout,latency,publish,idle runs a part (all by default)
const only = new Set(flag('--only')?.split(',') ?? ['fanout', 'latency', 'publish', 'idle']);
// --subscribers 1000,5000 picks the fan-out sizes
const SUBSCRIBERS = flag('--subscribers')?.split(',').map(Number) ?? (quick ? [100, 1000] : [100, 1000, 5000]);
// --ours-env NAME=value,NAME=value: settings for our nodes in every part (e.g. CHANNELSTREAM_GC_CONNS_AFTER=100000
// puts the liveness pings past the measured spans, to see what they cost against the bare server)
const OURS_ENV = Object.fromEntries(flag('--ours-env')?.split(',').map((pair) => pair.split(/=(.*)/s, 2)) ?? []);
// --client lean|ws: what the subscribers read with (lean by default: bench/lib/lean-ws-reader.mjs)
const CLIENT = flag('--client') ?? 'lean';
if (!['lean', 'ws'].includes(CLIENT)) throw new Error(`--client: lean or ws, not ${CLIENT}`);
const MESSAGES = quick ? 500 : 2000;
// --original "<shell command>": the original Python Channelstream too, in the unthrottled fan-out part (started
// by the command with CHANNELSTREAM_PORT, _HOST and _SECRET set; README, Performance, says how it was run here)
const ORIGINAL = flag('--original');
// it delivers 3-5% of what ours does (20-27k msgs/s here): a run of ~ORIGINAL_DELIVERIES deliveries takes it ~10 s at any size
const ORIGINAL_DELIVERIES = quick ? 50000 : 200000;
const IDLE = quick ? [1000] : [1000, 10000];
const ROUNDS = quick ? 1 : 2;
// Pinning (Linux, taskset): servers on the last CPU, the load generator on the others. By default the
// fixed-rate latency part and the publish part are pinned. Sharing the cores, a subscriber thread woken by the
// server's writes is placed on the server's own CPU and preempts it once per write (seen in a sched_switch
// trace: ~1,600 preemptions a second at 1000 subscribers), so the tail measures the scheduler; and autocannon
// shares the server's cores, so each server's requests/s depends on how the scheduler places them (one build's
// rounds gave 0.49-0.58 unpinned, where its instructions per request gave 0.68). Unthrottled fan-out is not
// pinned by default: on 2 cores the load generator would have one, and its latencies would measure how far
// behind that core falls. --pin pins every part, --no-pin none.
const cpuPlan = process.argv.includes('--no-pin') ? null : planPinning();
const pinAll = process.argv.includes('--pin');
const pinning = cpuPlan && { ...cpuPlan, parts: pinAll ? 'all' : 'latency,publish' };
/** Pins (or unpins) this process, its future workers and the servers started from now on, for `part`. */
function pinFor(part) {
  if (!cpuPlan) return;
  const pinned = pinAll || part === 'latency' || part === 'publish';
  pinSelf(pinned ? cpuPlan.load : cpuPlan.all);
  pinServersTo(pinned ? cpuPlan.server : null);
}

/**
 * The bare server sends the posted body as it is; ours sends the protocol's event, the same message with uuid,
 * timestamp, type, catchup and edited around it. The bare body is padded to the size of the event our
 * subscribers receive (measured on a node), so both servers write the same bytes per delivery and the ratios
 * compare the servers, not the envelope (its cost falls on the clients).
 */
async function probeOurNode() {
  const node = await startNode();
  try {
    // the bounds of our fan-out histogram, to put the bare server's fan-out times in the same buckets
    return { frameBytes: await receivedEventBytes(node, SECRET), fanoutBounds: (await ourFanoutBuckets(node.url, SECRET)).map(([le]) => le) };
  } finally {
    await node.stop();
  }
}
const { frameBytes: OUR_FRAME_BYTES, fanoutBounds: FANOUT_BOUNDS } = only.has('fanout') || only.has('latency') ? await probeOurNode() : {};
const sampleMessage = { sent: performance.timeOrigin + performance.now(), seq: 1000, pad: PAYLOAD_PAD };
const BARE_PAD = PAYLOAD_PAD + 'x'.repeat(Math.max(0, OUR_FRAME_BYTES - JSON.stringify([{ user: 'bench', channel: 'c', message: sampleMessage }]).length));

function barePublisher(url) {
  return async (seq) => {
    const body = JSON.stringify([{ user: 'bench', channel: 'c', message: { sent: performance.timeOrigin + performance.now(), seq, pad: BARE_PAD } }]);
    const res = await fetch(`${url}/publish`, { method: 'POST', body });
    await res.arrayBuffer();
    return res.ok;
  };
}

/**
 * A fixed-rate span starts PING_STEADY_MS after its subscribers opened, past our first pings, for both servers:
 * the bare server does not ping, but its readers' sockets are then as old as ours, so the age of the sockets is
 * not one more difference between the two (README, Performance).
 */
const spanAfterOpen = (rate) => (rate > 0 ? PING_STEADY_MS : 0);

/** `timed`: the server's own fan-out times too (at a fixed rate, where a batch of ours carries one publish, rarely two: 4% at 400/s). */
async function fanoutOurs(subscribers, rate, messages = MESSAGES, timed = false) {
  const node = await startNode(OURS_ENV);
  try {
    const channel = benchChannel();
    const targets = await channelstreamSubscribers([node], SECRET, channel, subscribers, LEAN_INFO);
    const timing = timed ? ourFanoutProbe(node.url, SECRET) : undefined;
    return await runFanout({ targets, publish: channelstreamPublisher(node.url, SECRET, channel), messages, rate, pid: node.pid, timing, client: CLIENT, spanAfterOpenMs: spanAfterOpen(rate) });
  } finally {
    await node.stop();
  }
}

async function fanoutBare(subscribers, rate, messages = MESSAGES, timed = false) {
  const server = await startScript('bench/baseline/bare-ws.mjs');
  try {
    const targets = Array.from({ length: subscribers }, () => ({ wsUrl: `${server.url.replace('http', 'ws')}/ws` }));
    const timing = timed ? bareFanoutProbe(server.url, FANOUT_BOUNDS) : undefined;
    return await runFanout({ targets, publish: barePublisher(server.url), messages, rate, pid: server.pid, timing, client: CLIENT, spanAfterOpenMs: spanAfterOpen(rate) });
  } finally {
    await server.stop();
  }
}

/** The original server, unthrottled: as many deliveries per run at every size (see ORIGINAL_DELIVERIES). */
async function fanoutOriginal(subscribers) {
  const server = await startCommand(ORIGINAL);
  try {
    const channel = benchChannel();
    const targets = await channelstreamSubscribers([server], SECRET, channel, subscribers, LEAN_INFO);
    const messages = Math.max(20, Math.round(ORIGINAL_DELIVERIES / subscribers));
    return await runFanout({ targets, publish: channelstreamPublisher(server.url, SECRET, channel), messages, rate: 0, pid: server.pid, client: CLIENT });
  } finally {
    await server.stop();
  }
}

const best = (runs) => runs.reduce((a, b) => (b.msgs_per_s > a.msgs_per_s ? b : a));
const results = { date: new Date().toISOString(), machine: `${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, ${round(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}`, frame_bytes: OUR_FRAME_BYTES, ours_env: OURS_ENV, client: CLIENT, pinning, fanout: [], original: [], latency: [], publish: [], idle: [] };

pinFor('fanout');
for (const n of only.has('fanout') ? SUBSCRIBERS : []) {
  const ours = [];
  const bare = [];
  for (let r = 0; r < ROUNDS; r++) {
    bare.push(await fanoutBare(n, 0));
    ours.push(await fanoutOurs(n, 0));
  }
  const o = best(ours);
  const b = best(bare);
  results.fanout.push({ subscribers: n, ours: o, bare: b, ratio: round(o.msgs_per_s / b.msgs_per_s, 2) });
  console.error(`fan-out ${n}: ours ${o.msgs_per_s}/s, bare ${b.msgs_per_s}/s`);
  if (ORIGINAL) {
    const original = await fanoutOriginal(n); // one round: the ratio is tens, far past what a round's noise moves
    results.original.push({ subscribers: n, original, ours_ratio: round(o.msgs_per_s / original.msgs_per_s, 1) });
    console.error(`fan-out ${n}: original ${original.msgs_per_s}/s`);
  }
}

// latency at a fixed rate both servers sustain (~DELIVERIES_PER_S deliveries per second, --deliveries to change;
// 8 s after 1 s at the same rate): tails on a shared 2-core machine vary by 2x from one run to the next, so rounds
// are interleaved (who goes first alternates) and the median round by p99 ratio is reported
const DELIVERIES_PER_S = Number(flag('--deliveries') ?? 40000);
const LATENCY_ROUNDS = quick ? 1 : 5;
pinFor('latency');
for (const n of only.has('latency') ? SUBSCRIBERS : []) {
  const rate = Math.max(1, Math.round(DELIVERIES_PER_S / n));
  const messages = rate * (quick ? 4 : 8);
  const rounds = [];
  for (let r = 0; r < LATENCY_ROUNDS; r++) {
    const [first, second] = r % 2 === 0 ? [fanoutBare, fanoutOurs] : [fanoutOurs, fanoutBare];
    const a = await first(n, rate, messages, true);
    const b = await second(n, rate, messages, true);
    const [ours, bare] = first === fanoutOurs ? [a, b] : [b, a];
    rounds.push({
      ours,
      bare,
      p99_ratio: round(ours.latency_ms.p99 / bare.latency_ms.p99, 2),
      p50_ratio: round(ours.latency_ms.p50 / bare.latency_ms.p50, 2),
      server_p99_ratio: round(ours.server_fanout_ms.p99 / bare.server_fanout_ms.p99, 2),
    });
  }
  const { round: chosen, median: p99Ratio } = medianRound(rounds, (r) => r.p99_ratio);
  // every delivery of every round, per server: a p99 over 5x the samples, steadier than any one round's
  const pooled = (side) => summarize(rounds.flatMap((r) => r[side].samples));
  const [oursPooled, barePooled] = [pooled('ours'), pooled('bare')];
  const serverPooled = (side) => summarizeBuckets(addBuckets(rounds.map((r) => r[side].serverFanout)));
  const [oursServer, bareServer] = [serverPooled('ours'), serverPooled('bare')];
  results.latency.push({
    subscribers: n,
    rate,
    ours: chosen.ours,
    bare: chosen.bare,
    p99_ratio: p99Ratio,
    p99_ratios: rounds.map((r) => r.p99_ratio),
    p50_ratio: median(rounds.map((r) => r.p50_ratio)),
    pooled: { ours: oursPooled, bare: barePooled, p99_ratio: round(oursPooled.p99 / barePooled.p99, 2), p50_ratio: round(oursPooled.p50 / barePooled.p50, 2) },
    server_fanout: {
      p99_ratio: median(rounds.map((r) => r.server_p99_ratio)),
      p99_ratios: rounds.map((r) => r.server_p99_ratio),
      pooled: { ours: oursServer, bare: bareServer, p99_ratio: round(oursServer.p99 / bareServer.p99, 2) },
    },
  });
  console.error(`latency ${n} at ${rate}/s: p99 ours/bare ${p99Ratio} (rounds ${rounds.map((r) => r.p99_ratio).join(', ')}); pooled ${oursPooled.p99} / ${barePooled.p99} ms`);
  const cpu = (side) => rounds.map((r) => r[side].server_cpu_us_per_delivery?.total).join(', ');
  console.error(`  server CPU µs per delivery: ours ${cpu('ours')}; bare ${cpu('bare')}`);
  const loadCpu = (side) => rounds.map((r) => r[side].load_generator_cpu_us_per_delivery?.total).join(', ');
  console.error(`  load generator CPU µs per delivery: with ours ${loadCpu('ours')}; with bare ${loadCpu('bare')}`);
  // in steady state a silent subscriber gets a ping every MEAN_PING_DELAY_S: 1000 / (that × rate) per 1000 deliveries
  const pingsPer1000 = rounds.map((r) => round((1000 * r.ours.pings_received) / Math.max(1, r.ours.delivered), 1));
  console.error(`  pings received per 1000 deliveries (ours): ${pingsPer1000.join(', ')}; steady state ${round(1000 / (MEAN_PING_DELAY_S * rate), 1)}`);
  console.error(`  inside the servers: fan-out p99 ours / bare ${oursServer.p99} / ${bareServer.p99} ms (rounds ${rounds.map((r) => r.server_p99_ratio).join(', ')})`);
}

// publish: bare Fastify, ours with 0 and with 100 subscribers, all three running and measured in turn (slices);
// fresh processes each round, the median round is reported
/** Ours, ready to take publishes: with `subscribers` WebSocket subscribers on the channel, or the channel made. */
async function publishingNode(subscribers) {
  const node = await startNode(OURS_ENV);
  const channel = `pub-${randomUUID().slice(0, 6)}`;
  let pool;
  const stop = async () => {
    await pool?.close();
    await node.stop();
  };
  try {
    if (subscribers) {
      const targets = await channelstreamSubscribers([node], SECRET, channel, subscribers, LEAN_INFO);
      pool = subscriberPool(targets, 1, CLIENT);
      await pool.open();
    } else {
      await createChannel(node.url, SECRET, channel);
    }
  } catch (error) {
    await stop(); // a node that could not be set up is not left running
    throw error;
  }
  return { target: { url: node.url, pid: node.pid, secret: SECRET, channel }, stop };
}

pinFor('publish');
if (only.has('publish')) {
  const rounds = quick ? 1 : 3;
  const runs = { 0: [], 100: [] };
  for (let r = 0; r < rounds; r++) {
    const bare = await startScript('bench/baseline/bare-fastify.mjs');
    const nodes = [];
    try {
      for (const subscribers of [0, 100]) nodes.push(await publishingNode(subscribers));
      const [bareRun, ...ourRuns] = await interleavedPublishLoad([{ url: bare.url, pid: bare.pid }, ...nodes.map((n) => n.target)], { slices: quick ? 2 : 5 });
      [0, 100].forEach((subscribers, i) => {
        const ours = ourRuns[i];
        runs[subscribers].push({ ours, bare: bareRun, ratio: round(ours.requests_per_s / bareRun.requests_per_s, 2) });
        console.error(`publish with ${subscribers} subscribers: ${ours.requests_per_s} req/s (bare ${bareRun.requests_per_s})`);
      });
    } finally {
      for (const node of nodes) await node.stop();
      await bare.stop();
    }
  }
  for (const subscribers of [0, 100]) {
    const { round: chosen, median: ratio } = medianRound(runs[subscribers], (run) => run.ratio);
    results.publish.push({
      subscribers,
      ours: chosen.ours,
      bare_fastify: chosen.bare,
      ratio,
      ratios: runs[subscribers].map((run) => run.ratio),
      cpu_ratio: round(chosen.bare.server_cpu_us_per_request / chosen.ours.server_cpu_us_per_request, 2),
    });
  }
}

pinFor('idle');
for (const count of only.has('idle') ? IDLE : []) {
  const node = await startNode({ CHANNELSTREAM_GC_CONNS_AFTER: '600', ...OURS_ENV });
  try {
    results.idle.push(await idleConnections({ node, secret: SECRET, count, client: CLIENT }));
    console.error(`idle ${count}: ${results.idle.at(-1).kib_per_connection} KiB each`);
  } finally {
    await node.stop();
  }
}

/** A run's CPU per delivery (the server's, or the load generator's) as `total (user + system)`. */
const cpuCell = (run, field = 'server_cpu_us_per_delivery') => {
  const cpu = run[field];
  return cpu ? `${cpu.total} (${cpu.user} + ${cpu.system})` : '?';
};
/** The servers' own fan-out p99, pooled over the rounds, and the ratios. */
const serverCell = (s) => `${s.pooled.ours.p99} / ${s.pooled.bare.p99} (${s.pooled.p99_ratio}; ${s.p99_ratio}, rounds: ${s.p99_ratios.join(', ')})`;
const pinNote = pinning ? ` Pinned (${pinning.parts === 'all' ? 'every part' : 'the fixed-rate and publish parts'}): servers on CPU ${pinning.server}, the load generator on ${pinning.load}.` : ' Not pinned.';
const clientNote = ` The subscribers read with ${CLIENT === 'lean' ? 'the lean reader (bench/lib/lean-ws-reader.mjs)' : "the ws library's client"}.`;
const envNote = Object.keys(OURS_ENV).length > 0 ? ` Our nodes ran with ${Object.entries(OURS_ENV).map(([k, v]) => `${k}=${v}`).join(', ')}.` : '';
const frameNote = OUR_FRAME_BYTES ? ` Each delivery is a ${OUR_FRAME_BYTES}-byte frame from both servers (the bare body is padded to the size of our event).` : '';
const lines = [
  `Machine: ${results.machine}; ${MESSAGES} messages of ~200 bytes per fan-out run, published unthrottled; best of ${ROUNDS} interleaved rounds.${frameNote}${clientNote}${pinNote}${envNote}`,
];
/** Adds a part's table when the part ran (a part run alone prints its own table only). */
const table = (rows, header) => {
  if (rows.length > 0) lines.push('', header, `|${'---|'.repeat(header.split('|').length - 2)}`, ...rows);
};
table(
  results.fanout.map((f) => `| ${f.subscribers} | ${f.ours.msgs_per_s} | ${f.bare.msgs_per_s} | ${f.ratio} | ${f.ours.latency_ms.p50} / ${f.ours.latency_ms.p99} | ${f.bare.latency_ms.p50} / ${f.bare.latency_ms.p99} | ${f.ours.loss} / ${f.bare.loss} |`),
  '| fan-out subscribers | ours msgs/s | bare ws msgs/s | ratio | ours p50 / p99 ms | bare p50 / p99 ms | loss (ours / bare) |',
);
table(
  results.original.map((f) => {
    const o = results.fanout.find((r) => r.subscribers === f.subscribers).ours;
    return `| ${f.subscribers} | ${f.original.messages} | ${f.original.msgs_per_s} | ${o.msgs_per_s} | ${f.ours_ratio} | ${f.original.latency_ms.p50} / ${f.original.latency_ms.p99} / ${f.original.latency_ms.max} | ${f.original.loss} | ${cpuCell(f.original)} / ${cpuCell(o)} |`;
  }),
  '| fan-out against the original (unthrottled, one round) | messages | original msgs/s | ours msgs/s (above) | ours/original | original p50 / p99 / max ms | original loss | server CPU µs per delivery (original / ours) |',
);
table(
  results.latency.map(
    (l) =>
      `| ${l.subscribers} subscribers | ${l.rate} | ${l.ours.latency_ms.p50} / ${l.ours.latency_ms.p99} / ${l.ours.latency_ms.max} | ${l.bare.latency_ms.p50} / ${l.bare.latency_ms.p99} / ${l.bare.latency_ms.max} | ${l.p99_ratio} (rounds: ${l.p99_ratios.join(', ')}) | ${l.p50_ratio} | ${l.pooled.ours.p99} / ${l.pooled.bare.p99} (${l.pooled.p99_ratio}) | ${serverCell(l.server_fanout)} | ${cpuCell(l.ours)} / ${cpuCell(l.bare)} | ${cpuCell(l.ours, 'load_generator_cpu_us_per_delivery')} / ${cpuCell(l.bare, 'load_generator_cpu_us_per_delivery')} | ${l.ours.loss} / ${l.bare.loss} |`,
  ),
  `| fan-out at a fixed rate (~${DELIVERIES_PER_S} deliveries/s) | msgs/s published | ours p50 / p99 / max ms | bare p50 / p99 / max ms | p99 ours/bare (median of ${LATENCY_ROUNDS} interleaved rounds) | p50 ours/bare (median) | all rounds pooled: p99 ours / bare ms (ratio) | inside the servers, publish to last socket write: p99 ours / bare ms, pooled (ratio; median of rounds) | server CPU µs per delivery, user + system (ours / bare) | load generator CPU µs per delivery (with ours / with bare) | loss (ours / bare) |`,
);
table(
  results.publish.map(
    (p) =>
      `| ${p.subscribers} subscribers | ${p.ours.requests_per_s} | ${p.ours.latency_p99_ms} | ${p.ours.non_2xx} | ${p.ours.server_cpu_us_per_request} | ${p.bare_fastify.requests_per_s} (${p.bare_fastify.server_cpu_us_per_request}) | ${p.ratio} (rounds: ${p.ratios.join(', ')}) | ${p.cpu_ratio} |`,
  ),
  '| signed POST /message | req/s | p99 ms | non-2xx | server CPU µs/req | bare Fastify req/s (CPU µs/req) | ratio req/s (median of interleaved rounds) | ratio CPU |',
);
table(
  results.idle.map((i) => `| ${i.connections} | ${i.connects_per_s} | ${i.rss_before_mb} → ${i.rss_after_mb} | ${i.kib_per_connection} |`),
  '| idle connections, one channel | connects/s (/connect without the member list + WebSocket) | RSS before → after MB | KiB per connection |',
);
console.log(lines.join('\n'));
mkdirSync(new URL('./results', import.meta.url), { recursive: true });
const file = new URL(`./results/bench-${results.date.replace(/[:.]/g, '-')}.json`, import.meta.url);
writeFileSync(file, JSON.stringify(results, null, 2));
console.log(`\nJSON: ${file.pathname}`);
