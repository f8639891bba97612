// Publish throughput with autocannon: signed POST /message requests per second.
import autocannon from 'autocannon';
import { cpuMs, cpuUsPer } from './process-cpu.mjs';
import { sign } from './sign.mjs';
import { round } from './stats.mjs';

/** What every publish measurement posts: one ~200-byte message to `channel`. */
export const publishBody = (channel) => JSON.stringify([{ user: 'bench', channel, message: { text: 'x'.repeat(150) } }]);

/** Creates `channel` on a node (signed /channel_config), so that publishes with no subscriber still go through it. */
export async function createChannel(url, secret, channel) {
  const res = await fetch(`${url}/channel_config`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-channelstream-secret': sign(secret) }, body: JSON.stringify({ [channel]: {} }) });
  await res.arrayBuffer();
}

export async function publishLoad({ url, pid, secret, channel, seconds = 10, connections = 16 }) {
  const body = publishBody(channel);
  const headers = { 'content-type': 'application/json' };
  if (secret) headers['x-channelstream-secret'] = sign(secret); // valid for 60 s: longer than a run
  const options = { url: `${url}/message`, method: 'POST', headers, body, connections, pipelining: 1 };
  await autocannon({ ...options, duration: 2 }); // warm-up: the JIT, caches, the first allocations
  const cpuBefore = pid ? cpuMs(pid) : undefined;
  const result = await autocannon({ ...options, duration: seconds });
  const cpuAfter = pid ? cpuMs(pid) : undefined;
  const cpu = cpuUsPer(cpuBefore, cpuAfter, result.requests.total);
  return {
    requests_per_s: round(result.requests.average, 0),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    server_cpu_us_per_request: cpu?.total ?? null,
    server_user_us_per_request: cpu?.user ?? null,
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
