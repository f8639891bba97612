#!/usr/bin/env node
// Fan-out with 1 node on the memory engine vs 2 nodes sharing Redis (subscribers split over both,
// backend publishing to the first). Needs `npm run build` and Redis at REDIS_URL.
//   node bench/redis-vs-memory.mjs [--subscribers 1000] [--messages 2000] [--rate 1000]
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import { benchChannel, channelstreamPublisher, channelstreamSubscribers, runFanout } from './lib/fanout.mjs';
import { SECRET, startNode } from './lib/servers.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a, i, all) => (a.startsWith('--') ? [a.slice(2), all[i + 1]] : null)).filter(Boolean));
const subscribers = Number(args.subscribers ?? 1000);
const messages = Number(args.messages ?? 2000);
const rate = Number(args.rate ?? 1000);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';

async function scenario(name, nodeEnvs) {
  const nodes = [];
  try {
    for (const env of nodeEnvs) nodes.push(await startNode(env));
    const channel = benchChannel();
    const targets = await channelstreamSubscribers(nodes, SECRET, channel, subscribers);
    const result = await runFanout({ targets, publish: channelstreamPublisher(nodes[0].url, SECRET, channel), messages, rate });
    return { name, ...result };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

const prefix = `bench:${randomUUID().slice(0, 8)}:`;
const redisEnv = { CHANNELSTREAM_ENGINE: 'redis', CHANNELSTREAM_REDIS_URL: redisUrl, CHANNELSTREAM_REDIS_PREFIX: prefix };
const results = [
  await scenario('1 node, memory', [{}]),
  await scenario('2 nodes, Redis', [redisEnv, redisEnv]),
];
await dropPrefix(redisUrl, prefix);

async function dropPrefix(url, keyPrefix) {
  const redis = new Redis(url);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

console.log(`\nFan-out: ${subscribers} subscribers, ${messages} messages at ${rate || 'max'}/s (${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, Node ${process.version})\n`);
console.log('| setup | delivered msgs/s | loss | p50 ms | p99 ms | max ms |');
console.log('|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.name} | ${r.msgs_per_s} | ${r.loss} | ${r.latency_ms.p50} | ${r.latency_ms.p99} | ${r.latency_ms.max} |`);
}
mkdirSync(new URL('./results', import.meta.url), { recursive: true });
const file = new URL(`./results/redis-vs-memory-${Date.now()}.json`, import.meta.url);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), subscribers, messages, rate, results }, null, 2));
console.log(`\nJSON: ${file.pathname}`);
