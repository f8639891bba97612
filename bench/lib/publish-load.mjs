// Publish throughput with autocannon: signed POST /message requests per second.
import autocannon from 'autocannon';
import { cpuMs, cpuUsPer } from './process-cpu.mjs';
import { sign } from './sign.mjs';
import { median, round } from './stats.mjs';

/** What every publish measurement posts: one ~200-byte message to `channel`. */
export const publishBody = (channel) => JSON.stringify([{ user: 'bench', channel, message: { text: 'x'.repeat(150) } }]);

/** Creates `channel` on a node (signed /channel_config), so that publishes with no subscriber still go through it. */
export async function createChannel(url, secret, channel) {
  const res = await fetch(`${url}/channel_config`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-channelstream-secret': sign(secret) }, body: JSON.stringify({ [channel]: {} }) });
  await res.arrayBuffer();
}

/**
 * Publish throughput of several servers measured in turn: each is warmed up, then each gets a slice of
 * `seconds` in turn, `slices` times over, all of them running the whole time. A shared VM's speed moves by
 * 15% between two 4-second runs of the same process (seen here), so a server measured for 10 s after another
 * one's 10 s is compared with a different machine; slices taken in turn share its drift. Each target is
 * `{ url, pid?, secret?, channel? }` (no secret: the bare route); the figures are over all its slices.
 */
export async function interleavedPublishLoad(targets, { slices = 5, seconds = 2, connections = 16 } = {}) {
  const runs = targets.map((target) => {
    const headers = { 'content-type': 'application/json' };
    if (target.secret) headers['x-channelstream-secret'] = sign(target.secret); // valid for 60 s: longer than a run
    const options = { url: `${target.url}/message`, method: 'POST', headers, body: publishBody(target.channel), connections, pipelining: 1 };
    return { target, options, requests: 0, seconds: 0, p50: [], p99: [], non2xx: 0, errors: 0, cpu: { user: 0, system: 0 } };
  });
  for (const run of runs) await autocannon({ ...run.options, duration: 2 }); // warm-up: the JIT, caches, the first allocations
  for (let slice = 0; slice < slices; slice++) {
    for (const run of runs) {
      const before = run.target.pid ? cpuMs(run.target.pid) : null;
      const result = await autocannon({ ...run.options, duration: seconds });
      const after = run.target.pid ? cpuMs(run.target.pid) : null;
      run.requests += result.requests.total;
      run.seconds += result.duration;
      run.p50.push(result.latency.p50);
      run.p99.push(result.latency.p99);
      run.non2xx += result.non2xx;
      run.errors += result.errors + result.timeouts;
      if (before && after) for (const field of ['user', 'system']) run.cpu[field] += after[field] - before[field];
    }
  }
  return runs.map((run) => {
    const cpu = run.target.pid ? cpuUsPer({ user: 0, system: 0 }, run.cpu, run.requests) : null;
    return {
      requests_per_s: round(run.requests / run.seconds, 0),
      latency_p50_ms: median(run.p50),
      latency_p99_ms: median(run.p99),
      server_cpu_us_per_request: cpu?.total ?? null,
      server_user_us_per_request: cpu?.user ?? null,
      non_2xx: run.non2xx,
      errors: run.errors,
      slices,
      slice_seconds: seconds,
    };
  });
}
